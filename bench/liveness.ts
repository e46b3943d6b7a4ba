/**
 * Recovery times of the liveness mechanisms, on the real clock with the default timings
 * (HEARTBEAT_MS 2000, PROCESS_DEAD_AFTER_MS 10000) unless given:
 *   1. a process dies without a goodbye → its agents are in grace on the survivor;
 *   2. Redis restarts empty → presence, queue and assignments rebuilt.
 * Two ChatServers in this process on a private redis-server and an in-memory PGlite, agents
 * and visitors over socket.io-client (test/helpers), `--runs` times each.
 *
 *   npx tsx bench/liveness.ts [--runs 3] [--agents 5] [--visitors 15] [--heartbeat 2000] [--dead-after 10000]
 */
import { parseArgs } from 'node:util';
import type { PresencePool } from '../server/domain/ports/presence';
import { chattingVisitor, onlineAgent, openTestStore, startTestServer, until, type TestServer } from '../test/helpers/chat';
import { haltable } from '../test/helpers/processes';
import { startRedisServer } from '../test/helpers/redis-server';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    agents: { type: 'string', default: '5' },
    visitors: { type: 'string', default: '15' },
    heartbeat: { type: 'string', default: '2000' },
    'dead-after': { type: 'string', default: '10000' },
  },
});
const runs = Number(values.runs);
const agents = Number(values.agents);
const visitors = Number(values.visitors);
const limits = { heartbeatMs: Number(values.heartbeat), processDeadAfterMs: Number(values['dead-after']), agentGraceMs: 120_000 };

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return `median ${s[Math.floor(s.length / 2)]} ms, min ${s[0]} ms, max ${s.at(-1)} ms (n=${s.length})`;
};

async function main() {
  const redis = await startRedisServer();
  const detect: number[] = [];
  const rebuild: number[] = [];
  try {
    for (let run = 0; run < runs; run++) {
      // A store per run: a rebuild rightly restores every open conversation the store holds.
      const db = await openTestStore();
      const prefix = `bench:${run}:${Date.now()}`;
      const pools: (PresencePool & { halt(): void })[] = [];
      const servers: TestServer[] = [];
      for (let i = 0; i < 2; i++) {
        servers.push(await startTestServer({ store: db, redisUrl: redis.url, prefix, limits, wrapPool: (p) => (pools[i] = haltable(p)) }));
      }
      const [a, b] = servers;
      // Agents on a (they will be stranded), the same number on b; visitors spread over both.
      const onA = await Promise.all(Array.from({ length: agents }, () => onlineAgent(a, { capacity: 3 })));
      await Promise.all(Array.from({ length: agents }, () => onlineAgent(b, { capacity: 3 })));
      for (let v = 0; v < visitors; v++) await chattingVisitor(v % 2 ? a : b);

      // 2. Redis restarted empty.
      const before = await Promise.all((await b.pool.agents()).map(async (x) => [x.agentId, (await b.pool.agentConversations(x.agentId)).length] as const));
      await redis.restart();
      let t0 = Date.now();
      await until(
        async () => {
          const now = await b.pool.agents().catch(() => []);
          if (now.length !== before.length) return false;
          const loads = new Map(now.map((x) => [x.agentId, x.load]));
          return now.every((x) => x.connections > 0) && before.every(([id, n]) => loads.get(id) === n);
        },
        60_000,
        'rebuilt',
      );
      rebuild.push(Date.now() - t0);

      // 1. a dies without a goodbye.
      pools[0].halt();
      await a.close();
      t0 = Date.now();
      await until(
        async () => (await Promise.all(onA.map((x) => b.pool.agent(x.id)))).every((p) => p?.connections === 0 && p.graceDeadline !== null),
        60_000,
        'agents in grace',
      );
      detect.push(Date.now() - t0);
      await b.close();
      await db.store.close();
      await db.sql.close();
      console.log(`run ${run + 1}: rebuilt ${rebuild.at(-1)} ms after the restart; agents of the dead process in grace ${detect.at(-1)} ms after it died`);
    }
  } finally {
    await redis.stop();
  }
  console.log(`\n${agents}+${agents} agents, ${visitors} conversations, heartbeat ${limits.heartbeatMs} ms, dead after ${limits.processDeadAfterMs} ms`);
  console.log(`Redis restarted empty → rebuilt: ${stats(rebuild)}`);
  console.log(`process died → its agents in grace: ${stats(detect)}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
