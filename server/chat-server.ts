/**
 * Assembles one server process from injected parts: store, presence pool,
 * rate limiter and (optionally) a Redis client for the cross-process adapter.
 * Tests build it with whatever backends they need; main.ts builds it from config.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import type { Redis } from 'ioredis';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { DEFAULT_LIMITS, type ChatLimits } from './config';
import { createTokenService } from './domain/auth';
import { createChatService } from './domain/chat-service';
import { systemClock, type Clock } from './domain/clock';
import type { Logger } from './logger';
import { createMetrics } from './metrics';
import type { PresencePool } from './store/presence/types';
import type { RateLimiter } from './store/rate-limit';
import type { ChatStore, SqlClient } from './store/sql/types';
import { createHttpApp } from './transport/http';
import { attachSocketTransport, createSocketNotifier } from './transport/socket';
import { createApiRouters } from './transport/api';

export interface ChatServerOptions {
  store: ChatStore;
  /** Used for the health check; the store owns its queries. */
  sql: SqlClient;
  pool: PresencePool;
  limiter: RateLimiter;
  logger: Logger;
  /** HMAC secret shared by every process of a deployment. */
  secret: string;
  /** When set, Socket.IO events cross processes through Redis streams under `redisPrefix`. */
  redis?: Redis;
  /** @default 'ls' */
  redisPrefix?: string;
  /** @default systemClock */
  clock?: Clock;
  /** @default DEFAULT_LIMITS */
  limits?: Partial<ChatLimits>;
  /** @default [] (same origin only) */
  corsOrigins?: string[];
  /** @default 12 */
  agentTokenHours?: number;
  /** @default 30 */
  visitorTokenDays?: number;
  /** How often grace deadlines are checked. @default min(1000, grace / 4) */
  graceSweepMs?: number;
  /** How often load counters are reconciled. @default 60000 */
  reconcileMs?: number;
}

export interface ChatServer {
  httpServer: HttpServer;
  io: Server;
  app: ReturnType<typeof createHttpApp>;
  chat: ReturnType<typeof createChatService>;
  listen(port: number, host?: string): Promise<number>;
  /** Stops accepting, disconnects sockets and stops timers. Does not close the injected backends. */
  close(): Promise<void>;
}

export function createChatServer(opts: ChatServerOptions): ChatServer {
  const clock = opts.clock ?? systemClock;
  const limits: ChatLimits = { ...DEFAULT_LIMITS, ...opts.limits };
  const logger = opts.logger;
  const tokens = createTokenService(opts.secret, clock);
  const metrics = createMetrics(opts.pool);
  const prefix = opts.redisPrefix ?? 'ls';

  const httpServer = createServer();
  const io = new Server(httpServer, {
    // Large enough for the longest message in 4-byte characters, small enough to refuse floods early.
    maxHttpBufferSize: Math.max(16_384, limits.maxMessageLength * 4 + 1024),
    cors: { origin: opts.corsOrigins?.length ? opts.corsOrigins : false },
    serveClient: false,
    ...(opts.redis
      ? {
          adapter: createAdapter(opts.redis, {
            streamName: `${prefix}:socket.io`,
            channelPrefix: `${prefix}:socket.io`,
            sessionKeyPrefix: `${prefix}:sio:session:`,
            // Bounds how long shutdown waits for the blocking read to return.
            blockTimeInMs: 1000,
          }),
        }
      : {}),
  });

  const visitors = io.of('/visitor');
  const agents = io.of('/agent');
  const chat = createChatService({
    store: opts.store,
    pool: opts.pool,
    notifier: createSocketNotifier(visitors as never, agents as never),
    clock,
    logger,
    limits,
    metrics,
  });

  const transport = attachSocketTransport({
    io,
    chat,
    store: opts.store,
    tokens,
    limiter: opts.limiter,
    limits,
    logger,
    metrics,
    visitorTokenSeconds: (opts.visitorTokenDays ?? 30) * 86_400,
  });

  const app = createHttpApp({
    store: opts.store,
    tokens,
    limiter: opts.limiter,
    logger,
    metrics,
    corsOrigins: opts.corsOrigins ?? [],
    loginPerMinute: limits.loginPerMinute,
    agentTokenSeconds: (opts.agentTokenHours ?? 12) * 3600,
    routers: createApiRouters({ store: opts.store, sql: opts.sql, tokens, chat, io, limiter: opts.limiter, logger, clock, defaultCapacity: limits.defaultCapacity }),
    async health() {
      await opts.sql.query('select 1');
      if (opts.redis) await opts.redis.ping();
      return {
        database: opts.sql.kind,
        presence: opts.redis ? 'redis' : 'memory',
        uptimeSeconds: String(Math.round(process.uptime())),
      };
    },
  });
  httpServer.on('request', app);

  const log = logger.child({ module: 'server' });
  const every = (ms: number, task: () => Promise<unknown>, what: string) => {
    let running = false;
    const timer = setInterval(() => {
      if (running) return;
      running = true;
      task()
        .catch((err) => log.error({ err }, `${what} failed`))
        .finally(() => (running = false));
    }, ms);
    timer.unref();
    return timer;
  };
  const timers = [
    every(opts.graceSweepMs ?? Math.max(50, Math.min(1000, limits.agentGraceMs / 4)), () => chat.sweepGrace(), 'grace sweep'),
    every(opts.reconcileMs ?? 60_000, () => chat.reconcile(), 'reconcile'),
  ];

  return {
    httpServer,
    io,
    app,
    chat,
    listen(port, host) {
      return new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => resolve((httpServer.address() as AddressInfo).port));
      });
    },
    async close() {
      timers.forEach(clearInterval);
      await new Promise<void>((resolve) => io.close(() => resolve()));
      httpServer.closeAllConnections?.();
      // Disconnect handlers and broadcasts still use the backends; let them finish first.
      await transport.idle();
      await chat.idle();
    },
  };
}
