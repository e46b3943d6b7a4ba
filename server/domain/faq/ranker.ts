/**
 * BM25 ranking of FAQ entries against a shopper's text. No I/O: built from a list of
 * entries, queried in memory.
 *
 * One document per entry: its question and all its alternative phrasings together. The
 * alternative, each phrasing its own document and an entry scoring as its best phrasing,
 * did worse on the FAQ test set (test/fixtures/faq-questions.ts: top-1 90–92% against 94%,
 * top-3 98% against 100%, for any k1 in 0.8–2 and b in 0.3–1): a shopper's words are often
 * spread over several phrasings (`change` in one, `address` in another), and a lead writes
 * phrasings precisely to widen the words an entry answers to. BM25's saturation (k1) and
 * length normalisation (b) keep an entry with many phrasings from winning on repetition
 * alone; the cost is that a word repeated across phrasings weighs a little more (`package`
 * in two phrasings of one entry beats it in one phrasing of another).
 *
 * score(entry) = Σ over distinct query terms t of
 *   w(t) · idf(t) · tf(t, e) · (k1 + 1) / (tf(t, e) + k1 · (1 − b + b · |e| / avg|e|))
 * idf(t) = ln(1 + (N − df(t) + 0.5) / (df(t) + 0.5)), N entries, df(t) entries containing t;
 * w(t) = 1, or FUZZY_WEIGHT for an English word not in the FAQ that was read as a known word
 * one edit away (`adress` → `address`, `recieved` → `received`).
 */
import { analyze, normalize, tokenize } from './text';

/** What the ranker needs of an entry; any richer record passes through to the results. */
export interface FaqDocument {
  id: string;
  question: string;
  phrasings: readonly string[];
  language: string;
}

export interface Bm25Params {
  /** Term-frequency saturation. @default 1.2 */
  k1?: number;
  /** Length normalisation, 0 (none) to 1 (full). @default 0.75 */
  b?: number;
}

export interface MatchOptions {
  /** Only entries in this language. @default any language */
  language?: string;
  /** Most results. @default 3 */
  limit?: number;
}

export interface RankedEntry<T> {
  entry: T;
  /** BM25 score, rounded to 3 decimals. */
  score: number;
  /**
   * What the text shares with the entry, most contributing first: the shopper's words
   * (English, as normalised) and the longest Chinese stretches of their text made of
   * matched terms.
   */
  matched: string[];
}

export interface FaqIndex<T extends FaqDocument> {
  /** Number of entries indexed. */
  readonly size: number;
  /** Entries sharing at least one term with `text`, best first (ties by id). */
  match(text: string, opts?: MatchOptions): RankedEntry<T>[];
}

/** A typo-corrected word counts for this much of an exact one. */
export const FUZZY_WEIGHT = 0.8;
/** English terms eligible for typo correction, on both sides: letters only, 5 or more (shorter words have too many neighbours one edit away: `sent` would read as `send`). */
const CORRECTABLE = /^[a-z]{5,}$/;
const HAN = /\p{Script=Han}/u;

interface Posting {
  entry: number;
  tf: number;
}

/** A query term as looked up: the indexed term it stands for and its weight. */
interface QueryTerm {
  term: string;
  weight: number;
}

