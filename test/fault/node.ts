/**
 * One server process of the fault suite: the production backends (PostgreSQL at DATABASE_URL,
 * Redis at REDIS_URL, from server/config.ts), with the repair and grace sweeps run often so
 * recovery is quick. CHAT_CRASH_AT arms the crash seam (server/testing/crash-seam.ts).
 * Prints `{"port":N}` on stdout once listening; SIGTERM shuts down as server/main.ts does.
 *
 *   FAULT_REPAIR_MS   how often the repair runs (default 300)
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
  });
  await server.chat.restoreQueue();
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

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
