/**
 * Scenario 2, across processes: two product processes sharing Redis and PostgreSQL, every
 * visitor on process 1 and every agent on process 2, against two bare relay processes joined
 * by the same @socket.io/redis-streams-adapter (A on process 1, B on process 2).
 */
import { row, type Row } from '../lib/results';
import { atRate, closedOf, fmt, openPoints, overloadNote, runPlan, withBaseline, withProduct, type PhasePlan, type Scenario } from './common';

export const crossProcess: Scenario = async (ctx) => {
  const p = ctx.profile.crossProcess;
  const plan: PhasePlan[] = [...p.rates.map((rate) => ({ kind: 'open' as const, rate })), { kind: 'closed' }];

  ctx.log('  baseline: bare relay, 2 processes, redis-streams adapter');
  const baseline = await withBaseline(ctx, { processes: 2, pairs: p.pairs }, ({ servers, worker }) => runPlan(worker, servers, plan, p, ctx.log));
  ctx.log('  product: redis+postgres, 2 processes (visitors on 1, agents on 2)');
  const product = await withProduct(
    ctx,
    { mode: 'redis+postgres', processes: 2, agents: p.pairs, capacity: 1, pairs: p.pairs },
    ({ servers, worker }) => runPlan(worker, servers, plan, p, ctx.log),
  );

  const rows: Row[] = [];
  const sat = row({
    scenario: '2',
    metric: `2 processes: delivered at saturation (closed loop, ${p.window}/pair in flight)`,
    unit: 'msg/s',
    product: closedOf(product)!.deliveredPerSec,
    baseline: closedOf(baseline)!.deliveredPerSec,
    better: 'higher',
    target: '≥ 0.8× bare 2-process relay',
  });
  sat.met = sat.ratio === null ? null : sat.ratio >= 0.8;
  rows.push(sat);
  for (const rate of p.rates) {
    const pr = atRate(product, rate);
    const br = atRate(baseline, rate);
    const note = [overloadNote(pr), overloadNote(br, 'baseline')].filter(Boolean).join('; ') || undefined;
    rows.push(row({ scenario: '2', metric: `2 processes: p50 at ${fmt(rate)} msg/s`, unit: 'ms', product: pr?.latency.p50Ms ?? null, baseline: br?.latency.p50Ms ?? null, better: 'lower', note }));
    rows.push(row({ scenario: '2', metric: `2 processes: p99 at ${fmt(rate)} msg/s`, unit: 'ms', product: pr?.latency.p99Ms ?? null, baseline: br?.latency.p99Ms ?? null, better: 'lower', note }));
  }
  const cpuAt = p.rates[p.rates.length - 1];
  rows.push(
    row({
      scenario: '2',
      metric: `2 processes: server CPU per delivered message at ${fmt(cpuAt)} msg/s (both processes)`,
      unit: 'µs',
      product: atRate(product, cpuAt)?.server.cpuUsPerMessage ?? null,
      baseline: atRate(baseline, cpuAt)?.server.cpuUsPerMessage ?? null,
      better: 'lower',
    }),
  );
  const errors = product.reduce((s, x) => s + Object.values(x.ackErrors).reduce((a, c) => a + c, 0), 0);
  rows.push(
    row({
      scenario: '2',
      metric: '2 processes: messages lost (all phases)',
      unit: 'msgs',
      product: product.reduce((s, x) => s + x.lost, 0),
      baseline: baseline.reduce((s, x) => s + x.lost, 0),
      better: 'lower',
      ratio: null,
      note: `${errors} error acks`,
    }),
  );
  return {
    id: '2',
    title: 'Across two processes',
    rows,
    series: [
      { label: 'bare relay, 2 processes', kind: 'baseline', points: openPoints(baseline) },
      { label: 'product, 2 processes', kind: 'product', points: openPoints(product) },
    ],
    details: { pairs: p.pairs, baseline, product },
    notes: [`${p.pairs} pairs; every message crosses from one process to the other through Redis streams. Server CPU is the sum of both processes (Redis and PostgreSQL not counted).`],
  };
};
