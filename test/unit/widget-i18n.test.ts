import { backAt, chooseLocale, fill, strings } from '../../widget/src/i18n';
import { en } from '../../widget/src/locales/en';
import { zhCN } from '../../widget/src/locales/zh-CN';

test('the snippet language wins, then the browser languages, then English', () => {
  expect(chooseLocale('zh-CN', ['en-US'])).toBe('zh-CN');
  expect(chooseLocale('en', ['zh-CN'])).toBe('en');
  expect(chooseLocale(undefined, ['zh-TW', 'en'])).toBe('zh-CN');
  expect(chooseLocale(undefined, ['fr-FR', 'zh-CN'])).toBe('zh-CN');
  expect(chooseLocale('fr', ['en-GB'])).toBe('en');
  expect(chooseLocale(undefined, [])).toBe('en');
});

test('every locale has every string, with the same placeholders', () => {
  const placeholders = (s: string) => (s.match(/\{\w+\}/g) ?? []).filter((p) => p !== '{ahead}').sort();
  for (const key of Object.keys(en) as (keyof typeof en)[]) {
    expect(typeof zhCN[key]).toBe('string');
    expect(zhCN[key].length).toBeGreaterThan(0);
    expect(placeholders(zhCN[key])).toEqual(placeholders(en[key]));
  }
  expect(strings('zh-CN').send).toBe('发送');
});

test('fill replaces known placeholders and leaves the rest', () => {
  expect(fill(en.queued, { position: 3 })).toBe('You are number 3 in line. An agent will be with you shortly.');
  expect(fill(zhCN.queued, { position: 3, ahead: 2 })).toBe('您前面还有 2 位，当前排在第 3 位，客服将尽快为您服务。');
  expect(fill('{a} {b}', { a: 1 })).toBe('1 {b}');
});

test('"we\'re back" is in the shopper\'s time: the time alone today, with the weekday on another day, in both languages', () => {
  const now = Date.UTC(2026, 10, 30, 12, 0); // Monday 30 November 2026, 12:00 UTC
  const tonight = Date.UTC(2026, 10, 30, 18, 30);
  const tuesday = Date.UTC(2026, 11, 1, 1, 0);
  expect(backAt(en, tonight, now, 'en', 'UTC')).toBe("We're back at 06:30 PM.");
  expect(backAt(en, tuesday, now, 'en', 'UTC')).toBe("We're back on Tuesday at 01:00 AM.");
  expect(backAt(zhCN, tonight, now, 'zh-CN', 'UTC')).toBe('我们将于今天 18:30 恢复服务。');
  expect(backAt(zhCN, tuesday, now, 'zh-CN', 'UTC')).toBe('我们将于星期二 01:00 恢复服务。');
  // In Shanghai, 17:00 UTC on Monday is already 01:00 on Tuesday: reopening at 09:00 there is today.
  expect(backAt(zhCN, tuesday, Date.UTC(2026, 10, 30, 17, 0), 'zh-CN', 'Asia/Shanghai')).toBe('我们将于今天 09:00 恢复服务。');
  expect(backAt(en, tuesday, now, 'en', 'Asia/Shanghai')).toBe("We're back on Tuesday at 09:00 AM.");
});
