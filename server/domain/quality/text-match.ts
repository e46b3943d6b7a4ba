/**
 * Finding listed words and phrases in chat text, Chinese and English alike: both sides are
 * NFKC-normalised (full-width letters and digits become ASCII) and lower-cased. A phrase that
 * begins or ends with a Latin letter or digit matches only whole words at that end ("hell" is
 * not in "hello"); Chinese has no spaces between words, so Chinese matches anywhere ("请" is in
 * "请稍等").
 */

const normalise = (s: string) => s.normalize('NFKC').toLowerCase();
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A letter or digit of a script that separates words with spaces (not Chinese, Japanese or Korean). */
const WORD_CHAR = '(?:(?![\\p{sc=Han}\\p{sc=Hiragana}\\p{sc=Katakana}\\p{sc=Hangul}])[\\p{L}\\p{N}])';
const isWordEdge = (ch: string) => new RegExp(WORD_CHAR, 'u').test(ch);

export interface PhraseMatcher {
  /** How often each phrase occurs in `text` (phrases that do not occur are left out), in list order. */
  count(text: string): { phrase: string; count: number }[];
}

/** A matcher for a list of phrases (blank ones and repeats are ignored). */
export function phraseMatcher(phrases: readonly string[]): PhraseMatcher {
  const seen = new Set<string>();
  const patterns: { phrase: string; re: RegExp }[] = [];
  for (const raw of phrases) {
    const phrase = raw.trim();
    const p = normalise(phrase);
    if (!p || seen.has(p)) continue;
    seen.add(p);
    const before = isWordEdge(p[0]) ? `(?<!${WORD_CHAR})` : '';
    const after = isWordEdge(p[p.length - 1]) ? `(?!${WORD_CHAR})` : '';
    patterns.push({ phrase, re: new RegExp(`${before}${escape(p)}${after}`, 'gu') });
  }
  return {
    count(text) {
      const t = normalise(text);
      return patterns.flatMap(({ phrase, re }) => {
        const n = t.match(re)?.length ?? 0;
        return n ? [{ phrase, count: n }] : [];
      });
    },
  };
}
