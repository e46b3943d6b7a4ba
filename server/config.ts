/**
 * Configuration, parsed once from the environment. Every option is documented
 * here; README lists the same variables.
 */
import { z } from 'zod';

const int = (fallback: number) => z.coerce.number().int().nonnegative().default(fallback);
const list = z
  .string()
  .default('')
  .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean));

const envSchema = z.object({
  /** HTTP port. @default 3000 */
  PORT: int(3000),
  /** Interface to bind. @default '0.0.0.0' */
  HOST: z.string().default('0.0.0.0'),
  /** Redis for presence, queue, rate limits and the cross-process adapter. Unset: in-process. */
  REDIS_URL: z.string().url().optional(),
  /** Key prefix in Redis, so several deployments or tests can share one server. @default 'ls' */
  REDIS_PREFIX: z.string().min(1).default('ls'),
  /** PostgreSQL server. Unset: embedded PGlite in `DATA_DIR/pglite`. */
  DATABASE_URL: z.string().optional(),
  /** Embedded data (PGlite files, generated secret). @default './data' */
  DATA_DIR: z.string().default('./data'),
  /** HMAC secret for visitor and agent tokens (32+ chars). Unset: generated into DATA_DIR. */
  SECRET: z.string().min(32).optional(),
  /**
   * Per-site secret (32+ chars) the host page's server signs customer tiers with (README,
   * "Customer tiers"). Unset: tiers are refused (TIER_INVALID).
   */
  VISITOR_TIER_SECRET: z.string().min(32).optional(),
  /** First lead account, created or updated at start. */
  ADMIN_EMAIL: z.string().email().optional(),
  ADMIN_PASSWORD: z.string().min(8).optional(),
  ADMIN_NAME: z.string().default('Admin'),
  /** Origins allowed by CORS for REST and the Socket.IO polling transport (comma-separated). Empty: same origin only. */
  CORS_ORIGINS: list,
  /** Longest message text accepted, in characters. @default 4000 */
  MAX_MESSAGE_LENGTH: int(4000),
  /** Seconds a disconnected agent keeps their chats before they are requeued. @default 30 */
  AGENT_GRACE_SECONDS: int(30),
  VISITOR_LEFT_GRACE_SECONDS: int(15),
  /** Capacity of a new agent. @default 5 */
  DEFAULT_CAPACITY: int(5),
  /** How often each server process heartbeats in the presence pool, milliseconds. @default 2000 */
  HEARTBEAT_MS: int(2000),
  /**
   * A process with no heartbeat for this long is dead: its sockets leave presence and its agents
   * enter the grace period. At least twice HEARTBEAT_MS. @default 10000 (why: docs/architecture.md)
   */
  PROCESS_DEAD_AFTER_MS: int(10_000),
  /** Messages per second allowed per visitor, per agent and per IP address. */
  RATE_VISITOR_PER_SECOND: int(5),
  RATE_AGENT_PER_SECOND: int(20),
  RATE_IP_PER_SECOND: int(50),
  /** Leave-a-message submissions per visitor and per IP address, per minute. @default 3 / 10 */
  RATE_OFFLINE_VISITOR_PER_MINUTE: int(3),
  RATE_OFFLINE_IP_PER_MINUTE: int(10),
  /** Failed logins per IP address per minute (successful ones do not count). @default 30 */
  RATE_LOGIN_PER_MINUTE: int(30),
  /** Failed logins per account (email, known or not) per window of RATE_LOGIN_ACCOUNT_WINDOW_MINUTES. @default 10 */
  RATE_LOGIN_FAILURES_PER_ACCOUNT: int(10),
  /** @default 15 */
  RATE_LOGIN_ACCOUNT_WINDOW_MINUTES: int(15),
  /** `session:sync` calls per visitor and per agent, per minute. @default 30 */
  RATE_SYNC_PER_MINUTE: int(30),
  /** Visitor `session:sync` calls per IP address, per minute. @default 300 */
  RATE_SYNC_IP_PER_MINUTE: int(300),
  /** Agent reads (history, visitor info, watch, unwatch, lead snapshot) per agent per second, each event on its own. @default 10 */
  RATE_AGENT_READS_PER_SECOND: int(10),
  /** Agent actions (status, transfer, close, handover, capacity) per agent per second, each event on its own. @default 5 */
  RATE_AGENT_ACTIONS_PER_SECOND: int(5),
  /** New conversations (a visitor's first message) per visitor and per IP address, per minute. @default 3 / 10 */
  RATE_NEW_CONVERSATIONS_VISITOR_PER_MINUTE: int(3),
  RATE_NEW_CONVERSATIONS_IP_PER_MINUTE: int(10),
  /** Unsent output a socket may hold (bytes) before it is disconnected. @default 1048576 (1 MiB) */
  MAX_SOCKET_BUFFER_BYTES: int(1024 * 1024),
  /** Concurrent Socket.IO connections per IP address, counted per process. @default 50 */
  MAX_CONNECTIONS_PER_IP: int(50),
  /** Agent token lifetime in hours. @default 12 */
  AGENT_TOKEN_HOURS: int(12),
  /** Visitor token lifetime in days. @default 30 */
  VISITOR_TOKEN_DAYS: int(30),
  /** How often the load counters are reconciled against assignments, seconds. @default 60 */
  RECONCILE_SECONDS: int(60),
  /** Bearer token that GET /metrics requires. Unset: /metrics is public. @default unset */
  METRICS_TOKEN: z.string().min(1).optional(),
  /**
   * SMTP server for e-mail (answers to left messages, invitation links), as a URL:
   * `smtp://user:pass@host:587` or `smtps://user:pass@host:465`. Unset: no e-mail is sent.
   */
  SMTP_URL: z.string().url().optional(),
  /** The From of every e-mail. @default 'Support <support@localhost>' */
  MAIL_FROM: z.string().min(3).default('Support <support@localhost>'),
  /**
   * Where people open the console, e.g. `https://support.example.com`: the origin of the
   * invitation and reset links the server e-mails. Unset: those links are not e-mailed.
   */
  PUBLIC_URL: z.string().url().optional(),
  /** The site's IANA time zone (e.g. `Asia/Shanghai`): the lead's floor counts "today" from its midnight. Unset: the server's. */
  TIME_ZONE: z
    .string()
    .refine((tz) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, 'an IANA time zone, e.g. Asia/Shanghai')
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Env = z.infer<typeof envSchema>;

export interface Config {
  port: number;
  host: string;
  redisUrl?: string;
  redisPrefix: string;
  databaseUrl?: string;
  dataDir: string;
  secret?: string;
  /** The per-site secret customer tiers are signed with; undefined: tiers are refused. */
  tierSecret?: string;
  admin?: { email: string; password: string; name: string };
  corsOrigins: string[];
  /** The repair lease is not set here: the server derives it from its repair interval. */
  limits: Omit<ChatLimits, 'repairLeaseMs'>;
  agentTokenHours: number;
  visitorTokenDays: number;
  reconcileMs: number;
  /** Bearer token that GET /metrics requires; undefined: /metrics is public. */
  metricsToken?: string;
  /** E-mail over SMTP; undefined: none is sent. */
  smtp?: { url: string; from: string };
  /** The origin of e-mailed links; undefined: links are not e-mailed. */
  publicUrl?: string;
  /** The site's IANA time zone; undefined: the server's. */
  timeZone?: string;
  logLevel: Env['LOG_LEVEL'];
}

/** Knobs the chat domain and transport need; tests shrink them. */
export interface ChatLimits {
  /** @default 4000 */
  maxMessageLength: number;
  /** @default 30000 */
  agentGraceMs: number;
  /**
   * A shopper whose page closed, or whose connection was lost, counts as left only after this
   * long without coming back (moving to the next page of the shop is not leaving). @default 15000
   */
  visitorLeftGraceMs: number;
  /** @default 5 */
  defaultCapacity: number;
  /** How often this process heartbeats in the presence pool. @default 2000 */
  heartbeatMs: number;
  /**
   * A process whose last heartbeat is older than this is declared dead by a survivor: its
   * sockets leave presence, its agents with no socket left enter grace. @default 10000
   */
  processDeadAfterMs: number;
  /**
   * How long the periodic repair's lease lasts (renewed by its holder each pass), so a holder that
   * died stops blocking the repair after it. @default 3 × the repair interval (45000 at 15 s)
   */
  repairLeaseMs: number;
  /** Visitor `message:send` per visitor per second; also `visitor:profile`, `visitor:context`, `conversation:rate`, `conversation:close`, each on its own (`typing` and `conversation:history`: twice this). @default 5 */
  visitorMessagesPerSecond: number;
  /** Agent `message:send` per agent per second. @default 20 */
  agentMessagesPerSecond: number;
  /** Visitor `message:send` per IP address per second; visitor `conversation:history` per IP on its own key. @default 50 */
  ipMessagesPerSecond: number;
  /** `session:sync` per visitor (`/visitor`) and per agent (`/agent`), per minute. @default 30 */
  syncPerMinute: number;
  /** Visitor `session:sync` per IP address per minute. @default 300 */
  ipSyncPerMinute: number;
  /**
   * Agent reads per agent per second, each event on its own key: `conversation:history`,
   * `visitor:info`, `conversation:watch`, `conversation:unwatch`, `lead:snapshot`. @default 10
   */
  agentReadsPerSecond: number;
  /**
   * Agent actions per agent per second, each event on its own key: `agent:status`,
   * `conversation:transfer`, `conversation:close`, `agent:handover`, `agent:capacity`. @default 5
   */
  agentActionsPerSecond: number;
  /** Leave-a-message submissions per visitor per minute. @default 3 */
  offlineMessagesPerMinute: number;
  /** Leave-a-message submissions per IP address per minute. @default 10 */
  ipOfflineMessagesPerMinute: number;
  /** Failed logins per IP address per minute; successful ones do not count. @default 30 */
  loginPerMinute: number;
  /** Failed logins per account (normalised email, known or not) per `loginAccountWindowMs`. @default 10 */
  loginFailuresPerAccount: number;
  /** @default 900000 (15 minutes) */
  loginAccountWindowMs: number;
  /** New conversations (a visitor's first message) per visitor per minute. @default 3 */
  newConversationsPerMinute: number;
  /** New conversations per IP address per minute. @default 10 */
  ipNewConversationsPerMinute: number;
  /**
   * Unsent output one connection may hold, in bytes: packets engine.io has queued plus what
   * the WebSocket still buffers. A packet created while more than this is pending closes the
   * connection (a client that stops reading). One reply larger than this is still sent when
   * less is pending. @default 1048576 (1 MiB)
   */
  maxSocketBufferBytes: number;
  /**
   * Concurrent connections (engine.io sessions, both namespaces) per IP address, counted in
   * this process. One more is refused with connect_error `TOO_MANY_CONNECTIONS`; beyond that,
   * the HTTP handshake itself is refused (403). @default 50
   */
  maxConnectionsPerIp: number;
}

export const DEFAULT_LIMITS: ChatLimits = {
  maxMessageLength: 4000,
  agentGraceMs: 30_000,
  visitorLeftGraceMs: 15_000,
  defaultCapacity: 5,
  heartbeatMs: 2000,
  processDeadAfterMs: 10_000,
  repairLeaseMs: 45_000,
  visitorMessagesPerSecond: 5,
  agentMessagesPerSecond: 20,
  ipMessagesPerSecond: 50,
  offlineMessagesPerMinute: 3,
  ipOfflineMessagesPerMinute: 10,
  loginPerMinute: 30,
  loginFailuresPerAccount: 10,
  loginAccountWindowMs: 15 * 60_000,
  syncPerMinute: 30,
  ipSyncPerMinute: 300,
  agentReadsPerSecond: 10,
  agentActionsPerSecond: 5,
  newConversationsPerMinute: 3,
  ipNewConversationsPerMinute: 10,
  maxSocketBufferBytes: 1024 * 1024,
  maxConnectionsPerIp: 50,
};

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid configuration: ${issues}`);
  }
  const e = parsed.data;
  if ((e.ADMIN_EMAIL && !e.ADMIN_PASSWORD) || (!e.ADMIN_EMAIL && e.ADMIN_PASSWORD)) {
    throw new Error('Invalid configuration: set both ADMIN_EMAIL and ADMIN_PASSWORD, or neither');
  }
  if (e.HEARTBEAT_MS < 100 || e.PROCESS_DEAD_AFTER_MS < 2 * e.HEARTBEAT_MS) {
    throw new Error('Invalid configuration: HEARTBEAT_MS must be at least 100 and PROCESS_DEAD_AFTER_MS at least twice HEARTBEAT_MS');
  }
  return {
    port: e.PORT,
    host: e.HOST,
    redisUrl: e.REDIS_URL,
    redisPrefix: e.REDIS_PREFIX,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR,
    secret: e.SECRET,
    tierSecret: e.VISITOR_TIER_SECRET,
    admin: e.ADMIN_EMAIL ? { email: e.ADMIN_EMAIL, password: e.ADMIN_PASSWORD!, name: e.ADMIN_NAME } : undefined,
    corsOrigins: e.CORS_ORIGINS,
    limits: {
      maxMessageLength: e.MAX_MESSAGE_LENGTH,
      agentGraceMs: e.AGENT_GRACE_SECONDS * 1000,
      visitorLeftGraceMs: e.VISITOR_LEFT_GRACE_SECONDS * 1000,
      defaultCapacity: e.DEFAULT_CAPACITY,
      heartbeatMs: e.HEARTBEAT_MS,
      processDeadAfterMs: e.PROCESS_DEAD_AFTER_MS,
      visitorMessagesPerSecond: e.RATE_VISITOR_PER_SECOND,
      agentMessagesPerSecond: e.RATE_AGENT_PER_SECOND,
      ipMessagesPerSecond: e.RATE_IP_PER_SECOND,
      offlineMessagesPerMinute: e.RATE_OFFLINE_VISITOR_PER_MINUTE,
      ipOfflineMessagesPerMinute: e.RATE_OFFLINE_IP_PER_MINUTE,
      loginPerMinute: e.RATE_LOGIN_PER_MINUTE,
      loginFailuresPerAccount: e.RATE_LOGIN_FAILURES_PER_ACCOUNT,
      loginAccountWindowMs: e.RATE_LOGIN_ACCOUNT_WINDOW_MINUTES * 60_000,
      syncPerMinute: e.RATE_SYNC_PER_MINUTE,
      ipSyncPerMinute: e.RATE_SYNC_IP_PER_MINUTE,
      agentReadsPerSecond: e.RATE_AGENT_READS_PER_SECOND,
      agentActionsPerSecond: e.RATE_AGENT_ACTIONS_PER_SECOND,
      newConversationsPerMinute: e.RATE_NEW_CONVERSATIONS_VISITOR_PER_MINUTE,
      ipNewConversationsPerMinute: e.RATE_NEW_CONVERSATIONS_IP_PER_MINUTE,
      maxSocketBufferBytes: e.MAX_SOCKET_BUFFER_BYTES,
      maxConnectionsPerIp: e.MAX_CONNECTIONS_PER_IP,
    },
    agentTokenHours: e.AGENT_TOKEN_HOURS,
    visitorTokenDays: e.VISITOR_TOKEN_DAYS,
    reconcileMs: e.RECONCILE_SECONDS * 1000,
    metricsToken: e.METRICS_TOKEN,
    smtp: e.SMTP_URL ? { url: e.SMTP_URL, from: e.MAIL_FROM } : undefined,
    publicUrl: e.PUBLIC_URL,
    timeZone: e.TIME_ZONE,
    logLevel: e.LOG_LEVEL,
  };
}
