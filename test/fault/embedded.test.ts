/**
 * The embedded single process (in-process pool, PGlite in a temporary DATA_DIR: no REDIS_URL,
 * no DATABASE_URL) stopped with SIGTERM and started again on the same directory, as an upgrade
 * does. Agents' consoles reconnect within grace and keep their chats, the queued shopper is
 * served as an agent frees up, and every invariant (invariants.ts) holds. Its PGlite and pool
 * are its own, so the check reads them through the process (`ask`, node.ts).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTokenService } from '../../server/domain/auth';
import type { UserRecord } from '../../server/domain/ports/records';
import type { PresencePool } from '../../server/domain/ports/presence';
import type { SqlClient } from '../../server/store/sql/types';
import { until } from '../helpers/chat';
import { FaultAgent, FaultVisitor } from './clients';
import { awaitInvariants } from './invariants';
import { processTable, type ProcessTable } from './processes';
import { RECOVERY_TIMEOUT_MS, SECRET, SUITE_ENV, table, type ScenarioResult } from './world';

// A fresh PGlite runs initdb: 10-15 s on an idle machine, more on two busy cores.
jest.setTimeout(180_000);

const CAPACITY = 2;
let dir: string;
let procs: ProcessTable;
let lastUrl = '';
const agents: FaultAgent[] = [];
const visitors: FaultVisitor[] = [];
/** While the process is down, clients keep trying its last address (the restart gets a new one). */
const pick = () => (procs.alive(0) ? (lastUrl = procs.get(0).url) : lastUrl);
const ask = <T>(target: 'sql' | 'store' | 'pool', method: string, ...args: unknown[]) => procs.get(0).ask<T>(target, method, ...args);
const sql = { query: (text: string, params?: unknown[]) => ask('sql', 'query', text, params ?? []) } as unknown as SqlClient;
const pool = {
  agents: () => ask('pool', 'agents'),
  queue: () => ask('pool', 'queue'),
  agentConversations: (id: string) => ask('pool', 'agentConversations', id),
} as unknown as PresencePool;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'fault-embedded-'));
  procs = processTable({ ...SUITE_ENV, DATA_DIR: dir, AGENT_GRACE_SECONDS: '30', DEFAULT_CAPACITY: String(CAPACITY) });
  await procs.start(0);
});
afterAll(async () => {
  [...visitors, ...agents].forEach((c) => c.close());
  await procs?.stopAll();
  rmSync(dir, { recursive: true, force: true });
});

test('embedded server restarted: agents reconnect within grace and keep their chats; the queued shopper is served', async () => {
  const tokens = createTokenService(SECRET, { now: () => Date.now() });
  for (let i = 0; i < 2; i++) {
    const user = await ask<UserRecord>('store', 'upsertUser', {
      email: `embedded-agent-${randomUUID()}@example.test`, displayName: `Agent ${i}`, role: 'agent', passwordHash: 'unused', capacity: CAPACITY,
    });
    const agent = new FaultAgent(pick, user.id, tokens.sign(user.id, 'agent', 3600));
    await agent.connect(pick());
    agents.push(agent);
  }
  // Two agents of capacity 2, five shoppers: four chats assigned, one shopper queued.
  for (let i = 0; i < 5; i++) {
    const v = new FaultVisitor(pick);
    await v.connect(pick());
    visitors.push(v);
    v.say(`Hello, shopper ${i} here`);
    await until(() => v.routed, 20_000, 'shopper routed');
  }
  await until(() => agents.every((a) => a.chats.size === CAPACITY && a.unsent === 0), 20_000, 'agents told and greeting');
  const held = new Map(agents.map((a) => [a.id, [...a.chats.keys()]]));
  const [queuedId] = await pool.queue();
  expect(queuedId).toBeDefined();

  const stoppedAt = Date.now();
  expect(await procs.kill(0, 'SIGTERM')).toBe(0);
  visitors.forEach((v) => v.say('Are you still there?'));
  await procs.start(0);

  const last = await awaitInvariants({ sql, pool, visitors, agents }, RECOVERY_TIMEOUT_MS);
  const result: ScenarioResult = { name: 'embedded restart', ...last.figures, recoveryMs: Date.now() - stoppedAt };
  console.log(`fault suite, embedded (1 process, 2 agents × capacity ${CAPACITY}):\n${table([result])}`);
  expect(last.violations).toEqual([]);

  // Every agent reconnected within grace, online, with the chats they had.
  for (const a of agents) {
    expect(a.connects).toBe(2);
    expect((await pool.agentConversations(a.id)).sort()).toEqual(held.get(a.id)!.sort());
  }
  expect(await pool.queue()).toEqual([queuedId]);
  // An agent frees up: the queued shopper is served.
  await agents[0].closeChat(held.get(agents[0].id)![0]);
  await until(() => agents[0].chats.has(queuedId), 20_000, 'the queued shopper served');
  expect(visitors.find((v) => v.conversationId === queuedId)!.routed).toBe(true);
});
