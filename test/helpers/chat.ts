/**
 * A real chat server on port 0 with real backends, and socket.io-client
 * helpers to drive it as visitors, agents and leads.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { EventsMap } from '@socket.io/component-emitter';
import { io as connect, type Socket } from 'socket.io-client';
import pino from 'pino';
import type {
  Ack,
  AgentClientToServerEvents,
  AgentServerToClientEvents,
  Result,
  Role,
  VisitorClientToServerEvents,
  VisitorServerToClientEvents,
} from '../../shared/protocol';
import { REDIS_CLIENT_OPTIONS } from '../../server/backends';
import { createChatServer, type ChatServer, type ChatServerOptions } from '../../server/chat-server';
import type { ChatLimits } from '../../server/config';
import { hashPassword } from '../../server/store/passwords';
import { createMemoryPresencePool } from '../../server/store/presence/memory';
import { createRedisPresencePool } from '../../server/store/presence/redis';
import type { PresencePool } from '../../server/domain/ports/presence';
import { createMemoryRateLimiter, createRedisRateLimiter } from '../../server/store/rate-limit';
import { createChatStore } from '../../server/store/sql/chat-store';
import { createPgliteClient, createPostgresClient } from '../../server/store/sql/client';
import type { SqlChatStore, SqlClient } from '../../server/store/sql/types';

export type VisitorClient = Socket<VisitorServerToClientEvents, VisitorClientToServerEvents>;
export type AgentClient = Socket<AgentServerToClientEvents, AgentClientToServerEvents>;

export const TEST_SECRET = 'test-secret-that-is-long-enough-0123456789';
export const TEST_TIER_SECRET = 'test-tier-secret-of-the-host-page-0123456789';

export interface TestServerOptions {
  /** Presence pool and rate limiter in Redis at this URL; otherwise in-process. */
  redisUrl?: string;
  /** PostgreSQL database URL; otherwise in-memory PGlite. */
  databaseUrl?: string;
  /** Share a store between servers (and skip creating one). */
  store?: TestStore;
  limits?: Partial<ChatLimits>;
  prefix?: string;
  clock?: ChatServerOptions['clock'];
  graceSweepMs?: number;
  /** @default 0 (a free port) */
  port?: number;
  /** E-mail (e.g. test/helpers/smtp.ts's in-process server). @default none: nothing is mailed */
  mailer?: ChatServerOptions['mailer'];
  /** The origin of e-mailed links. @default none: links are not e-mailed */
  publicUrl?: string;
  /** Wraps the presence pool the server uses (fault injection, see faults.ts). */
  wrapPool?(pool: PresencePool): PresencePool;
  /**
   * How often the server repairs drift between the pool and the store. Off by default here:
   * test servers often share one store with pools of their own, whose conversations the
   * repair would rightly route. repair.test.ts turns it on.
   * @default 3_600_000
   */
  repairMs?: number;
  /** The secret customer tiers are signed with. @default TEST_TIER_SECRET */
  tierSecret?: string;
  /** The site's time zone (the floor's "today", reports' days). @default the server's */
  timeZone?: ChatServerOptions['timeZone'];
  /** Counting the history in the background (step sizes, pace, whether at start). @default the server's defaults */
  historyFill?: ChatServerOptions['historyFill'];
}

export interface TestServer {
  url: string;
  server: ChatServer;
  store: SqlChatStore;
  sql: SqlClient;
  pool: PresencePool;
  redis?: Redis;
  prefix: string;
  port: number;
  createUser(opts?: { name?: string; role?: Role; capacity?: number; password?: string }): Promise<{ id: string; token: string; email: string }>;
  visitor(token?: string): Promise<VisitorClient>;
  agent(token: string): Promise<AgentClient>;
  close(): Promise<void>;
}

/**
 * Every test client connects from 127.0.0.1, and files on a manual clock count a whole test in
 * one rate window: the per-IP caps and the per-event limits added against hostile clients are
 * raised here. Tests of those limits (connection-cost.test.ts) set them explicitly.
 */
const TEST_LIMITS: Partial<ChatLimits> = {
  maxConnectionsPerIp: 10_000,
  ipNewConversationsPerMinute: 10_000,
  newConversationsPerMinute: 1_000,
  syncPerMinute: 1_000,
  ipSyncPerMinute: 10_000,
  agentReadsPerSecond: 1_000,
  agentActionsPerSecond: 1_000,
};

const silent = pino({ level: 'silent' });
// One hash for every test user: argon2 is deliberately slow.
let passwordHash: Promise<string> | undefined;

