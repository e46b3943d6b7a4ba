/**
 * A mergeable latency histogram: logarithmic buckets 1% wide, in microseconds, so a load
 * generator can record millions of samples in constant memory and ship a compact copy to
 * the runner. Percentiles are exact to within the bucket width (±1%).
 */

/** Bucket `i` holds values in (BASE^(i-1), BASE^i] µs; bucket 0 holds everything ≤ 1 µs. */
const BASE = 1.01;
const LOG_BASE = Math.log(BASE);

/** A histogram as it crosses process boundaries: sparse [bucket, count] pairs. */
export interface HistogramData {
  buckets: [index: number, count: number][];
  count: number;
  /** Sum of the samples in µs, for the mean. */
  sumUs: number;
  maxUs: number;
}

export interface LatencySummary {
  count: number;
  meanMs: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
}

export class Histogram {
  private counts = new Map<number, number>();
  count = 0;
  sumUs = 0;
  maxUs = 0;

  /** Records one latency given in milliseconds. */
  recordMs(ms: number): void {
    const us = Math.max(0, ms * 1000);
    const i = us <= 1 ? 0 : Math.ceil(Math.log(us) / LOG_BASE);
    this.counts.set(i, (this.counts.get(i) ?? 0) + 1);
    this.count++;
    this.sumUs += us;
    if (us > this.maxUs) this.maxUs = us;
  }

  merge(other: HistogramData | Histogram): this {
    const data = other instanceof Histogram ? other.toJSON() : other;
    for (const [i, n] of data.buckets) this.counts.set(i, (this.counts.get(i) ?? 0) + n);
    this.count += data.count;
    this.sumUs += data.sumUs;
    this.maxUs = Math.max(this.maxUs, data.maxUs);
    return this;
  }

  /** The value (ms) below which a fraction `q` of the samples lie: the upper edge of its bucket. */
  quantileMs(q: number): number {
    if (this.count === 0) return NaN;
    const rank = Math.max(1, Math.ceil(q * this.count));
    const sorted = [...this.counts.keys()].sort((a, b) => a - b);
    let seen = 0;
    for (const i of sorted) {
      seen += this.counts.get(i)!;
      if (seen >= rank) return Math.min(Math.pow(BASE, i), this.maxUs) / 1000;
    }
    return this.maxUs / 1000;
  }

  summary(): LatencySummary {
    return {
      count: this.count,
      meanMs: this.count ? this.sumUs / this.count / 1000 : NaN,
      p50Ms: this.quantileMs(0.5),
      p90Ms: this.quantileMs(0.9),
      p99Ms: this.quantileMs(0.99),
      p999Ms: this.quantileMs(0.999),
      maxMs: this.count ? this.maxUs / 1000 : NaN,
    };
  }

  toJSON(): HistogramData {
    return { buckets: [...this.counts.entries()], count: this.count, sumUs: this.sumUs, maxUs: this.maxUs };
  }

  static from(data: HistogramData): Histogram {
    return new Histogram().merge(data);
  }
}
