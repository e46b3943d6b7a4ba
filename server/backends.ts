/**
 * Builds the backends a configuration asks for: PostgreSQL or embedded PGlite,
 * Redis or the in-process pool. Everything above this file is the same code.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Redis } from 'ioredis';
import type { Config } from './config';
import { ensurePrivateDir, restrictTree } from './files';
import type { Logger } from './logger';
import { createMemoryPresencePool } from './store/presence/memory';
import { createRedisPresencePool } from './store/presence/redis';
import type { PresencePool } from './domain/ports/presence';
import { createMemoryRateLimiter, createRedisRateLimiter, type RateLimiter } from './store/rate-limit';
import { createChatStore } from './store/sql/chat-store';
import { createPgliteClient, createPostgresClient } from './store/sql/client';
import type { SqlChatStore, SqlClient } from './store/sql/types';

export interface Backends {
  sql: SqlClient;
  store: SqlChatStore;
  pool: PresencePool;
  limiter: RateLimiter;
  redis?: Redis;
  close(): Promise<void>;
}

/**
 * The SQL client and store, migrated. Embedded, `DATA_DIR` is kept private (see ./files):
 * callers set the private umask first; once PGlite has opened and migrated, and again when it
 * has closed, every file in it is made 0600 and every folder 0700. PGlite's file system sets
 * the modes its caller asked for, whatever the umask (0666 for most of what initdb writes), and
 * the first pass also repairs a directory from before this rule.
 */
export async function openDatabase(
  config: Config,
  logger?: Logger,
  /** What this process is, named to another one refused the embedded database's lock. */
  owner = 'server',
): Promise<{ sql: SqlClient; store: SqlChatStore }> {
  let sql: SqlClient;
  let restrict = () => {};
  if (config.databaseUrl) {
    sql = await createPostgresClient({ connectionString: config.databaseUrl });
  } else {
    const { dataDir } = config;
    ensurePrivateDir(dataDir);
    restrict = () => {
      const changed = restrictTree(dataDir);
      if (changed > 0) logger?.info({ dataDir, changed }, 'data directory files made private (0600, folders 0700)');
    };
    // In a worker thread: SQL would otherwise block the sockets' event loop for its whole run.
    // Locked to this process (DATA_DIR/pglite.lock): a second one refuses to open it.
    const pglite = await createPgliteClient({ dataDir: path.join(dataDir, 'pglite'), thread: 'worker', owner });
    sql = { ...pglite, close: () => pglite.close().then(restrict), afterFileChanges: () => restrict() };
  }
  const store = createChatStore({ sql });
  await store.migrate();
  restrict();
  return { sql, store };
}

/**
 * Options of every Redis connection a server process opens. A command waiting for a Redis that
 * is down fails after 3 reconnect attempts (about a second), so its caller's ack says so rather
 * than hanging; reconnecting itself goes on for ever.
 */
export const REDIS_CLIENT_OPTIONS = { maxRetriesPerRequest: 3 } as const;

export async function openBackends(config: Config, logger: Logger): Promise<Backends> {
  const { sql, store } = await openDatabase(config, logger);
  let redis: Redis | undefined;
  let pool: PresencePool;
  let limiter: RateLimiter;
  const defaultCapacity = config.limits.defaultCapacity;
  if (config.redisUrl) {
    // No auto-pipelining: measured (bench/README.md), it gave no throughput gain beyond the
    // run-to-run noise and kept ~60 MB more RSS under a steady load. Commands that can overlap
    // are issued together instead (an agent message's rate limit and access check).
    redis = new Redis(config.redisUrl, REDIS_CLIENT_OPTIONS);
    redis.on('error', (err) => logger.error({ err: err.message }, 'redis error'));
    pool = createRedisPresencePool({ redis, prefix: config.redisPrefix, defaultCapacity });
    limiter = createRedisRateLimiter({ redis, prefix: config.redisPrefix });
  } else {
    pool = createMemoryPresencePool({ defaultCapacity });
    limiter = createMemoryRateLimiter();
  }
  return {
    sql,
    store,
    pool,
    limiter,
    redis,
    async close() {
      await store.close();
      await pool.close();
      await limiter.close();
      await sql.close();
      await redis?.quit();
    },
  };
}

/** Shortest secret accepted: tokens are HMAC-signed with it, and a short key can be guessed. */
export const MIN_SECRET_LENGTH = 32;

/**
 * SECRET from the environment, or the one in `DATA_DIR/secret`, generated there (0600) on the
 * first start. Throws, saying how to fix it, when the secret is shorter than 32 characters
 * (an empty file would otherwise sign tokens with an empty key).
 */
export function resolveSecret(config: Config, logger: Logger): string {
  if (config.secret !== undefined) {
    if (config.secret.trim().length < MIN_SECRET_LENGTH) {
      throw new Error(`SECRET is shorter than ${MIN_SECRET_LENGTH} characters (surrounding whitespace not counted). Set it to a random value, e.g. SECRET=$(openssl rand -base64 32)`);
    }
    return config.secret;
  }
  const file = path.join(config.dataDir, 'secret');
  let secret: string;
  try {
    secret = readFileSync(file, 'utf8').trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    ensurePrivateDir(config.dataDir);
    secret = randomBytes(32).toString('base64url');
    // 'wx': never replaces a file another process has just written.
    writeFileSync(file, secret, { mode: 0o600, flag: 'wx' });
    logger.warn({ file }, 'SECRET is not set: generated one into the data directory. Set SECRET when running several processes.');
    return secret;
  }
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new Error(
      `${file} holds a secret of ${secret.length} characters; at least ${MIN_SECRET_LENGTH} are required. ` +
        'Delete the file to have a new one generated at the next start (everyone signed in must sign in again), ' +
        'or set SECRET to 32+ random characters, e.g. SECRET=$(openssl rand -base64 32)',
    );
  }
  return secret;
}
