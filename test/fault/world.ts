/**
 * The fault suite's world: a private redis-server, a fresh PostgreSQL database, three server
 * processes (test/fault/node.ts) and agents connected to processes 1 and 2. A scenario injects
 * one fault while shoppers chat, then `settle` waits until every invariant holds
 * (invariants.ts), reports the figures, and closes the scenario's conversations.
 *
 *   const w = useFaultWorld();
 *   test('SIGKILL of a process holding agents', () => w.scenario('SIGKILL agents', async () => {
 *     const agent = await w.agent(0);          // online on process 0
 *     await w.chatting(1, 3);                  // shoppers on process 1
 *     w.leave(agent);                          // this one never comes back
 *     return w.kill(0, 'SIGKILL');             // the moment of the fault
 *   }));
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { createTokenService } from '../../server/domain/auth';
import type { PresencePool } from '../../server/domain/ports/presence';
import { createRedisPresencePool } from '../../server/store/presence/redis';
import { openTestStore, until, type TestStore } from '../helpers/chat';
import { createTestDatabase } from '../helpers/postgres';
import { useRedisServer } from '../helpers/suite';
import type { TestRedisServer } from '../helpers/redis-server';
import { FaultAgent, FaultVisitor } from './clients';
import { checkInvariants, type Figures } from './invariants';
import { processTable, type ProcessTable } from './processes';

const SECRET = 'fault-suite-secret-0123456789-abcdefghijkl';
export const PROCESSES = 3;
const AGENTS = 4;
const CAPACITY = 4;
/** How long recovery may take after a fault before the scenario fails. */
const RECOVERY_TIMEOUT_MS = 30_000;

export interface ScenarioResult extends Figures {
  name: string;
  /** From the fault until every invariant held. */
  recoveryMs: number;
}

export interface FaultWorld {
  readonly procs: ProcessTable;
  readonly redis: TestRedisServer;
  readonly db: TestStore;
  readonly pool: PresencePool;
  readonly agents: FaultAgent[];
  readonly visitors: FaultVisitor[];
  readonly results: ScenarioResult[];
  /** A shopper connected to the process in `slot`. */
  visitor(slot: number): Promise<FaultVisitor>;
  /** Another agent, online on the process in `slot` (the suite's own four are on 1 and 2). */
  agent(slot: number): Promise<FaultAgent>;
  /** An agent who goes away for good (never reconnects): no longer expected to be live. */
  leave(agent: FaultAgent): void;
  /** `n` shoppers on `slot`, each with a first message sent and routed (assigned or queued). */
  chatting(slot: number, n: number): Promise<FaultVisitor[]>;
  /** SIGKILL/SIGTERM the process in `slot` and wait for it to exit; resolves with the moment. */
  kill(slot: number, signal: NodeJS.Signals): Promise<number>;
  /** Makes every PostgreSQL write (conversations, messages) fail while `on`. */
  failWrites(on: boolean): Promise<void>;
  /**
   * Runs `inject` (it drives traffic and injects the fault, resolving with the moment of the
   * fault), waits until every invariant holds, records the figures, and cleans up.
   */
  scenario(name: string, inject: () => Promise<number>): Promise<ScenarioResult>;
}

