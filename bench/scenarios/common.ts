/** What every scenario runner shares: the run context, phase plans and their summaries. */
import type { Profile } from '../config';
import { Histogram, type HistogramData, type LatencySummary } from '../lib/histogram';
import type { ArrivalsResult, MessagePhaseResult } from '../loadgen/protocol';
import { startServer, startWorker, type ProbeSample, type ServerProcess, type Worker } from '../lib/processes';
import { deployProduct, type ProductDeployment, type ProductMode } from '../lib/product';
import { serverUsage, type LatencyPoint, type ScenarioResult, type ServerUsage } from '../lib/results';
import { backendCores, backendCpu } from '../lib/system';
import type { TestRedisServer } from '../../test/helpers/redis-server';

export interface Context {
  profile: Profile;
  redis: TestRedisServer;
  /** Progress line on stderr. */
  log(msg: string): void;
}

export type Scenario = (ctx: Context) => Promise<Omit<ScenarioResult, 'durationMs'>>;

export const summary = (h: HistogramData): LatencySummary => Histogram.from(h).summary();

/** Samples every server's probe; the next sample's event-loop figures cover the time between. */
export const sampleAll = (servers: ServerProcess[]) => Promise.all(servers.map((s) => s.sample()));

/** Summed CPU of several server processes, worst event-loop delay, summed RSS. */
export function usageOf(before: ProbeSample[], after: ProbeSample[], wallMs: number): ServerUsage {
  const each = before.map((b, i) => serverUsage(b, after[i], wallMs));
  return {
    cores: each.reduce((s, u) => s + u.cores, 0),
    cpuMs: each.reduce((s, u) => s + u.cpuMs, 0),
    rssMB: each.reduce((s, u) => s + u.rssMB, 0),
    heapMB: each.reduce((s, u) => s + u.heapMB, 0),
    eventLoopDelayP99Ms: Math.max(...each.map((u) => u.eventLoopDelayP99Ms)),
    eventLoopDelayMaxMs: Math.max(...each.map((u) => u.eventLoopDelayMaxMs)),
  };
}

/** CPU of PostgreSQL and Redis during a phase (see lib/system.ts: the machine's PostgreSQL is shared). */
export type BackendUsage = ReturnType<typeof backendCores>;

/** Runs `fn` between two probe samples of `servers` (and two readings of PostgreSQL's and Redis' CPU). */
export async function measured<T>(servers: ServerProcess[], fn: () => Promise<T>): Promise<{ result: T; server: ServerUsage; backends: BackendUsage }> {
  const before = await sampleAll(servers);
  const cpu0 = backendCpu();
  const t0 = performance.now();
  const result = await fn();
  const wall = performance.now() - t0;
  const cpu1 = backendCpu();
  const after = await sampleAll(servers);
  return { result, server: usageOf(before, after, wall), backends: backendCores(cpu0, cpu1, wall) };
}

export type PhasePlan = { kind: 'open'; rate: number } | { kind: 'closed' };

export interface PhaseTiming {
  /** An unreported open-loop phase first (JIT, caches, connection pools): its rate and length. */
  warmUp: { rate: number; ms: number };
  phaseMs: number;
  warmupMs: number;
  window: number;
  closedMs: number;
  closedWarmupMs: number;
  drainMs: number;
  /** Open loop stops early past this many undelivered messages (overloaded). */
  maxOutstanding: number;
}

/** One message phase, summarised for the results file. */
export interface PhaseSummary {
  kind: 'open' | 'closed';
  offered: number | null;
  deliveredPerSec: number;
  /** Open loop: delivered less than 95% of the offered rate, or stopped early with a backlog. */
  overloaded: boolean;
  /** Open loop stopped early after this long (overloaded). */
  abortedAfterMs?: number;
  sent: number;
  delivered: number;
  lost: number;
  duplicates: number;
  ackErrors: Record<string, number>;
  latency: LatencySummary;
  ackLatency?: LatencySummary;
  lead?: { expected: number; received: number };
  loadgenCores: number;
  server: ServerUsage & { cpuUsPerMessage: number };
  backends?: BackendUsage;
}

