/**
 * `npm run cluster`: N server processes (server/main.ts) on one machine behind one port, for
 * trying the clustered mode. node:cluster's primary accepts each TCP connection and hands it to
 * a worker in turn; a WebSocket is one connection, so it stays with the worker that took it.
 * That is enough because the widget and the console speak WebSocket only (no HTTP long-polling,
 * whose several requests per session would need sticky routing); REST calls are stateless.
 *
 * Needs REDIS_URL and DATABASE_URL: the processes share presence, the queue and Socket.IO
 * rooms through Redis and conversations through PostgreSQL (the in-process pool and embedded
 * PGlite are private to one process). docs/deploy.md has the rest.
 *
 *   CLUSTER_PROCESSES   how many processes (default 3)
 */
import cluster, { type Worker } from 'node:cluster';
import path from 'node:path';
import { resolveSecret } from './backends';
import { loadConfig } from './config';
import { createLogger } from './logger';
import { usePrivateUmask } from './files';

/** A worker that dies is replaced, but one that dies this soon after starting points to a setup fault. */
const MIN_UPTIME_MS = 5_000;

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

function main() {
  const missing = ['REDIS_URL', 'DATABASE_URL'].filter((name) => !process.env[name]);
  if (missing.length) {
    fail(
      `npm run cluster needs ${missing.join(' and ')}: its processes share presence, the queue and ` +
        'Socket.IO rooms through Redis and conversations through PostgreSQL (the embedded PGlite and the ' +
        'in-process pool serve one process only). For example:\n' +
        '  REDIS_URL=redis://127.0.0.1:6379 DATABASE_URL=postgres://user:pass@127.0.0.1:5432/livesupport npm run cluster\n' +
        'See docs/deploy.md.',
    );
  }
  const count = Number(process.env.CLUSTER_PROCESSES ?? 3);
  if (!Number.isInteger(count) || count < 1) fail(`CLUSTER_PROCESSES must be a whole number ≥ 1, not ${process.env.CLUSTER_PROCESSES}`);
  usePrivateUmask();
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    fail((err as Error).message);
  }
  const logger = createLogger(config.logLevel).child({ module: 'cluster' });
  // Every process signs tokens with one secret: resolved once here (generated into DATA_DIR if unset).
  const secret = resolveSecret(config, logger);

  cluster.setupPrimary({ exec: path.join(__dirname, 'main.ts') });
  const env = { SECRET: secret };
  let stopping = false;
  const started = new Map<Worker, number>();
  const fork = () => {
    const worker = cluster.fork(env);
    started.set(worker, Date.now());
    return worker;
  };

  cluster.on('exit', (worker, code, signal) => {
    const uptime = Date.now() - (started.get(worker) ?? 0);
    started.delete(worker);
    if (stopping) {
      if (!started.size) process.exit(0);
      return;
    }
    logger.error({ pid: worker.process.pid, code, signal }, 'a server process exited; starting another');
    if (uptime < MIN_UPTIME_MS) fail(`a server process exited ${uptime} ms after it started (code ${code}); see its log above`);
    fork();
  });

  // The first process applies migrations and seeds a fresh database alone; then the rest start.
  fork().once('listening', () => {
    for (let i = 1; i < count; i++) fork();
  });
  let listening = 0;
  cluster.on('listening', (_worker, address) => {
    if (++listening === count) logger.info({ processes: count, port: address.port }, `${count} processes share port ${address.port}`);
  });

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping every process');
    for (const worker of started.keys()) worker.process.kill('SIGTERM');
    if (!started.size) process.exit(0);
    setTimeout(() => process.exit(1), 15_000).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main();
