/**
 * Scenario 5, soak: a steady mixed load for the profile's duration (2 minutes in full):
 * messages both ways, typing indicators, a lead watching 10% of conversations, and new
 * conversations from newly connected visitors who close them and leave. The server's RSS,
 * heap and event-loop delay are sampled at fixed intervals; the first interval is the
 * "start", the last the "end". The bare relay carries the same message and typing rates.
 */
import type { MessagePhaseResult } from '../loadgen/protocol';
import type { ServerProcess, Worker } from '../lib/processes';
import { row, type Row } from '../lib/results';
import { fmt, summary, type Context, withBaseline, withProduct, type Scenario } from './common';

interface Interval {
  atS: number;
  rssMB: number;
  heapMB: number;
  eventLoopDelayP99Ms: number;
  eventLoopDelayMaxMs: number;
  cores: number;
}

async function soakOn(ctx: Context, server: ServerProcess, worker: Worker) {
  const s = ctx.profile.soak;
  const intervals: Interval[] = [];
  let prev = await server.sample();
  const t0 = performance.now();
  let tPrev = t0;
  const run = worker.call<MessagePhaseResult>({ type: 'open-loop', rate: s.rate, durationMs: s.durationMs, typingRate: s.typingRate, churnRate: s.churnRate, drainMs: 5000 });
  let running = true;
  void run.finally(() => (running = false)).catch(() => {});
  const end = t0 + s.durationMs;
  while (running && performance.now() + s.sampleEveryMs <= end + 1) {
    await new Promise((r) => setTimeout(r, s.sampleEveryMs));
    const cur = await server.sample();
    const t = performance.now();
    intervals.push({
      atS: (t - t0) / 1000,
      rssMB: cur.rssBytes / 2 ** 20,
      heapMB: cur.heapUsedBytes / 2 ** 20,
      eventLoopDelayP99Ms: cur.eventLoopDelay.p99Ms,
      eventLoopDelayMaxMs: cur.eventLoopDelay.maxMs,
      cores: (cur.cpuUserUs + cur.cpuSystemUs - prev.cpuUserUs - prev.cpuSystemUs) / 1000 / (t - tPrev),
    });
    prev = cur;
    tPrev = t;
  }
  const result = await run;
  const first = intervals[0];
  const last = intervals[intervals.length - 1];
  ctx.log(
    `    ${fmt(result.delivered)}/${fmt(result.sent)} delivered, lost ${result.lost}, RSS ${first?.rssMB.toFixed(0)} → ${last?.rssMB.toFixed(0)} MB, ` +
      `event-loop p99 ${first?.eventLoopDelayP99Ms.toFixed(1)} → ${last?.eventLoopDelayP99Ms.toFixed(1)} ms`,
  );
  return { result, intervals, first, last };
}

export const soak: Scenario = async (ctx) => {
  const s = ctx.profile.soak;
  const desc = `${fmt(s.durationMs / 1000)} s at ${fmt(s.rate)} msg/s + ${s.typingRate} typing/s`;
  ctx.log(`  baseline: bare relay, ${desc}`);
  const baseline = await withBaseline(ctx, { processes: 1, pairs: s.pairs }, ({ servers, worker }) => soakOn(ctx, servers[0], worker));
  ctx.log(`  product: redis+postgres, ${desc} + ${s.churnRate} new conversations/s, a lead watching 10%`);
  const product = await withProduct(
    ctx,
    { mode: 'redis+postgres', processes: 1, agents: s.pairs, capacity: 2, pairs: s.pairs, watchFraction: 0.1 },
    ({ servers, worker }) => soakOn(ctx, servers[0], worker),
  );

  const rows: Row[] = [];
  const pr = product.result;
  const churn = pr.churn;
  const ackErrors = Object.values(pr.ackErrors).reduce((a, c) => a + c, 0);
  const errors = ackErrors + (churn?.errors ?? 0);
  rows.push(row({ scenario: '5', metric: 'RSS at start (first interval)', unit: 'MB', product: product.first?.rssMB ?? null, baseline: baseline.first?.rssMB ?? null, better: 'lower' }));
  rows.push(row({ scenario: '5', metric: 'RSS at end (last interval)', unit: 'MB', product: product.last?.rssMB ?? null, baseline: baseline.last?.rssMB ?? null, better: 'lower' }));
  const growth = (x: typeof product) => (x.first && x.last ? x.last.rssMB / x.first.rssMB : null);
  const rss = row({ scenario: '5', metric: 'RSS end / start', unit: '×', product: growth(product), baseline: growth(baseline), better: 'lower', target: 'no growth (≤ 1.10)' });
  rss.met = rss.product === null ? null : rss.product <= 1.1;
  rows.push(rss);
  rows.push(row({ scenario: '5', metric: 'event-loop delay p99 at start', unit: 'ms', product: product.first?.eventLoopDelayP99Ms ?? null, baseline: baseline.first?.eventLoopDelayP99Ms ?? null, better: 'lower' }));
  const eld = row({ scenario: '5', metric: 'event-loop delay p99 at end', unit: 'ms', product: product.last?.eventLoopDelayP99Ms ?? null, baseline: baseline.last?.eventLoopDelayP99Ms ?? null, better: 'lower', target: 'no growth (≤ 2× start, or within 5 ms)' });
  eld.met = product.first && product.last ? product.last.eventLoopDelayP99Ms <= Math.max(2 * product.first.eventLoopDelayP99Ms, product.first.eventLoopDelayP99Ms + 5) : null;
  rows.push(eld);
  rows.push(row({ scenario: '5', metric: 'end-to-end p99 over the soak', unit: 'ms', product: summary(pr.latency).p99Ms, baseline: summary(baseline.result.latency).p99Ms, better: 'lower' }));
  const err = row({
    scenario: '5',
    metric: 'errors (error acks, failed conversations)',
    unit: 'count',
    product: errors,
    baseline: 0,
    better: 'lower',
    ratio: null,
    target: '0',
    note: churn ? `${churn.assigned}/${churn.started} new conversations assigned and ${churn.closed} closed; acks ${JSON.stringify(pr.ackErrors)}` : undefined,
  });
  err.met = errors === 0;
  rows.push(err);
  const lost = row({
    scenario: '5',
    metric: 'messages lost',
    unit: 'msgs',
    product: pr.lost,
    baseline: baseline.result.lost,
    better: 'lower',
    ratio: null,
    target: '0',
    note: `${fmt(pr.sent)} sent; lead received ${fmt(pr.lead?.received ?? 0)} of ${fmt(pr.lead?.expected ?? 0)} watched`,
  });
  lost.met = pr.lost === 0 && (pr.lead ? pr.lead.received === pr.lead.expected : true);
  rows.push(lost);
  return {
    id: '5',
    title: 'Soak',
    rows,
    details: {
      baseline: { intervals: baseline.intervals, sent: baseline.result.sent, delivered: baseline.result.delivered, lost: baseline.result.lost, latency: summary(baseline.result.latency) },
      product: {
        intervals: product.intervals,
        sent: pr.sent,
        delivered: pr.delivered,
        lost: pr.lost,
        ackErrors: pr.ackErrors,
        latency: summary(pr.latency),
        lead: pr.lead,
        churn: churn ? { ...churn, assignLatency: summary(churn.assignLatency) } : undefined,
      },
    },
    notes: [`${s.pairs} pairs, ${desc}; samples every ${fmt(s.sampleEveryMs / 1000)} s. RSS and event-loop delay are the server's (the probe's monitorEventLoopDelay, 10 ms resolution).`],
  };
};