export function buildFaqIndex<T extends FaqDocument>(entries: readonly T[], params: Bm25Params = {}): FaqIndex<T> {
  const k1 = params.k1 ?? 1.2;
  const b = params.b ?? 0.75;

  const lengths: number[] = [];
  const termFrequencies: Map<string, number>[] = [];
  const postings = new Map<string, Posting[]>();
  entries.forEach((entry, e) => {
    const terms = [entry.question, ...entry.phrasings].flatMap(tokenize);
    const tf = new Map<string, number>();
    for (const t of terms) tf.set(t, (tf.get(t) ?? 0) + 1);
    for (const [t, n] of tf) {
      let list = postings.get(t);
      if (!list) postings.set(t, (list = []));
      list.push({ entry: e, tf: n });
    }
    lengths.push(terms.length);
    termFrequencies.push(tf);
  });

  const n = entries.length;
  const avgLength = lengths.reduce((a, l) => a + l, 0) / Math.max(1, n);
  const correctable = [...postings.keys()].filter((t) => CORRECTABLE.test(t)).sort();
  const idf = (t: string) => {
    const df = postings.get(t)?.length ?? 0;
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  };
  const saturate = (tf: number, e: number) => (tf * (k1 + 1)) / (tf + k1 * (1 - b + (b * lengths[e]) / avgLength));

  /** The indexed term a query term stands for: itself, or for an unknown English word, the commonest known word one edit away. */
  function lookUp(term: string): QueryTerm | null {
    if (postings.has(term)) return { term, weight: 1 };
    if (!CORRECTABLE.test(term)) return null;
    let best: string | null = null;
    for (const known of correctable) {
      if (withinOneEdit(term, known) && (best === null || postings.get(known)!.length > postings.get(best)!.length)) best = known;
    }
    return best === null ? null : { term: best, weight: FUZZY_WEIGHT };
  }

  return {
    size: n,
    match(text, opts = {}) {
      const limit = opts.limit ?? 3;
      const tokens = analyze(text);
      // Distinct indexed terms; an exact occurrence outweighs a corrected one.
      const query = new Map<string, number>();
      const looked = new Map<string, QueryTerm | null>();
      for (const { term } of tokens) {
        if (!looked.has(term)) looked.set(term, lookUp(term));
        const q = looked.get(term);
        if (q) query.set(q.term, Math.max(query.get(q.term) ?? 0, q.weight));
      }
      if (query.size === 0 || limit <= 0) return [];

      const scores = new Map<number, number>();
      for (const [term, weight] of query) {
        const w = weight * idf(term);
        for (const p of postings.get(term)!) {
          if (opts.language !== undefined && entries[p.entry].language !== opts.language) continue;
          scores.set(p.entry, (scores.get(p.entry) ?? 0) + w * saturate(p.tf, p.entry));
        }
      }
      return [...scores]
        .sort(([ea, a], [eb, c]) => c - a || (entries[ea].id < entries[eb].id ? -1 : 1))
        .slice(0, limit)
        .map(([e, score]) => ({ entry: entries[e], score: Math.round(score * 1000) / 1000, matched: explain(e) }));

      /** The shopper's words and Chinese stretches that matched entry `e`, by contribution. */
      function explain(e: number): string[] {
        const contribution = new Map<string, number>();
        for (const [term, weight] of query) {
          const tf = termFrequencies[e].get(term);
          if (tf) contribution.set(term, weight * idf(term) * saturate(tf, e));
        }
        const parts = new Map<string, number>();
        // English: the words as the shopper wrote them (normalised), not their stems.
        for (const { term, surface } of tokens) {
          const q = looked.get(term);
          if (q && !HAN.test(term) && contribution.has(q.term)) parts.set(surface, contribution.get(q.term)!);
        }
        // Chinese: maximal stretches of the text covered by matched terms (`显示已签收`, not `显示 示已 已签 签收`).
        const norm = normalize(text);
        const covered = new Array<boolean>(norm.length).fill(false);
        const han = [...contribution.keys()].filter((t) => HAN.test(t));
        for (const t of han) {
          for (let i = norm.indexOf(t); i >= 0; i = norm.indexOf(t, i + 1)) covered.fill(true, i, i + t.length);
        }
        for (let i = 0; i < norm.length; ) {
          if (!covered[i]) {
            i++;
            continue;
          }
          let j = i;
          while (j < norm.length && covered[j]) j++;
          const stretch = norm.slice(i, j);
          const weight = han.filter((t) => stretch.includes(t)).reduce((sum, t) => sum + contribution.get(t)!, 0);
          parts.set(stretch, Math.max(parts.get(stretch) ?? 0, weight));
          i = j;
        }
        return [...parts].sort((a, c) => c[1] - a[1] || (a[0] < c[0] ? -1 : 1)).map(([part]) => part);
      }
    },
  };
}

/** True when `a` becomes `b` by at most one insertion, deletion, substitution or swap of adjacent letters. */
export function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (a.length === b.length) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true;
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
  }
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}