export function summarisePhase(r: MessagePhaseResult, server: ServerUsage, kind: 'open' | 'closed', backends?: BackendUsage): PhaseSummary {
  return {
    kind,
    offered: r.offeredRate ?? null,
    deliveredPerSec: r.deliveredPerSec,
    overloaded: kind === 'open' && r.offeredRate !== undefined && (r.abortedAfterMs !== undefined || r.deliveredPerSec < 0.95 * r.offeredRate),
    ...(r.abortedAfterMs !== undefined ? { abortedAfterMs: r.abortedAfterMs } : {}),
    sent: r.sent,
    delivered: r.delivered,
    lost: r.lost,
    duplicates: r.duplicates,
    ackErrors: r.ackErrors,
    latency: summary(r.latency),
    ...(r.ackLatency ? { ackLatency: summary(r.ackLatency) } : {}),
    ...(r.lead ? { lead: r.lead } : {}),
    loadgenCores: r.loadgen.cores,
    server: { ...server, cpuUsPerMessage: r.delivered ? (server.cpuMs * 1000) / r.delivered : NaN },
    ...(backends ? { backends } : {}),
  };
}

/** Runs the phases in order against already-connected clients. */
export async function runPlan(worker: Worker, servers: ServerProcess[], plan: PhasePlan[], t: PhaseTiming, log: (m: string) => void): Promise<PhaseSummary[]> {
  const out: PhaseSummary[] = [];
  await worker.call<MessagePhaseResult>({ type: 'open-loop', rate: t.warmUp.rate, durationMs: t.warmUp.ms, drainMs: t.drainMs, maxOutstanding: t.maxOutstanding });
  for (const p of plan) {
    const { result, server, backends } = await measured(servers, () =>
      p.kind === 'open'
        ? worker.call<MessagePhaseResult>({ type: 'open-loop', rate: p.rate, durationMs: t.phaseMs, warmupMs: t.warmupMs, drainMs: t.drainMs, maxOutstanding: t.maxOutstanding })
        : worker.call<MessagePhaseResult>({ type: 'closed-loop', window: t.window, durationMs: t.closedMs, warmupMs: t.closedWarmupMs, drainMs: t.drainMs }),
    );
    const s = summarisePhase(result, server, p.kind, backends);
    log(
      `    ${p.kind === 'open' ? `open ${p.rate} msg/s` : `closed window ${t.window}`}: ${s.deliveredPerSec.toFixed(0)} msg/s${s.abortedAfterMs ? ` (overloaded: stopped after ${(s.abortedAfterMs / 1000).toFixed(1)} s)` : ''}, ` +
        `p50 ${s.latency.p50Ms.toFixed(2)} ms, p99 ${s.latency.p99Ms.toFixed(2)} ms, lost ${s.lost}, ` +
        `server ${s.server.cores.toFixed(2)} cores (${s.server.cpuUsPerMessage.toFixed(0)} µs/msg), loadgen ${s.loadgenCores.toFixed(2)}, ` +
        `postgres ${backends.postgresCores.toFixed(2)}, redis ${backends.redisCores.toFixed(2)} cores`,
    );
    out.push(s);
  }
  return out;
}

/** Says how an overloaded open-loop phase went, for a row's note. */
export function overloadNote(p: PhaseSummary | undefined, who = 'product'): string | undefined {
  if (!p?.overloaded) return undefined;
  const stop = p.abortedAfterMs !== undefined ? `; load stopped after ${(p.abortedAfterMs / 1000).toFixed(1)} s, backlog too long` : '';
  return `${who} overloaded: delivered ${fmt(p.deliveredPerSec)} of ${fmt(p.offered ?? 0)} msg/s offered${stop}`;
}

export const openPoints = (phases: PhaseSummary[]): LatencyPoint[] =>
  phases
    .filter((p) => p.kind === 'open')
    .map((p) => ({ offered: p.offered!, achieved: p.deliveredPerSec, overloaded: p.overloaded, p50Ms: p.latency.p50Ms, p99Ms: p.latency.p99Ms }));

export const atRate = (phases: PhaseSummary[], rate: number) => phases.find((p) => p.kind === 'open' && p.offered === rate);
export const closedOf = (phases: PhaseSummary[]) => phases.find((p) => p.kind === 'closed');

/** Starts `n` servers at once; if one fails, the others are stopped. */
async function startAll(n: number, start: () => Promise<ServerProcess>): Promise<ServerProcess[]> {
  const settled = await Promise.allSettled(Array.from({ length: n }, start));
  const ok = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = settled.find((s) => s.status === 'rejected');
  if (failed) {
    await Promise.all(ok.map((s) => s.stop()));
    throw failed.reason;
  }
  return ok;
}