export async function startTestServer(opts: TestServerOptions = {}): Promise<TestServer> {
  const prefix = opts.prefix ?? `test:${randomUUID()}`;
  const own = !opts.store;
  const db = opts.store ?? (await openTestStore(opts.databaseUrl));
  const redis = opts.redisUrl ? new Redis(opts.redisUrl, REDIS_CLIENT_OPTIONS) : undefined;
  const limits: Partial<ChatLimits> = { defaultCapacity: 5, ...TEST_LIMITS, ...opts.limits };
  const backend = redis
    ? createRedisPresencePool({ redis, prefix, defaultCapacity: limits.defaultCapacity! })
    : createMemoryPresencePool({ defaultCapacity: limits.defaultCapacity! });
  const pool = opts.wrapPool ? opts.wrapPool(backend) : backend;
  // The in-process limiter reads the server's clock, so a manual clock drives rate windows too
  // (the Redis one counts in Redis time: PEXPIRE).
  const clock = opts.clock;
  const limiter = redis ? createRedisRateLimiter({ redis, prefix }) : createMemoryRateLimiter({ now: clock && (() => clock.now()) });
  const server = createChatServer({
    ...db,
    pool,
    limiter,
    redis,
    redisPrefix: prefix,
    logger: silent,
    secret: TEST_SECRET,
    tierSecret: opts.tierSecret ?? TEST_TIER_SECRET,
    limits,
    clock: opts.clock,
    graceSweepMs: opts.graceSweepMs ?? 50,
    repairMs: opts.repairMs ?? 3_600_000,
    mailer: opts.mailer,
    publicUrl: opts.publicUrl,
    timeZone: opts.timeZone,
    historyFill: opts.historyFill,
  });
  const port = await server.listen(opts.port ?? 0, '127.0.0.1');
  const url = `http://127.0.0.1:${port}`;
  const sockets: Socket[] = [];

  const open = <S extends Socket>(nsp: string, token?: string) =>
    new Promise<S>((resolve, reject) => {
      const s = connect(`${url}${nsp}`, {
        auth: token ? { token } : {},
        transports: ['websocket'],
        forceNew: true,
        reconnection: false,
      }) as S;
      sockets.push(s);
      s.once('connect', () => resolve(s));
      s.once('connect_error', reject);
    });

  return {
    url,
    server,
    store: db.store,
    sql: db.sql,
    pool,
    redis,
    prefix,
    async createUser(u = {}) {
      passwordHash ??= hashPassword('password123');
      const email = `${randomUUID()}@example.test`;
      const created = await db.store.createUser({
        email,
        displayName: u.name ?? `Agent ${email.slice(0, 4)}`,
        role: u.role ?? 'agent',
        capacity: u.capacity ?? limits.defaultCapacity!,
        passwordHash: u.password ? await hashPassword(u.password) : await passwordHash,
      });
      if (created.status !== 'created') throw new Error(`createUser: ${created.status}`);
      const token = await loginToken(url, email, u.password ?? 'password123');
      return { id: created.user.id, token, email };
    },
    port,
    visitor: (token) => open<VisitorClient>('/visitor', token),
    agent: (token) => open<AgentClient>('/agent', token),
    async close() {
      sockets.forEach((s) => s.disconnect());
      await server.close();
      await limiter.close();
      await pool.close();
      await redis?.quit();
      if (own) {
        await db.store.close();
        await db.sql.close();
      }
    },
  };
}

export interface TestStore {
  sql: SqlClient;
  store: SqlChatStore;
}

export async function openTestStore(databaseUrl?: string): Promise<TestStore> {
  const sql = databaseUrl ? await createPostgresClient({ connectionString: databaseUrl }) : await createPgliteClient({});
  const store = createChatStore({ sql });
  await store.migrate();
  return { sql, store };
}

