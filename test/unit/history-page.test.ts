/** The page's text budget (server/domain/chat/views.ts): counted in UTF-8 bytes, never fewer than one message. */
import { PAGE_TEXT_BYTES } from '../../shared/protocol';
import { fitText, utf8Length } from '../../server/domain/chat/views';

test('utf8Length counts what UTF-8 takes: ASCII 1, Greek 2, CJK 3, an emoji (a surrogate pair) 4', () => {
  for (const s of ['', 'hello', 'αβγ', '退货退款', '😀', 'mixed 退货 😀 é\n\t']) expect(utf8Length(s)).toBe(Buffer.byteLength(s));
});

test('a page ends before the message that would pass the budget, and always holds one', () => {
  const zh = { text: '货'.repeat(4000) }; // 12 000 bytes
  expect(fitText(Array(10).fill(zh))).toBe(Math.floor(PAGE_TEXT_BYTES / 12_000));
  expect(fitText([{ text: 'x'.repeat(PAGE_TEXT_BYTES * 2) }, zh])).toBe(1);
  expect(fitText([{ text: 'x'.repeat(PAGE_TEXT_BYTES) }, { text: 'y' }])).toBe(1);
  expect(fitText(Array(100).fill({ text: 'short' }))).toBe(100);
  expect(fitText([])).toBe(0);
});
