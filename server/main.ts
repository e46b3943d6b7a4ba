/** Entry point: configuration from the environment, backends, server, graceful shutdown. */
import { loadConfig } from './config';
import { createLogger } from './logger';
import { openBackends, resolveSecret } from './backends';
import { createChatServer } from './chat-server';
import { createSmtpMailer } from './mail/smtp';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { ensurePrivateDir, usePrivateUmask } from './files';
import { ensureAdmin, ensureFirstAccount } from './domain/admin';
import { seedDemoData } from './seed';
import { argon2Passwords } from './store/passwords';

async function main() {
  const started = performance.now();
  // Before anything is opened: what this process and its PGlite worker create is private.
  usePrivateUmask();
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  // Before the database: a secret too short to sign tokens stops the start with nothing written.
  const secret = resolveSecret(config, logger);
  const backends = await openBackends(config, logger);
  await seedDemoData(backends.sql, logger);
  if (config.admin) await ensureAdmin(backends.store, argon2Passwords, config.admin, config.limits.defaultCapacity, logger);
  else {
    await ensureFirstAccount(
      backends.store,
      argon2Passwords,
      {
        dataDir: config.dataDir,
        capacity: config.limits.defaultCapacity,
        writeFile: (file, text) => {
          ensurePrivateDir(path.dirname(file));
          writeFileSync(file, text, { mode: 0o600 });
        },
      },
      logger,
    );
  }
  const server = createChatServer({
    ...backends,
    logger,
    secret,
    tierSecret: config.tierSecret,
    redisPrefix: config.redisPrefix,
    limits: config.limits,
    corsOrigins: config.corsOrigins,
    agentTokenHours: config.agentTokenHours,
    visitorTokenDays: config.visitorTokenDays,
    reconcileMs: config.reconcileMs,
    metricsToken: config.metricsToken,
    mailer: config.smtp && createSmtpMailer(config.smtp),
    publicUrl: config.publicUrl,
    timeZone: () => config.timeZone,
  });
  await server.chat.restoreQueue();
  const port = await server.listen(config.port, config.host);
  const shown = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  logger.info(
    {
      port,
      database: backends.sql.kind,
      presence: backends.redis ? 'redis' : 'memory',
      startupMs: Math.round(performance.now() - started),
    },
    `LiveSupport listening on http://${shown}:${port}`,
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    try {
      await server.close();
      await backends.close();
      process.exit(0);
    } catch (err) {
      logger.error({ err }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err) => {
  // Configuration errors are expected at first start: say what is wrong, no stack.
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