export async function loginToken(url: string, email: string, password: string): Promise<string> {
  const res = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (!res.ok) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

/**
 * How long a helper waits for an ack, an event or a condition before failing the test. Generous:
 * on two cores shared with other suites, one round trip can take seconds; a wait that is met
 * returns at once, so only a failing test pays it. A test that expects NO answer passes its own
 * short timeout.
 */
export const WAIT_MS = 20_000;

// ------------------------------------------------------------ typed event helpers
// Event names, payloads and ack data come from the socket's own map (shared/protocol.ts), so a
// wrong event or payload fails tsc; test/types/helpers.typetest.ts keeps it so. The maps are
// inferred from the socket's type arguments (VisitorClient and AgentClient are mutually
// assignable, so overloading on the socket type could not tell them apart).

type ArgsOf<M, E extends keyof M> = M[E] extends (...args: infer A) => void ? A : never;
/** The payload of an event that takes an ack; never for one that does not (`typing`). */
export type PayloadOf<M, E extends keyof M> = ArgsOf<M, E> extends [infer P, Ack<any>] ? P : never;
/** What the ack of `E` carries when it is ok. */
export type AckDataOf<M, E extends keyof M> = ArgsOf<M, E> extends [any, Ack<infer T>] ? T : never;
/** What a server-to-client event carries. */
export type EventOf<M, E extends keyof M> = ArgsOf<M, E> extends [infer P] ? P : never;
/** socket.io-client's default map (an index signature): a socket built without our event maps. */
type Untyped<S> = S extends Socket<any, infer M> ? (string extends keyof M ? unknown : never) : never;

/** emitWithAck with a timeout; event, payload and result typed by the socket's event map. */
export function call<M extends EventsMap, E extends keyof M & string>(
  socket: Socket<any, M>,
  event: E,
  payload: PayloadOf<M, E>,
  timeoutMs = WAIT_MS,
): Promise<Result<AckDataOf<M, E>>> {
  // The signature is the typed boundary: socket.io's generics cannot follow M through here.
  return (socket as Socket).timeout(timeoutMs).emitWithAck(event, payload);
}

/**
 * Untyped escape hatch, only for tests that send what the protocol forbids on purpose
 * (malformed payloads, an event the namespace does not have).
 */
export function callRaw(socket: Socket<any, any>, event: string, payload: unknown, timeoutMs = WAIT_MS): Promise<Result<unknown>> {
  return (socket as Socket).timeout(timeoutMs).emitWithAck(event, payload);
}

/**
 * Like `call`, but fails the test unless the ack is ok, and returns its data.
 * The first overload serves sockets built without our maps (bench/ drives plain `Socket`s and
 * names the data type itself); a VisitorClient or AgentClient never matches it.
 */
export function ok<T = any, S extends Socket = Socket>(socket: S & Untyped<S>, event: string, payload: unknown): Promise<T>;
export function ok<M extends EventsMap, E extends keyof M & string>(socket: Socket<any, M>, event: E, payload: PayloadOf<M, E>): Promise<AckDataOf<M, E>>;
export async function ok(socket: Socket, event: string, payload: unknown): Promise<unknown> {
  const r = await callRaw(socket, event, payload);
  if (!r.ok) throw new Error(`${event} failed: ${r.error.code} ${r.error.message}`);
  return r.data;
}

/** Resolves with the next `event` whose payload satisfies `match`. */
export function next<M extends EventsMap, E extends keyof M & string>(
  socket: Socket<M, any>,
  event: E,
  match: (p: EventOf<M, E>) => boolean = () => true,
  timeoutMs = WAIT_MS,
): Promise<EventOf<M, E>> {
  // Untyped inside: the signature is the typed boundary.
  const s = socket as Socket<Record<string, (p: EventOf<M, E>) => void>>;
  const name: string = event;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      s.off(name, on);
      reject(new Error(`timed out waiting for ${event}`));
    }, timeoutMs);
    // A wait a test set up and no longer needs must not keep the Jest worker alive.
    timer.unref();
    const on = (p: EventOf<M, E>) => {
      if (!match(p)) return;
      clearTimeout(timer);
      s.off(name, on);
      resolve(p);
    };
    s.on(name, on);
  });
}

/** Collects every payload of `event` from now on. */
export function collect<M extends EventsMap, E extends keyof M & string>(socket: Socket<M, any>, event: E): EventOf<M, E>[] {
  const seen: EventOf<M, E>[] = [];
  const name: string = event; // untyped inside: the signature is the typed boundary
  (socket as Socket<Record<string, (p: EventOf<M, E>) => void>>).on(name, (p) => void seen.push(p));
  return seen;
}

export async function until(check: () => boolean | Promise<boolean>, timeoutMs = WAIT_MS, what = 'condition') {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Not for waiting on the server (a busy machine stretches any fixed delay): wait for an event
 * (`next`), a condition (`until`) or an ack, or move a manual clock (clock.ts).
 */
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** An agent connected and set online. */
export async function onlineAgent(t: TestServer, opts: Parameters<TestServer['createUser']>[0] = {}) {
  const user = await t.createUser(opts);
  const socket = await t.agent(user.token);
  await ok(socket, 'session:sync', {});
  await ok(socket, 'agent:status', { status: 'online' });
  return { ...user, socket };
}

/** A visitor connected, with their first message sent (which opens and routes the conversation). */
/**
 * A visitor connected, with their first message sent (which opens the conversation) and
 * routed: the ack means stored, and routing follows it, so this waits for the visitor to
 * hear that it was queued or assigned.
 */
export async function chattingVisitor(t: TestServer, text = 'Hello, I need help') {
  const socket = await t.visitor();
  const session = await ok(socket, 'session:sync', {});
  const routed = next(socket, 'message', (m) => m.event?.type === 'queued' || m.event?.type === 'assigned');
  const ack = await ok(socket, 'message:send', { clientId: randomUUID(), text });
  await routed;
  return { socket, token: session.token, visitorId: session.visitorId, conversationId: ack.conversationId };
}
