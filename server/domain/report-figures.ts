/**
 * The one definition of every report figure (docs/reports.md), from counted cells: reports and
 * the lead's floor both compute their figures here. The store sums cells (per group, metric
 * and duration bucket); this file turns the sums into counts, shares, means and percentiles.
 *
 * Durations are counted in buckets so that a year sums a few thousand rows instead of sorting
 * every reply: whole seconds (rounded up) up to `EXACT_SECONDS`, above that buckets
 * `2^(1/STEPS_PER_DOUBLING)` wide (2.2 %). Means come from exact sums in milliseconds; medians
 * and 90th percentiles are `percentile_cont` (interpolated) over the bucketed values, a value in
 * a wide bucket taken as spread evenly across it.
 */
import type { DurationStats, ReportRow } from '../../shared/reports';

/** Durations up to this many seconds are counted exactly, in whole seconds rounded up. */
export const EXACT_SECONDS = 300;
/** Above `EXACT_SECONDS`, buckets per doubling of the duration. */
export const STEPS_PER_DOUBLING = 32;

/** The seeds' service levels: complaints handled within 24 hours, follow-ups done within 3 days. */
export const COMPLAINT_HANDLED_MS = 24 * 3_600_000;
export const FOLLOW_UP_DONE_MS = 3 * 86_400_000;

/** What a cell counts. Duration metrics have buckets; `rating`'s bucket is the score. */
export const METRIC = {
  /** By opening time: the chat was started. */
  started: 0,
  /** The rest by close time. */
  closed: 1,
  missed: 2,
  transferred: 3,
  rating: 4,
  /** By registration time: a complaint, and one handled within `COMPLAINT_HANDLED_MS`. */
  complaint: 5,
  complaintHandled: 6,
  /** By creation time: a follow-up task, and one closed within `FOLLOW_UP_DONE_MS`. */
  followUp: 7,
  followUpDone: 8,
  queueWait: 10,
  firstResponse: 11,
  reaction: 12,
  handling: 13,
  reply: 14,
  /** By close time: the FAQ solved it (close reason `faq_solved`); such a chat is not missed. */
  selfServed: 15,
  /** By close time: a rating was offered (an agent held the chat, or it was rated anyway). */
  ratingOffered: 16,
  /** By close time: the FAQ offered the queued shopper an answer (a `faq_offered` event). */
  faqOffered: 17,
} as const;
export type Metric = (typeof METRIC)[keyof typeof METRIC];

/** One counted cell: `n` values of `metric` in `bucket` within a group, summing to `total` (ms, or the scores). */
export interface ReportCell {
  /** The group (agent id, category, department id, bucket's first day); null: none. */
  key: string | null;
  metric: Metric;
  bucket: number;
  n: number;
  total: number;
}

/** The bounds of a bucket above the exact range, seconds: (lo, hi]. */
function bounds(bucket: number): [number, number] {
  const at = (b: number) => EXACT_SECONDS * 2 ** ((b - EXACT_SECONDS) / STEPS_PER_DOUBLING);
  return [at(bucket - 1), at(bucket)];
}

/** The i-th (0-based) smallest bucketed value, ms. `buckets` sorted by bucket. */
function valueAt(buckets: readonly [bucket: number, n: number][], i: number): number {
  let seen = 0;
  for (const [b, n] of buckets) {
    if (i < seen + n) {
      if (b <= EXACT_SECONDS) return b * 1000;
      const [lo, hi] = bounds(b);
      return (lo + ((i - seen + 0.5) / n) * (hi - lo)) * 1000;
    }
    seen += n;
  }
  throw new Error(`rank ${i} beyond ${seen} values`);
}

/** `percentile_cont(p)` over the bucketed values. */
function percentile(buckets: readonly [number, number][], count: number, p: number): number {
  const h = p * (count - 1);
  const lo = Math.floor(h);
  const a = valueAt(buckets, lo);
  return lo === h ? a : a + (h - lo) * (valueAt(buckets, lo + 1) - a);
}

export function durationStats(cells: readonly ReportCell[]): DurationStats {
  const byBucket = new Map<number, number>();
  let count = 0;
  let total = 0;
  for (const c of cells) {
    byBucket.set(c.bucket, (byBucket.get(c.bucket) ?? 0) + c.n);
    count += c.n;
    total += c.total;
  }
  if (!count) return { count: 0, meanMs: null, medianMs: null, p90Ms: null };
  const buckets = [...byBucket].filter(([, n]) => n > 0).sort((x, y) => x[0] - y[0]);
  return {
    count,
    meanMs: Math.round(total / count),
    medianMs: Math.round(percentile(buckets, count, 0.5)),
    p90Ms: Math.round(percentile(buckets, count, 0.9)),
  };
}

/** One group's figures (everything of a report row but its key and label) from its cells. */
export function figuresOf(cells: readonly ReportCell[], serviceLevelSeconds: number): Omit<ReportRow, 'key' | 'label'> {
  const of = (m: Metric) => cells.filter((c) => c.metric === m);
  const n = (m: Metric, keep: (c: ReportCell) => boolean = () => true) => of(m).filter(keep).reduce((s, c) => s + c.n, 0);
  const share = (x: number, y: number) => (y ? x / y : null);
  const closed = n(METRIC.closed);
  const rated = n(METRIC.rating);
  const offered = n(METRIC.ratingOffered);
  const ratingSum = of(METRIC.rating).reduce((s, c) => s + c.total, 0);
  const selfServed = n(METRIC.selfServed);
  return {
    started: n(METRIC.started),
    closed,
    missed: n(METRIC.missed),
    selfServed,
    faqOffered: n(METRIC.faqOffered),
    faqSolvedRate: share(selfServed, n(METRIC.faqOffered)),
    transferred: n(METRIC.transferred),
    // Over the chats that wanted a person: one the FAQ solved while queued asked for no answer,
    // as a call the IVR resolved is left out of a call centre's service level. Whole seconds
    // rounded up: "within N s" is exact for N up to EXACT_SECONDS.
    serviceLevel: share(n(METRIC.firstResponse, (c) => c.bucket <= serviceLevelSeconds), closed - selfServed),
    queueWait: durationStats(of(METRIC.queueWait)),
    firstResponse: durationStats(of(METRIC.firstResponse)),
    reaction: durationStats(of(METRIC.reaction)),
    reply: durationStats(of(METRIC.reply)),
    handling: durationStats(of(METRIC.handling)),
    rated,
    averageRating: rated ? ratingSum / rated : null,
    satisfied: share(n(METRIC.rating, (c) => c.bucket >= 4), rated),
    ratingOffered: offered,
    ratingCoverage: share(offered, closed),
    responseRate: share(rated, offered),
    complaints: n(METRIC.complaint),
    complaintsHandledIn24h: share(n(METRIC.complaintHandled), n(METRIC.complaint)),
    followUps: n(METRIC.followUp),
    followUpsDoneIn3Days: share(n(METRIC.followUpDone), n(METRIC.followUp)),
  };
}