/** Bare relay servers (one, or two sharing Redis) with `pairs` client pairs connected across them. */
export async function withBaseline<T>(
  ctx: Context,
  opts: { processes: 1 | 2; pairs: number; host?: string; nodeFlags?: string[] },
  fn: (b: { servers: ServerProcess[]; worker: Worker }) => Promise<T>,
): Promise<T> {
  const env: Record<string, string> = { PORT: '0', HOST: opts.host ?? '127.0.0.1' };
  if (opts.processes === 2) Object.assign(env, { REDIS_URL: ctx.redis.url, REDIS_PREFIX: `relay:${Date.now()}` });
  const servers: ServerProcess[] = [];
  let worker: Worker | undefined;
  try {
    servers.push(...(await startAll(opts.processes, () => startServer({ kind: 'baseline', env, nodeFlags: opts.nodeFlags }))));
    worker = await startWorker();
    if (opts.pairs > 0) {
      await worker.call({ type: 'connect-relay-pairs', urlA: servers[0].url, urlB: servers[servers.length - 1].url, pairs: opts.pairs });
    }
    return await fn({ servers, worker });
  } finally {
    await worker?.call({ type: 'disconnect-all' }).catch(() => {});
    await worker?.stop();
    await Promise.all(servers.map((s) => s.stop()));
  }
}

export interface ProductSetup {
  mode: ProductMode;
  processes: 1 | 2;
  agents: number;
  capacity: number;
  pairs: number;
  watchFraction?: number;
  poolVisitors?: number;
  host?: string;
  nodeFlags?: string[];
}

/** A product deployment, its server process(es) and a load generator with agents online and pairs chatting. */
export async function withProduct<T>(
  ctx: Context,
  setup: ProductSetup,
  fn: (p: { servers: ServerProcess[]; worker: Worker; deployment: ProductDeployment }) => Promise<T>,
): Promise<T> {
  const t0 = performance.now();
  const deployment = await deployProduct({ mode: setup.mode, agents: setup.agents, capacity: setup.capacity, redis: ctx.redis });
  const t1 = performance.now();
  const servers: ServerProcess[] = [];
  let worker: Worker | undefined;
  try {
    const env = { ...deployment.env, PORT: '0', HOST: setup.host ?? '127.0.0.1' };
    servers.push(...(await startAll(setup.processes, () => startServer({ kind: 'product', env, nodeFlags: setup.nodeFlags }))));
    worker = await startWorker();
    if (setup.agents > 0) {
      await worker.call({
        type: 'connect-product-pairs',
        visitorUrl: servers[0].url,
        agentUrl: servers[servers.length - 1].url,
        agentTokens: deployment.agentTokens,
        leadToken: setup.watchFraction ? deployment.leadToken : undefined,
        watchFraction: setup.watchFraction ?? 0,
        pairs: setup.pairs,
        poolVisitors: setup.poolVisitors ?? 0,
      });
    }
    const secs = (a: number, b: number) => ((b - a) / 1000).toFixed(1);
    ctx.log(`    setup: accounts ${secs(t0, t1)} s, servers and clients ${secs(t1, performance.now())} s`);
    return await fn({ servers, worker, deployment });
  } finally {
    const t2 = performance.now();
    await worker?.call({ type: 'disconnect-all' }).catch(() => {});
    await worker?.stop();
    const t3 = performance.now();
    const codes = await Promise.all(servers.map((s) => s.stop()));
    if (codes.some((c) => c !== 0)) ctx.log(`    product server exit codes: ${codes.join(', ')}`);
    const t4 = performance.now();
    await deployment.dispose();
    ctx.log(`    teardown: clients ${((t3 - t2) / 1000).toFixed(1)} s, servers ${((t4 - t3) / 1000).toFixed(1)} s, data ${((performance.now() - t4) / 1000).toFixed(1)} s`);
  }
}

export function arrivalsSummary(r: ArrivalsResult, server: ServerUsage, backends?: BackendUsage) {
  return {
    rate: r.rate,
    started: r.started,
    assigned: r.assigned,
    starved: r.starved,
    errors: r.errors,
    latency: summary(r.latency),
    loadgenCores: r.loadgen.cores,
    server,
    ...(backends ? { backends } : {}),
  };
}

export const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
