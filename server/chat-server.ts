/**
 * Assembles one server process from injected parts: store, presence pool,
 * rate limiter and (optionally) a Redis client for the cross-process adapter.
 * Tests build it with whatever backends they need; main.ts builds it from config.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import type { Redis } from 'ioredis';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { DEFAULT_LIMITS, type ChatLimits } from './config';
import { createAuthService, createTokenService } from './domain/auth';
import { createCannedReplyService } from './domain/canned-replies';
import { createChatService } from './domain/chat/service';
import { systemClock, type Clock } from './domain/clock';
import { createFaqService } from './domain/faq/service';
import { createLeftMessageService } from './domain/left-messages';
import type { CannedReplyStore } from './domain/ports/canned-replies';
import type { ChatStore } from './domain/ports/chat-store';
import type { FaqStore } from './domain/ports/faq';
import type { LeftMessageInbox } from './domain/ports/left-messages';
import type { Mailer } from './domain/ports/mailer';
import type { PasswordHasher } from './domain/ports/passwords';
import type { PresencePool } from './domain/ports/presence';
import type { SettingsStore } from './domain/ports/settings';
import { createSettingsService } from './domain/settings';
import { createTierVerifier } from './domain/tiers';
import { createDepartmentService } from './domain/departments';
import { createReportService } from './domain/reports';
import { createQualityService } from './domain/quality/service';
import { createHistoryFill } from './domain/history-fill';
import { createTeamService } from './domain/team';
import { createTranscriptSearchService } from './domain/transcript-search';
import { createTranscriptService } from './domain/transcripts';
import type { Logger } from './logger';
import { createMetrics } from './metrics';
import { argon2Passwords } from './store/passwords';
import type { RateLimiter } from './store/rate-limit';
import { createCannedReplyStore } from './store/sql/canned-reply-store';
import { createFaqStore } from './store/sql/faq-store';
import { createLeftMessageInbox } from './store/sql/left-messages';
import { createTranscriptSearchStore } from './store/sql/transcript-search';
import type { TranscriptSearchStore } from './domain/ports/transcript-search';
import { createSettingsStore } from './store/sql/settings-store';
import { createFloorStore } from './store/sql/floor';
import { createReportStore } from './store/sql/reports';
import { createQualityStore } from './store/sql/quality';
import type { SqlClient } from './store/sql/types';
import { createHttpApp } from './transport/http';
import { createSocketNotifier, rooms, type AgentNamespace, type VisitorNamespace } from './transport/notifier';
import { connectionsPerIp } from './transport/connections-per-ip';
import { attachSocketTransport } from './transport/socket';
import { AGENT_NAMESPACE, VISITOR_NAMESPACE } from '../shared/protocol';
import { createApiRouters } from './transport/api';
import { crashStep, reportStepCrash, withCrashAt, type CrashStep } from './testing/crash-seam';
import { LINK_PATH } from './transport/api/team';
import { linkMailer } from './domain/mail';

export interface ChatServerOptions {
  store: ChatStore;
  /** Used for the health check, and for the stores below when they are not given. */
  sql: SqlClient;
  /** @default the SQL store on `sql` */
  cannedReplies?: CannedReplyStore;
  /** @default the SQL store on `sql` */
  faq?: FaqStore;
  /** @default the SQL inbox on `sql` */
  leftMessages?: LeftMessageInbox;
  /** @default the SQL search on `sql` */
  transcriptSearch?: TranscriptSearchStore;
  /**
   * Sends the answers to left messages and the invitation links by e-mail (main.ts builds it
   * when SMTP_URL is set). @default undefined: nothing is mailed
   */
  mailer?: Mailer;
  /** @default the SQL store on `sql` */
  settings?: SettingsStore;
  /** @default argon2id */
  passwords?: PasswordHasher;
  /**
   * Where people open the console (`https://support.example.com`): the origin of the invitation
   * and reset links the server e-mails. @default undefined: those links are not e-mailed (leads
   * copy them from the console); answers to left messages still are
   */
  publicUrl?: string;
  /**
   * The site's IANA time zone, read each time the floor counts "today" (a setting may change it).
   * @default the server's time zone
   */
  timeZone?: () => string | null | undefined;
  /** Least time between two pushes of the floor's figures, ms. @default 3000 */
  floorFiguresEveryMs?: number;
  pool: PresencePool;
  limiter: RateLimiter;
  logger: Logger;
  /** HMAC secret shared by every process of a deployment. */
  secret: string;
  /**
   * The per-site secret the host page's server signs customer tiers with (README, "Customer
   * tiers"). @default undefined: every tier is refused (TIER_INVALID)
   */
  tierSecret?: string;
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
  /**
   * When set, GET /metrics requires `Authorization: Bearer <metricsToken>` (401 UNAUTHENTICATED otherwise).
   * @default undefined: /metrics is public
   */
  metricsToken?: string;
  /** @default 12 */
  agentTokenHours?: number;
  /** @default 30 */
  visitorTokenDays?: number;
  /** How often grace deadlines and the departments' overflow times are checked. @default min(1000, grace / 4) */
  graceSweepMs?: number;
  /** How often load counters are reconciled. @default 60000 */
  reconcileMs?: number;
  /**
   * How often the pool is compared with the stored conversations and drift repaired (a
   * drift is repaired when two passes in a row see it). @default 15000
   */
  repairMs?: number;
  /** How often the routines' idle and slow-answer rules are checked (their times are settings). @default 10000 */
  routinesSweepMs?: number;
  /**
   * Test-only: SIGKILL this process at a named step of a conversation's life or of the history fill (testing/crash-seam.ts).
   * @default process.env.CHAT_CRASH_AT; unset: never
   */
  crashAt?: CrashStep;
  /** This process's id in the presence pool (heartbeats, per-process socket counts, leases). @default a random UUID */
  processId?: string;
  /**
   * Counting the history for reports and quality review in the background (domain/history-fill.ts;
   * docs/reports.md). Tests make the steps small and slow to watch a long fill.
   */
  historyFill?: {
    /** Start once the server listens (a read that finds the history behind starts it anyway). @default true */
    atStart?: boolean;
    /** Conversations per reports step. @default REPORT_FILL_BATCH */
    reportBatch?: number;
    /** Conversations per quality step. @default QUALITY_FILL_BATCH */
    qualityBatch?: number;
    /** Pause between two steps, ms. @default 10 */
    pauseMs?: number;
  };
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

