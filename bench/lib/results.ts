/**
 * The shape of a bench run's results (bench/results/<date>.json), and the helpers scenarios
 * use to build comparison rows: every product figure next to the baseline's, and their ratio.
 */
import type { ProbeSample } from './processes';

/** One line of the results table. */
export interface Row {
  /** Scenario id, e.g. `1`. */
  scenario: string;
  /** What is measured, e.g. `embedded: p99 at 5,000 msg/s`. */
  metric: string;
  unit: string;
  product: number | null;
  baseline: number | null;
  /** product / baseline; null when either is missing or the baseline is 0. */
  ratio: number | null;
  /** Which direction is good, for reading the ratio. */
  better: 'higher' | 'lower';
  /** The target, in words, if this row has one. */
  target?: string;
  /** Whether the target is met; null when it could not be judged. */
  met?: boolean | null;
  note?: string;
}

/** A latency point for the chart: offered load against percentiles. */
export interface LatencyPoint {
  offered: number;
  achieved: number;
  /** The offered rate was not delivered (drawn hollow). */
  overloaded: boolean;
  p50Ms: number;
  p99Ms: number;
}

export interface Series {
  label: string;
  kind: 'product' | 'baseline';
  points: LatencyPoint[];
}

export interface ScenarioResult {
  id: string;
  title: string;
  rows: Row[];
  /** Free-form measurements behind the rows (phases, probes, histograms summarised). */
  details: Record<string, unknown>;
  notes: string[];
  /** Chart series (scenarios 1 and 2). */
  series?: Series[];
  durationMs: number;
  /** Set when the scenario failed; its rows may then be incomplete. */
  error?: string;
}

export interface HostInfo {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  openFilesLimit: string;
  /** `uptime` and the busiest processes, before and after the run. */
  before: { uptime: string; top: string };
  after?: { uptime: string; top: string };
}

export interface BenchResults {
  version: 1;
  profile: 'full' | 'smoke';
  startedAt: string;
  finishedAt: string;
  host: HostInfo;
  /** Said in every output: the product runs with raised rate limits. */
  rateLimits: { note: string; env: Record<string, string> };
  scenarios: ScenarioResult[];
}

export function row(r: Omit<Row, 'ratio'> & { ratio?: number | null }): Row {
  const ok = (v: number | null) => v !== null && Number.isFinite(v);
  const ratio = r.ratio !== undefined ? r.ratio : ok(r.product) && ok(r.baseline) && r.baseline !== 0 ? r.product! / r.baseline! : null;
  return { ...r, product: ok(r.product) ? r.product : null, baseline: ok(r.baseline) ? r.baseline : null, ratio };
}

/** Server CPU and event-loop delay between two probe samples taken `wallMs` apart. */
export function serverUsage(before: ProbeSample, after: ProbeSample, wallMs: number) {
  const cpuMs = (after.cpuUserUs + after.cpuSystemUs - before.cpuUserUs - before.cpuSystemUs) / 1000;
  return {
    cores: cpuMs / wallMs,
    cpuMs,
    rssMB: after.rssBytes / 2 ** 20,
    heapMB: after.heapUsedBytes / 2 ** 20,
    eventLoopDelayP99Ms: after.eventLoopDelay.p99Ms,
    eventLoopDelayMaxMs: after.eventLoopDelay.maxMs,
  };
}
export type ServerUsage = ReturnType<typeof serverUsage>;
