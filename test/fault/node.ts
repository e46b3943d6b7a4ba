/**
 * One server process of the fault suite: the production backends (PostgreSQL at DATABASE_URL,
 * Redis at REDIS_URL, from server/config.ts), with the repair and grace sweeps run often so
 * recovery is quick. CHAT_CRASH_AT arms the crash seam (server/testing/crash-seam.ts).
 * Prints `{"port":N}` on stdout once listening; SIGTERM shuts down as server/main.ts does.
 *
 *   FAULT_REPAIR_MS   how often the repair runs (default 300)
 *   FAULT_FILL_BATCH  conversations per step of the history fill, reports and quality (default: the server's)
 */
import pino from 'pino';
import { openBackends } from '../../server/backends';
import { createChatServer } from '../../server/chat-server';
import { loadConfig } from '../../server/config';

async function main() {
  const config = loadConfig();
  const logger = pino({ level: config.logLevel }, pino.destination(2));
  const backends = await openBackends(config, logger);
  const server = createChatServer({
    ...backends,
    logger,
    secret: config.secret!,
    redisPrefix: config.redisPrefix,
    limits: config.limits,
    repairMs: Number(process.env.FAULT_REPAIR_MS ?? 300),
    reconcileMs: config.reconcileMs,
    graceSweepMs: 100,
    timeZone: () => config.timeZone,
    historyFill: process.env.FAULT_FILL_BATCH ? { reportBatch: Number(process.env.FAULT_FILL_BATCH), qualityBatch: Number(process.env.FAULT_FILL_BATCH) } : undefined,
  });
  await server.chat.restoreQueue();
  answerInspection({ sql: backends.sql, store: backends.store, pool: backends.pool });
  const port = await server.listen(config.port, config.host);
  process.stdout.write(`${JSON.stringify({ port })}\n`);

  let stopping = false;
  process.on('SIGTERM', async () => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => process.exit(1), 10_000).unref();
    await server.close();
    await backends.close();
    process.exit(0);
  });
}

/**
 * The suite's window into this process's backends over the IPC channel (an embedded process's
 * PGlite and in-process pool are nobody else's): `{ id, target, method, args }` is answered
 * with `{ id, value }` or `{ id, error }`. Reads only, by the suite's convention.
 */
function answerInspection(targets: Record<string, object>) {
  if (!process.send) return;
  process.on('message', async ({ id, target, method, args }: { id: number; target: string; method: string; args: unknown[] }) => {
    try {
      const t = targets[target] as Record<string, (...a: unknown[]) => Promise<unknown>>;
      process.send!({ id, value: await t[method].apply(t, args) });
    } catch (err) {
      process.send!({ id, error: String(err) });
    }
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