/** The composition root: every service is built here, once, and handed to the transports. */
export function createChatServer(opts: ChatServerOptions): ChatServer {
  const clock = opts.clock ?? systemClock;
  const repairMs = opts.repairMs ?? 15_000;
  // The repair lease outlives a few passes, so its holder keeps it while alive.
  const limits: ChatLimits = { ...DEFAULT_LIMITS, repairLeaseMs: 3 * repairMs, ...opts.limits };
  const processId = opts.processId ?? randomUUID();
  const logger = opts.logger;
  const tokens = createTokenService(opts.secret, clock);
  const passwords = opts.passwords ?? argon2Passwords;
  const auth = createAuthService({
    users: opts.store,
    tokens,
    passwords,
    staffTokenSeconds: (opts.agentTokenHours ?? 12) * 3600,
  });
  const metrics = createMetrics(opts.pool);
  const prefix = opts.redisPrefix ?? 'ls';

  const httpServer = createServer();
  const connections = connectionsPerIp(limits.maxConnectionsPerIp);
  const io = new Server(httpServer, {
    allowRequest: connections.allowRequest,
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

  connections.attach(io.engine);

  // Socket.IO always has the root namespace; no client has any business there. Refuse it exactly
  // as Socket.IO refuses a namespace that does not exist (protocol.md §2.1).
  io.of('/').use((_socket, next) => next(new Error('Invalid namespace')));

  // One map per namespace (shared/protocol.ts), which a single Server type cannot carry.
  const visitors = io.of(VISITOR_NAMESPACE) as VisitorNamespace;
  const agents = io.of(AGENT_NAMESPACE) as AgentNamespace;
  const settings = createSettingsService({ store: opts.settings ?? createSettingsStore({ sql: opts.sql }), clock, logger });
  const crashAt = 'crashAt' in opts ? opts.crashAt : crashStep(process.env.CHAT_CRASH_AT);
  const ports = withCrashAt(crashAt, { store: opts.store, pool: opts.pool, notifier: createSocketNotifier(visitors, agents) });
  const faq = createFaqService({ store: opts.faq ?? createFaqStore({ sql: opts.sql }), clock, logger });
  // Declared below: the reads start it when they find much history still uncounted.
  const historyBehind = () => history.start();
  const reports = createReportService({
    store: createReportStore({ sql: opts.sql, afterFacts: reportStepCrash(crashAt) }),
    clock,
    timeZone: opts.timeZone,
    closeCategories: async () => (await settings.current()).closeCategories,
    fillBatch: opts.historyFill?.reportBatch,
    historyBehind,
  });
  const quality = createQualityService({
    store: createQualityStore({ sql: opts.sql }),
    clock,
    rules: async () => (await settings.current()).quality,
    timeZone: opts.timeZone,
    fillBatch: opts.historyFill?.qualityBatch,
    historyBehind,
  });
  const history = createHistoryFill({
    fillers: [reports.filler, quality.filler],
    logger,
    pauseMs: opts.historyFill?.pauseMs,
    // Declared below. The floor's today figures are the reports': while counting they are partial and say so.
    progressed: (name) => {
      if (name === reports.filler.name) chat.floorFiguresChanged();
    },
  });
  const chat = createChatService({
    ...ports,
    clock,
    logger,
    limits,
    metrics,
    floor: createFloorStore({ sql: opts.sql }),
    reportToday: () => reports.today(),
    timeZone: opts.timeZone,
    floorFiguresEveryMs: opts.floorFiguresEveryMs,
    routines: async () => (await settings.current()).routines,
    preChat: async () => (await settings.current()).preChat,
    faq: (text, o) => faq.match(text, o),
    // Declared below: the inbox shows answers through the chat service, which announces new messages to it.
    leftMessageAdded: (id) => leftMessages.added(id),
    businessHours: async () => {
      const s = await settings.current();
      return s.businessHoursOn ? s.businessHours : null;
    },
    departments: async () => (await settings.current()).departments,
    tiers: createTierVerifier(opts.tierSecret, clock),
    processId,
  });
  const leftMessages = createLeftMessageService({
    inbox: opts.leftMessages ?? createLeftMessageInbox({ sql: opts.sql }),
    users: opts.store,
    mailer: opts.mailer,
    clock,
    logger,
    limits,
    showAnswer: (id) => chat.showAnswer(id),
    notifier: ports.notifier,
  });
  const team = createTeamService({
    store: opts.store,
    passwords,
    chat,
    clock,
    logger,
    mailer:
      opts.mailer && opts.publicUrl
        ? linkMailer(opts.mailer, (token) => `${opts.publicUrl!.replace(/\/$/, '')}${LINK_PATH}${token}`, logger)
        : undefined,
    // Rooms span processes through the adapter: every socket of the user, wherever it is.
    signOut: (userId) => agents.in(rooms.agent(userId)).disconnectSockets(true),
  });


  const transport = attachSocketTransport({
    io,
    chat,
    settings,
    auth,
    limiter: opts.limiter,
    limits,
    connections,
    logger,
    metrics,
    visitorTokenSeconds: (opts.visitorTokenDays ?? 30) * 86_400,
  });

  const app = createHttpApp({
    auth,
    limiter: opts.limiter,
    logger,
    metrics,
    corsOrigins: opts.corsOrigins ?? [],
    metricsToken: opts.metricsToken,
    loginPerMinute: limits.loginPerMinute,
    loginFailuresPerAccount: limits.loginFailuresPerAccount,
    loginAccountWindowMs: limits.loginAccountWindowMs,
    routers: createApiRouters({
      auth,
      chat,
      team,
      departments: createDepartmentService({ store: opts.store, clock, logger, membershipChanged: (id) => chat.departmentsChanged(id) }),
      transcripts: createTranscriptService({ store: opts.store }),
      transcriptSearch: createTranscriptSearchService({ store: opts.transcriptSearch ?? createTranscriptSearchStore({ sql: opts.sql }) }),
      cannedReplies: createCannedReplyService({ store: opts.cannedReplies ?? createCannedReplyStore({ sql: opts.sql }), clock, logger }),
      faq,
      leftMessages,
      settings,
      reports,
      quality,
      limiter: opts.limiter,
      logger,
      defaultCapacity: limits.defaultCapacity,
    }),
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
  const sweepMs = opts.graceSweepMs ?? Math.max(50, Math.min(1000, limits.agentGraceMs / 4));
  const timers = [
    every(sweepMs, () => chat.sweepGrace(), 'grace sweep'),
    every(sweepMs, () => chat.sweepOverflow(), 'department overflow sweep'),
    every(opts.reconcileMs ?? 60_000, () => chat.reconcile(), 'reconcile'),
    every(repairMs, () => chat.repair(), 'repair'),
    every(limits.heartbeatMs, () => chat.heartbeat(), 'heartbeat'),
    every(opts.routinesSweepMs ?? 10_000, () => chat.sweepRoutines(), 'routines sweep'),
  ];
  // A reconnected Redis may have come back empty: look at once rather than at the next beat.
  const onRedisReady = () => void chat.heartbeat().catch((err) => log.error({ err }, 'heartbeat after reconnect failed'));
  opts.redis?.on('ready', onRedisReady);

  return {
    httpServer,
    io,
    app,
    chat,
    async listen(port, host) {
      // In the pool before the first socket: its counts need this process alive.
      await chat.heartbeat().catch((err) => log.error({ err }, 'first heartbeat failed; the timer retries'));
      const bound = await new Promise<number>((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => resolve((httpServer.address() as AddressInfo).port));
      });
      // After an upgrade or a change of time zone: count the history now, not in the first report.
      if (opts.historyFill?.atStart !== false) history.start();
      return bound;
    },
    async close() {
      timers.forEach(clearInterval);
      // The step under way commits (or rolls back) before the backends close.
      await history.stop();
      opts.redis?.off('ready', onRedisReady);
      await new Promise<void>((resolve) => io.close(() => resolve()));
      httpServer.closeAllConnections?.();
      // Disconnect handlers and broadcasts still use the backends; let them finish first.
      await transport.idle();
      await chat.idle();
    },
  };
}
