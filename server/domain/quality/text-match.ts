/**
 * Finding listed words and phrases in chat text, Chinese and English alike: both sides are
 * NFKC-normalised (full-width letters and digits become ASCII) and lower-cased. A phrase that
 * begins or ends with a Latin letter or digit matches only whole words at that end ("hell" is
 * not in "hello"); Chinese has no spaces between words, so Chinese matches anywhere ("请" is in
 * "请稍等").
 */

const normalise = (s: string) => s.normalize('NFKC').toLowerCase();
/** A letter or digit of a script that separates words with spaces (not Chinese, Japanese or Korean). */
const WORD_CHAR = /^(?![\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Hangul}])[\p{L}\p{N}]$/u;
const isWordChar = (ch: string | undefined) => ch !== undefined && WORD_CHAR.test(ch);

/** The character (code point) ending just before `i`, and the one starting at `i`. */
const charBefore = (t: string, i: number) => (i > 0 ? [...t.slice(Math.max(0, i - 2), i)].pop() : undefined);
const charAt = (t: string, i: number) => (i < t.length ? String.fromCodePoint(t.codePointAt(i)!) : undefined);

export interface PhraseMatcher {
  /** How often each phrase occurs in `text` (phrases that do not occur are left out), in list order. */
  count(text: string): { phrase: string; count: number }[];
}

/** A matcher for a list of phrases (blank ones and repeats are ignored). */
export function phraseMatcher(phrases: readonly string[]): PhraseMatcher {
  const seen = new Set<string>();
  const patterns: { phrase: string; p: string; wordStart: boolean; wordEnd: boolean }[] = [];
  for (const raw of phrases) {
    const phrase = raw.trim();
    const p = normalise(phrase);
    if (!p || seen.has(p)) continue;
    seen.add(p);
    patterns.push({ phrase, p, wordStart: isWordChar(charAt(p, 0)), wordEnd: isWordChar(charBefore(p, p.length)) });
  }
  return {
    count(text) {
      const t = normalise(text);
      return patterns.flatMap(({ phrase, p, wordStart, wordEnd }) => {
        let n = 0;
        // Plain substring search, then the word edges: far cheaper than a regex with lookbehinds.
        for (let i = t.indexOf(p); i >= 0; ) {
          const whole = !(wordStart && isWordChar(charBefore(t, i))) && !(wordEnd && isWordChar(charAt(t, i + p.length)));
          if (whole) n++;
          // Occurrences do not overlap: after a match, look on past its end.
          i = t.indexOf(p, whole ? i + p.length : i + 1);
        }
        return n ? [{ phrase, count: n }] : [];
      });
    },
  };
}
