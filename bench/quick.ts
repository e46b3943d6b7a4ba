/**
 * A quick look while optimising (not part of the bench's results): the product alone, no
 * baseline, short phases.
 *
 *   npx tsx bench/quick.ts embedded|redis+postgres [rate] [processes]   one open-loop rate, then the closed loop
 *   npx tsx bench/quick.ts assign [rate,rate…]                         scenario 3's arrivals (default 50,200)
 */
import { FULL } from './config';
import type { ArrivalsResult } from './loadgen/protocol';
import { startBenchRedis, type ProductMode } from './lib/product';
import { arrivalsSummary, measured, runPlan, withProduct, type Context } from './scenarios/common';

async function main() {
  const what = process.argv[2] ?? 'redis+postgres';
  const redis = await startBenchRedis();
  const ctx: Context = { profile: FULL, redis, log: (m) => process.stderr.write(`${m}\n`) };
  try {
    if (what === 'assign') {
      const a = FULL.assignment;
      const rates = (process.argv[3] ?? '50,200').split(',').map(Number);
      await withProduct(ctx, { mode: 'redis+postgres', processes: 1, agents: a.agents, capacity: a.capacity, pairs: 0, poolVisitors: a.poolVisitors }, async ({ servers, worker }) => {
        for (const rate of rates) {
          const { result, server, backends } = await measured(servers, () => worker.call<ArrivalsResult>({ type: 'arrivals', rate, durationMs: a.phaseMs }));
          const s = arrivalsSummary(result, server, backends);
          console.log(`assign ${rate}/s: ${s.assigned}/${s.started} p50 ${s.latency.p50Ms.toFixed(1)} p99 ${s.latency.p99Ms.toFixed(1)} server ${s.server.cores.toFixed(2)} pg ${backends.postgresCores.toFixed(2)} redis ${backends.redisCores.toFixed(2)}`);
        }
      });
      return;
    }
    const mode = what as ProductMode;
    const rate = Number(process.argv[3] ?? 1000);
    const processes = Number(process.argv[4] ?? 1) as 1 | 2;
    const p = { ...FULL.messagePath, phaseMs: 5000, closedMs: 6000, warmUp: { rate: 500, ms: 2000 } };
    const plan = [{ kind: 'open' as const, rate }, { kind: 'closed' as const }];
    const phases = await withProduct(ctx, { mode, processes, agents: 100, capacity: 1, pairs: 100, watchFraction: 0.1 }, ({ servers, worker }) => runPlan(worker, servers, plan, p, ctx.log));
    for (const ph of phases) {
      console.log(
        `${mode} ${ph.kind} ${ph.offered ?? ''}: delivered ${Math.round(ph.deliveredPerSec)}/s p50 ${ph.latency.p50Ms.toFixed(1)} p99 ${ph.latency.p99Ms.toFixed(1)} ` +
          `cpu ${Math.round(ph.server.cpuUsPerMessage)} µs/msg, ${ph.server.cores.toFixed(2)} cores, lost ${ph.lost}${ph.overloaded ? ', overloaded' : ''}`,
      );
    }
  } finally {
    await redis.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
