/**
 * The text building block (server/transport/text.ts) on its own: which characters it refuses,
 * that whatever it accepts fits in 3 bytes of JSON a UTF-16 unit (so an accepted message fits
 * in a frame), and that records refuse prototype keys that z.record would drop.
 */
import { disallowedChar, record, text } from '../../server/transport/text';

describe('text(max)', () => {
  const t = text(4000);

  test.each([
    ['NUL', '\u0000', 'U+0000'],
    ['a C0 control', 'ab\u0001', 'U+0001'],
    ['unit separator', '\u001f', 'U+001F'],
    ['vertical tab', '\u000b', 'U+000B'],
    ['DEL', '\u007f', 'U+007F'],
    ['a C1 control', '\u0080', 'U+0080'],
    ['the last C1 control', '\u009f', 'U+009F'],
    ['a lone high surrogate', 'x\uD83D', 'U+D83D'],
    ['a lone low surrogate at the start', '\uDE00x', 'U+DE00'],
    ['a reversed pair', '\uDE00\uD83D', 'U+DE00'],
  ])('refuses %s', (_what, s, codePoint) => {
    expect(t.safeParse(s).success).toBe(false);
    expect(disallowedChar(s)?.codePoint).toBe(codePoint);
  });

  test.each([
    ['tab, LF, CR', 'a\tb\nc\r\n'],
    ['an emoji pair', '😀'],
    ['a flag and a skin tone', '🇨🇳👋🏽'],
    ['CJK', '收到的商品有质量问题'],
    ['U+00A0 and U+2028', '\u00a0\u2028'],
    ['the last BMP characters', '\ufffd\uffff'],
    ['the empty string', ''],
  ])('accepts %s', (_what, s) => {
    expect(t.parse(s)).toBe(s);
    expect(disallowedChar(s)).toBeUndefined();
  });

  test('trim and min apply after the character check; max still applies', () => {
    const name = text(5, { trim: true, min: 1 });
    expect(name.parse('  Ana ')).toBe('Ana');
    expect(name.safeParse('   ').success).toBe(false);
    expect(name.safeParse('abcdef').success).toBe(false);
    expect(name.safeParse(' \u0000 ').error?.issues[0].message).toMatch(/^Contains U\+0000 at index 1/);
  });

  test('whatever it accepts is at most 3 bytes of JSON per UTF-16 unit (plus the quotes)', () => {
    // Deterministic pseudo-random strings over the troublesome ranges.
    let seed = 13;
    const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const pools = [[0, 0x40], [0x7f, 0xa0], [0x800, 0xffff], [0xd800, 0xe000], [0x22, 0x23], [0x5c, 0x5d]];
    let accepted = 0;
    for (let i = 0; i < 3000; i++) {
      let s = '';
      const n = 1 + Math.floor(rand() * 40);
      for (let j = 0; j < n; j++) {
        if (rand() < 0.1) s += '😀';
        else {
          const [lo, hi] = pools[Math.floor(rand() * pools.length)];
          s += String.fromCharCode(lo + Math.floor(rand() * (hi - lo)));
        }
      }
      const ok = t.safeParse(s).success;
      // Well-formed UTF-16 is what survives a round trip through UTF-8 unchanged.
      expect(ok).toBe(Buffer.from(s, 'utf8').toString('utf8') === s && !/[\0-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]/.test(s));
      if (ok) {
        accepted++;
        expect(Buffer.byteLength(JSON.stringify(s))).toBeLessThanOrEqual(3 * s.length + 2);
      }
    }
    expect(accepted).toBeGreaterThan(100);
  });
});

describe('record(key, value)', () => {
  const r = record(text(50, { min: 1 }), text(200));

  test.each(['__proto__', 'constructor', 'prototype'])('refuses an own %s key (as JSON.parse makes it)', (key) => {
    const raw = JSON.parse(`{"a":"b",${JSON.stringify(key)}:"x"}`);
    const res = r.safeParse(raw);
    expect(res.success).toBe(false);
    expect(res.error?.issues[0]).toMatchObject({ path: [key], message: `The key "${key}" is not allowed` });
  });

  test('keeps ordinary keys and still checks keys and values', () => {
    expect(r.parse({ a: 'b', proto: 'c' })).toEqual({ a: 'b', proto: 'c' });
    expect(r.safeParse({ a: 'b\u0000' }).success).toBe(false);
    expect(r.safeParse({ 'a\u0000': 'b' }).success).toBe(false);
    expect(r.safeParse('not an object').success).toBe(false);
    expect(r.safeParse(null).success).toBe(false);
  });
});