/** Registers the jest hooks that build the world for the file it is called in. */
export function useFaultWorld(): FaultWorld {
  const redisServer = useRedisServer();
  const prefix = `fault:${randomUUID()}`;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let db: TestStore;
  let checker: Redis;
  let pool: PresencePool;
  let procs: ProcessTable;
  const agents: FaultAgent[] = [];
  const visitors: FaultVisitor[] = [];
  const results: ScenarioResult[] = [];
  let newAgent: () => Promise<FaultAgent>;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = await openTestStore(database.url);
    await installWriteFault(db);
    checker = new Redis(redisServer().url);
    pool = createRedisPresencePool({ redis: checker, prefix, defaultCapacity: CAPACITY });
    procs = processTable({
      REDIS_URL: redisServer().url,
      REDIS_PREFIX: prefix,
      DATABASE_URL: database.url,
      SECRET,
      LOG_LEVEL: 'fatal',
      FAULT_REPAIR_MS: '300',
      // An agent who left for good: their chats move after this.
      AGENT_GRACE_SECONDS: '3',
      // Every client of the suite connects from 127.0.0.1, and resumes often.
      RATE_IP_PER_SECOND: '100000',
      MAX_CONNECTIONS_PER_IP: '100000',
      RATE_NEW_CONVERSATIONS_IP_PER_MINUTE: '100000',
      RATE_NEW_CONVERSATIONS_VISITOR_PER_MINUTE: '100000',
      RATE_SYNC_IP_PER_MINUTE: '100000',
      RATE_SYNC_PER_MINUTE: '100000',
      RATE_AGENT_ACTIONS_PER_SECOND: '100000',
      RATE_AGENT_READS_PER_SECOND: '100000',
      RATE_VISITOR_PER_SECOND: '1000',
      RATE_AGENT_PER_SECOND: '1000',
      DEFAULT_CAPACITY: String(CAPACITY),
    });
    await Promise.all(Array.from({ length: PROCESSES }, (_, slot) => procs.start(slot)));
    const tokens = createTokenService(SECRET, { now: () => Date.now() });
    newAgent = async () => {
      const user = await db.store.upsertUser({
        email: `fault-agent-${randomUUID()}@example.test`,
        displayName: `Agent ${agents.length}`,
        role: 'agent',
        passwordHash: 'unused',
        capacity: CAPACITY,
      });
      const agent = new FaultAgent(() => procs.pick(), user.id, tokens.sign(user.id, 'agent', 3600));
      agents.push(agent);
      return agent;
    };
    // Agents on processes 1 and 2: the scenarios here kill process 0, which holds shoppers.
    const team = await Promise.all(Array.from({ length: AGENTS }, () => newAgent()));
    await Promise.all(team.map((a, i) => a.connect(procs.get(1 + (i % 2)).url)));
  });

  afterAll(async () => {
    [...visitors, ...agents].forEach((c) => c.close());
    await procs?.stopAll();
    await checker?.quit();
    await db?.store.close();
    await db?.sql.close();
    await database?.drop();
    if (results.length) console.log(`fault suite (${PROCESSES} processes, ${AGENTS} agents × capacity ${CAPACITY}):\n${table(results)}`);
  });

  const world: FaultWorld = {
    get procs() {
      return procs;
    },
    get redis() {
      return redisServer();
    },
    get db() {
      return db;
    },
    get pool() {
      return pool;
    },
    agents,
    visitors,
    results,
    async visitor(slot) {
      const v = new FaultVisitor(() => procs.pick());
      await v.connect(procs.get(slot).url);
      visitors.push(v);
      return v;
    },
    async agent(slot) {
      const agent = await newAgent();
      await agent.connect(procs.get(slot).url);
      return agent;
    },
    leave(agent) {
      agent.close();
      agents.splice(agents.indexOf(agent), 1);
    },
    async chatting(slot, n) {
      const vs = await Promise.all(Array.from({ length: n }, () => world.visitor(slot)));
      vs.forEach((v, i) => v.say(`Hello, shopper ${i} here`));
      await until(() => vs.every((v) => v.routed), 20_000, 'shoppers routed');
      return vs;
    },
    async kill(slot, signal) {
      await procs.kill(slot, signal);
      return Date.now();
    },
    async failWrites(on) {
      await db.sql.query(on ? 'INSERT INTO fault_flags VALUES (true)' : 'DELETE FROM fault_flags');
    },
    async scenario(name, inject) {
      // Three processes at the start of each scenario.
      await Promise.all(Array.from({ length: PROCESSES }, (_, slot) => (procs.alive(slot) ? undefined : procs.start(slot))));
      const faultAt = await inject();
      let last = await checkInvariants({ sql: db.sql, pool, visitors, agents });
      const deadline = Date.now() + RECOVERY_TIMEOUT_MS;
      while (last.violations.length && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
        last = await checkInvariants({ sql: db.sql, pool, visitors, agents });
      }
      const result: ScenarioResult = { name, ...last.figures, recoveryMs: Date.now() - faultAt };
      results.push(result);
      if (last.violations.length) {
        throw new Error(`${name}: not recovered after ${RECOVERY_TIMEOUT_MS} ms:\n${last.violations.slice(0, 20).join('\n')}`);
      }
      await cleanUp();
      return result;
    },
  };

  /** Each shopper of the scenario ends their chat and leaves; the next scenario starts with free agents. */
  async function cleanUp() {
    await Promise.all(
      visitors.map(async (v) => {
        const r = await v.socket!.timeout(10_000).emitWithAck('conversation:close', {});
        if (!r.ok && r.error.code !== 'NO_CONVERSATION') throw new Error(`close: ${r.error.code}`);
        v.close();
      }),
    );
    visitors.length = 0;
    agents.forEach((a) => a.acked.clear()); // checked; figures count each scenario's own messages
    await until(async () => (await pool.agents()).every((p) => p.load === 0), 10_000, 'agents free again');
    await until(() => agents.every((a) => a.chats.size === 0), 10_000, 'agents told of the closes');
  }

  return world;
}

/** A trigger that fails every write of conversations and messages while fault_flags has a row. */
async function installWriteFault({ sql }: TestStore) {
  await sql.query(`CREATE TABLE fault_flags (failing boolean NOT NULL)`);
  await sql.query(`
    CREATE FUNCTION fault_fail_writes() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF EXISTS (SELECT 1 FROM fault_flags) THEN RAISE EXCEPTION 'injected write failure'; END IF;
      RETURN NEW;
    END $$`);
  for (const t of ['conversations', 'messages']) {
    await sql.query(`CREATE TRIGGER fault_${t} BEFORE INSERT OR UPDATE ON ${t} FOR EACH ROW EXECUTE FUNCTION fault_fail_writes()`);
  }
}

function table(rows: ScenarioResult[]): string {
  const cols = ['name', 'acknowledged', 'lost', 'duplicated', 'undelivered', 'byResume', 'onlyOnResync', 'stranded', 'reconnected', 'recoveryMs'] as const;
  return [cols.join(' | '), ...rows.map((r) => cols.map((c) => String(r[c])).join(' | '))].join('\n');
}
