/**
 * Scenario 1, the message path on one process: visitor → agent and agent → visitor messages
 * (validation, durable storage, ack, delivery; a lead watches 10% of the conversations), in
 * embedded mode (PGlite, in-process pool) and in Redis + PostgreSQL mode, against the bare
 * single-process relay with the same number of client pairs.
 */
import type { ProductMode } from '../lib/product';
import { row, type Row, type Series } from '../lib/results';
import { atRate, closedOf, fmt, openPoints, overloadNote, runPlan, withBaseline, withProduct, type PhasePlan, type Scenario } from './common';

export const MODES: ProductMode[] = ['embedded', 'redis+postgres'];

export const messagePath: Scenario = async (ctx) => {
  const p = ctx.profile.messagePath;
  const plan: PhasePlan[] = [...p.rates.map((rate) => ({ kind: 'open' as const, rate })), { kind: 'closed' }];
  const basePlan: PhasePlan[] = [...[...p.rates, ...p.baselineExtraRates].map((rate) => ({ kind: 'open' as const, rate })), { kind: 'closed' }];

  ctx.log('  baseline: bare Socket.IO relay, 1 process');
  const baseline = await withBaseline(ctx, { processes: 1, pairs: p.pairs }, ({ servers, worker }) => runPlan(worker, servers, basePlan, p, ctx.log));

  const product: Record<string, Awaited<ReturnType<typeof runPlan>>> = {};
  for (const mode of MODES) {
    ctx.log(`  product: ${mode}, 1 process`);
    product[mode] = await withProduct(
      ctx,
      { mode, processes: 1, agents: p.pairs, capacity: 1, pairs: p.pairs, watchFraction: p.watchFraction },
      ({ servers, worker }) => runPlan(worker, servers, plan, p, ctx.log),
    );
  }

  const rows: Row[] = [];
  const b = closedOf(baseline)!;
  for (const mode of MODES) {
    const phases = product[mode];
    const sat = closedOf(phases)!;
    const satRow = row({
      scenario: '1',
      metric: `${mode}: delivered at saturation (closed loop, ${p.window}/pair in flight)`,
      unit: 'msg/s',
      product: sat.deliveredPerSec,
      baseline: b.deliveredPerSec,
      better: 'higher',
      target: '≥ 0.5× bare relay',
    });
    satRow.met = satRow.ratio === null ? null : satRow.ratio >= 0.5;
    rows.push(satRow);
    for (const rate of p.rates) {
      const pr = atRate(phases, rate);
      const br = atRate(baseline, rate);
      const overload = [overloadNote(pr), overloadNote(br, 'baseline')].filter(Boolean).join('; ') || undefined;
      rows.push(row({ scenario: '1', metric: `${mode}: p50 at ${fmt(rate)} msg/s`, unit: 'ms', product: pr?.latency.p50Ms ?? null, baseline: br?.latency.p50Ms ?? null, better: 'lower', note: overload }));
      const p99 = row({ scenario: '1', metric: `${mode}: p99 at ${fmt(rate)} msg/s`, unit: 'ms', product: pr?.latency.p99Ms ?? null, baseline: br?.latency.p99Ms ?? null, better: 'lower', note: overload });
      if (rate === 5000) {
        p99.target = '≤ 2× bare relay';
        p99.met = pr?.overloaded ? false : p99.ratio === null ? null : p99.ratio <= 2;
      }
      rows.push(p99);
    }
    const cpuAt = p.rates.includes(5000) ? 5000 : p.rates[p.rates.length - 1];
    rows.push(
      row({
        scenario: '1',
        metric: `${mode}: server CPU per delivered message at ${fmt(cpuAt)} msg/s`,
        unit: 'µs',
        product: atRate(phases, cpuAt)?.server.cpuUsPerMessage ?? null,
        baseline: atRate(baseline, cpuAt)?.server.cpuUsPerMessage ?? null,
        better: 'lower',
      }),
    );
    if (mode === 'redis+postgres') {
      const ph = atRate(phases, cpuAt);
      const b = ph?.backends;
      const perMsg = ph && b && ph.delivered ? ph.server.cpuUsPerMessage + ((b.postgresCores + b.redisCores) * ph.server.cpuMs * 1000) / ph.server.cores / ph.delivered : null;
      rows.push(
        row({
          scenario: '1',
          metric: `${mode}: CPU per delivered message at ${fmt(cpuAt)} msg/s, server + PostgreSQL + Redis`,
          unit: 'µs',
          product: perMsg,
          baseline: atRate(baseline, cpuAt)?.server.cpuUsPerMessage ?? null,
          better: 'lower',
          note: b ? `PostgreSQL ${b.postgresCores.toFixed(2)} and Redis ${b.redisCores.toFixed(2)} cores during the phase (the machine's PostgreSQL is shared)` : undefined,
        }),
      );
    }
    const lost = phases.reduce((s, x) => s + x.lost, 0);
    const errors = phases.reduce((s, x) => s + Object.values(x.ackErrors).reduce((a, c) => a + c, 0), 0);
    const lead = phases.reduce((s, x) => ({ e: s.e + (x.lead?.expected ?? 0), r: s.r + (x.lead?.received ?? 0) }), { e: 0, r: 0 });
    rows.push(
      row({
        scenario: '1',
        metric: `${mode}: messages lost (all phases)`,
        unit: 'msgs',
        product: lost,
        baseline: baseline.reduce((s, x) => s + x.lost, 0),
        better: 'lower',
        ratio: null,
        note: `${errors} error acks; lead received ${fmt(lead.r)} of ${fmt(lead.e)} watched messages`,
      }),
    );
  }

  const series: Series[] = [
    { label: 'bare relay', kind: 'baseline', points: openPoints(baseline) },
    ...MODES.map((m) => ({ label: `product ${m}`, kind: 'product' as const, points: openPoints(product[m]) })),
  ];
  return {
    id: '1',
    title: 'Message path, one process',
    rows,
    series,
    details: { pairs: p.pairs, watchFraction: p.watchFraction, baseline, product },
    notes: [
      `${p.pairs} visitor/agent pairs (baseline: ${p.pairs} relay client pairs), ${Math.round(p.pairs * p.watchFraction)} conversations watched by one lead, 100-byte bodies, half the messages each way.`,
      'Latency is end to end: from the scheduled send time (open loop) to receipt on the other side; the product also acks each message to its sender once stored.',
    ],
  };
};
