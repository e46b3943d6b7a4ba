/**
 * Scenario 3, assignment: 100 agents online (Redis + PostgreSQL, one process); new
 * conversations arrive at fixed rates from pre-connected visitors, each closed once assigned.
 * Measured: from the visitor's first message to the agent receiving `conversation:assigned`.
 * Then every agent is full, visitors wait in the queue, and slots are freed one at a time:
 * measured, the time until each waiting visitor receives its new `conversation:state`.
 *
 * Baselines: one relay hop (A → B) at the same event rate, and one relay emit fanned out to
 * as many clients as there are waiting visitors.
 */
import type { ArrivalsResult, MessagePhaseResult, RoundsResult } from '../loadgen/protocol';
import { row, type Row } from '../lib/results';
import { arrivalsSummary, measured, summarisePhase, summary, withBaseline, withProduct, type Scenario } from './common';

export const assignment: Scenario = async (ctx) => {
  const a = ctx.profile.assignment;

  ctx.log('  baseline: one relay hop at the same event rates, then a fan-out to the waiting clients');
  const baseline = await withBaseline(ctx, { processes: 1, pairs: a.agents }, async ({ servers, worker }) => {
    const hops = [];
    for (const rate of a.rates) {
      const { result, server } = await measured(servers, () =>
        worker.call<MessagePhaseResult>({ type: 'open-loop', rate, durationMs: a.phaseMs, warmupMs: 0, drainMs: 3000 }),
      );
      const s = summarisePhase(result, server, 'open');
      ctx.log(`    hop at ${rate}/s: p50 ${s.latency.p50Ms.toFixed(2)} ms, p99 ${s.latency.p99Ms.toFixed(2)} ms`);
      hops.push(s);
    }
    const fanout = await worker.call<RoundsResult>({ type: 'fanout-rounds', url: servers[0].url, receivers: a.waiting, rounds: a.rounds });
    ctx.log(`    fan-out to ${a.waiting}: slowest receiver per round ${fanout.roundMaxMs.map((m) => m.toFixed(1)).join(', ')} ms`);
    return { hops, fanout };
  });

  ctx.log(`  product: redis+postgres, ${a.agents} agents × capacity ${a.capacity}`);
  const product = await withProduct(
    ctx,
    { mode: 'redis+postgres', processes: 1, agents: a.agents, capacity: a.capacity, pairs: 0, poolVisitors: a.poolVisitors },
    async ({ servers, worker }) => {
      const arrivals = [];
      for (const rate of a.rates) {
        const { result, server, backends } = await measured(servers, () => worker.call<ArrivalsResult>({ type: 'arrivals', rate, durationMs: a.phaseMs }));
        const s = arrivalsSummary(result, server, backends);
        ctx.log(
          `    ${rate} conversations/s: ${s.assigned}/${s.started} assigned, p50 ${s.latency.p50Ms.toFixed(2)} ms, p99 ${s.latency.p99Ms.toFixed(2)} ms, ` +
            `starved ${s.starved}, errors ${JSON.stringify(s.errors)}, server ${s.server.cores.toFixed(2)}, postgres ${backends.postgresCores.toFixed(2)}, redis ${backends.redisCores.toFixed(2)} cores`,
        );
        arrivals.push(s);
      }
      const queue = await worker.call<RoundsResult>({ type: 'queue-rounds', visitorUrl: servers[0].url, slots: a.agents * a.capacity, waiting: a.waiting, rounds: a.rounds });
      ctx.log(`    queue of ${a.waiting}: slowest visitor per round ${queue.roundMaxMs.map((m) => m.toFixed(1)).join(', ')} ms, missed ${queue.missed}`);
      return { arrivals, queue };
    },
  );

  const rows: Row[] = [];
  for (const [i, rate] of a.rates.entries()) {
    const pr = product.arrivals[i];
    const br = baseline.hops[i];
    rows.push(row({ scenario: '3', metric: `assignment p50 at ${rate} conversations/s`, unit: 'ms', product: pr.latency.p50Ms, baseline: br.latency.p50Ms, better: 'lower', note: 'baseline: one relay hop at the same rate' }));
    const p99 = row({
      scenario: '3',
      metric: `assignment p99 at ${rate} conversations/s`,
      unit: 'ms',
      product: pr.latency.p99Ms,
      baseline: br.latency.p99Ms,
      better: 'lower',
      note: `${pr.assigned}/${pr.started} assigned${pr.starved ? `, ${pr.starved} arrivals skipped (no free visitor)` : ''}${Object.keys(pr.errors).length ? `, errors ${JSON.stringify(pr.errors)}` : ''}`,
    });
    if (rate === 200) {
      p99.target = '≤ 10 ms';
      p99.met = pr.assigned > 0 ? pr.latency.p99Ms <= 10 : null;
    }
    rows.push(p99);
  }
  const q = summary(product.queue.latency);
  const f = summary(baseline.fanout.latency);
  const qMax = Math.max(...product.queue.roundMaxMs);
  const fMax = Math.max(...baseline.fanout.roundMaxMs);
  rows.push(row({ scenario: '3', metric: `queue update p99, ${a.waiting} waiting visitors`, unit: 'ms', product: q.p99Ms, baseline: f.p99Ms, better: 'lower', note: 'baseline: one relay emit fanned out to as many clients' }));
  const all = row({
    scenario: '3',
    metric: `queue update reaches all ${a.waiting} waiting (slowest of ${product.queue.rounds} rounds)`,
    unit: 'ms',
    product: product.queue.rounds ? qMax : null,
    baseline: baseline.fanout.rounds ? fMax : null,
    better: 'lower',
    target: '≤ 100 ms',
    note: product.queue.missed ? `${product.queue.missed} updates never arrived within 3 s` : undefined,
  });
  all.met = all.product === null ? null : all.product <= 100 && product.queue.missed === 0;
  rows.push(all);

  return {
    id: '3',
    title: 'Assignment and queue positions',
    rows,
    details: {
      agents: a.agents,
      capacity: a.capacity,
      baseline: { hops: baseline.hops, fanout: { ...baseline.fanout, latency: f } },
      product: { arrivals: product.arrivals, queue: { ...product.queue, latency: q } },
    },
    notes: [
      `${a.agents} agents online with capacity ${a.capacity}; each new conversation comes from one of ${a.poolVisitors} connected visitors and is closed by the visitor once assigned (so closes run at the same rate).`,
      `Queue: all ${a.agents * a.capacity} slots filled, ${a.waiting} visitors queued, then ${a.rounds} times one agent closes a conversation; timed from that close to each waiting visitor's next conversation:state.`,
      `Baseline hop rate = conversation rate; the product does far more per conversation (store, route script, events, history), so this ratio shows the cost over the transport floor.`,
    ],
  };
};
