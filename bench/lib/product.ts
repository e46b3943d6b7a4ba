/**
 * Product deployments for the bench: a database with agent and lead accounts created directly
 * in the store (as the cluster test does), signed tokens, and the environment a server process
 * needs. Rate limits are raised so the bench measures throughput, not the limiter.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash, randomUUID } from 'node:crypto';
import { createTokenService } from '../../server/domain/auth';
import { systemClock } from '../../server/domain/clock';
import { createChatStore } from '../../server/store/sql/chat-store';
import { MIGRATIONS } from '../../server/store/sql/migrations';
import { createPgliteClient, createPostgresClient } from '../../server/store/sql/client';
import type { SqlClient } from '../../server/store/sql/types';
import { createTestDatabase } from '../../test/helpers/postgres';
import { startRedisServer, type TestRedisServer } from '../../test/helpers/redis-server';

export const SECRET = 'bench-secret-0123456789-abcdefghijklmnopqrstuvwxyz';

/**
 * Raised so no bench load is refused; every report says so. The limiter still runs (one Lua
 * call per key in Redis mode): only its thresholds change.
 */
export const RAISED_RATE_LIMITS: Record<string, string> = {
  RATE_VISITOR_PER_SECOND: '1000000',
  RATE_AGENT_PER_SECOND: '1000000',
  RATE_IP_PER_SECOND: '100000000',
  // The load generator's clients all come from one address.
  MAX_CONNECTIONS_PER_IP: '100000000',
  RATE_NEW_CONVERSATIONS_IP_PER_MINUTE: '100000000',
  RATE_NEW_CONVERSATIONS_VISITOR_PER_MINUTE: '100000000',
  RATE_SYNC_IP_PER_MINUTE: '100000000',
  RATE_SYNC_PER_MINUTE: '100000000',
  RATE_AGENT_ACTIONS_PER_SECOND: '100000000',
  RATE_AGENT_READS_PER_SECOND: '100000000',
};

export type ProductMode = 'embedded' | 'redis+postgres';

export interface ProductDeployment {
  mode: ProductMode;
  /** Environment for each server process of this deployment (add PORT/HOST). */
  env: Record<string, string>;
  agentTokens: string[];
  leadToken: string;
  dispose(): Promise<void>;
}

export interface DeployOptions {
  mode: ProductMode;
  agents: number;
  /** Concurrent conversations per agent. */
  capacity: number;
  /** Needed for redis+postgres. */
  redis?: TestRedisServer;
}

/**
 * A migrated, empty PGlite directory, made once and copied for each embedded deployment:
 * creating one (initdb) takes seconds, opening a copy a fraction of that. Kept in the temp
 * directory, keyed by the migrations and the PGlite version, so later runs reuse it.
 */
async function pgliteTemplate(): Promise<string> {
  const pgliteVersion = readFileSync(path.resolve(__dirname, '../../node_modules/@electric-sql/pglite/package.json'), 'utf8');
  const key = createHash('sha256').update(JSON.stringify(MIGRATIONS)).update(pgliteVersion).digest('hex').slice(0, 16);
  const dir = path.join(os.tmpdir(), `ls-bench-pglite-${key}`);
  if (existsSync(dir)) return dir;
  const building = mkdtempSync(`${dir}-building-`);
  const sql = await createPgliteClient({ dataDir: building });
  try {
    await createChatStore({ sql }).migrate();
  } finally {
    await sql.close();
  }
  try {
    renameSync(building, dir);
  } catch {
    rmSync(building, { recursive: true, force: true }); // another run made it first
  }
  return dir;
}

/** One private redis-server per bench run; deployments use their own key prefixes. */
export function startBenchRedis(): Promise<TestRedisServer> {
  return startRedisServer();
}

export async function deployProduct(opts: DeployOptions): Promise<ProductDeployment> {
  let sql: SqlClient;
  const env: Record<string, string> = {
    SECRET,
    LOG_LEVEL: 'info',
    AGENT_GRACE_SECONDS: '60',
    DEFAULT_CAPACITY: String(opts.capacity),
    ...RAISED_RATE_LIMITS,
  };
  let cleanup: () => Promise<void>;
  if (opts.mode === 'embedded') {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ls-bench-'));
    cpSync(await pgliteTemplate(), path.join(dir, 'pglite'), { recursive: true });
    // PGlite is single-process: accounts go in before the server opens the directory.
    sql = await createPgliteClient({ dataDir: path.join(dir, 'pglite') });
    env.DATA_DIR = dir;
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  } else {
    if (!opts.redis) throw new Error('redis+postgres needs a Redis server');
    const db = await createTestDatabase();
    sql = await createPostgresClient({ connectionString: db.url });
    env.DATABASE_URL = db.url;
    env.REDIS_URL = opts.redis.url;
    env.REDIS_PREFIX = `bench:${randomUUID()}`;
    cleanup = () => db.drop();
  }
  const store = createChatStore({ sql });
  const tokens = createTokenService(SECRET, systemClock);
  try {
    await store.migrate();
    const create = (i: number, role: 'agent' | 'lead') =>
      store.upsertUser({
        email: `${role}${i}-${randomUUID()}@bench.test`,
        displayName: role === 'lead' ? `Lead ${i}` : `Agent ${i}`,
        role,
        passwordHash: 'unused',
        // A lead who is not routed conversations: they only watch.
        capacity: role === 'lead' ? 0 : opts.capacity,
      });
    const agents = [];
    for (let i = 0; i < opts.agents; i++) agents.push(await create(i, 'agent'));
    const lead = await create(0, 'lead');
    const hours = 6 * 3600;
    return {
      mode: opts.mode,
      env,
      agentTokens: agents.map((a) => tokens.sign(a.id, 'agent', hours)),
      leadToken: tokens.sign(lead.id, 'lead', hours),
      dispose: cleanup,
    };
  } catch (err) {
    await store.close();
    await sql.close();
    await cleanup();
    throw err;
  } finally {
    await store.close();
    await sql.close();
  }
}
