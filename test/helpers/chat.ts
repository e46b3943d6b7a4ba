/**
 * A real chat server on port 0 with real backends, and socket.io-client
 * helpers to drive it as visitors, agents and leads.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { io as connect, type Socket } from 'socket.io-client';
import pino from 'pino';
import type {
  AgentClientToServerEvents,
  AgentServerToClientEvents,
  Result,
  Role,
  VisitorClientToServerEvents,
  VisitorServerToClientEvents,
} from '../../shared/protocol';
import { createChatServer, type ChatServer, type ChatServerOptions } from '../../server/chat-server';
import type { ChatLimits } from '../../server/config';
import { hashPassword } from '../../server/domain/auth';
import { createMemoryPresencePool } from '../../server/store/presence/memory';
import { createRedisPresencePool } from '../../server/store/presence/redis';
import type { PresencePool } from '../../server/store/presence/types';
import { createMemoryRateLimiter, createRedisRateLimiter } from '../../server/store/rate-limit';
import { createChatStore } from '../../server/store/sql/chat-store';
import { createPgliteClient, createPostgresClient } from '../../server/store/sql/client';
import type { ChatStore, SqlClient } from '../../server/store/sql/types';

export type VisitorClient = Socket<VisitorServerToClientEvents, VisitorClientToServerEvents>;
export type AgentClient = Socket<AgentServerToClientEvents, AgentClientToServerEvents>;

export const TEST_SECRET = 'test-secret-that-is-long-enough-0123456789';

export interface TestServerOptions {
  /** Presence pool and rate limiter in Redis at this URL; otherwise in-process. */
  redisUrl?: string;
  /** PostgreSQL database URL; otherwise in-memory PGlite. */
  databaseUrl?: string;
  /** Share a store between servers (and skip creating one). */
  store?: { sql: SqlClient; store: ChatStore };
  limits?: Partial<ChatLimits>;
  prefix?: string;
  clock?: ChatServerOptions['clock'];
  graceSweepMs?: number;
  /** @default 0 (a free port) */
  port?: number;
}

export interface TestServer {
  url: string;
  server: ChatServer;
  store: ChatStore;
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

const silent = pino({ level: 'silent' });
// One hash for every test user: argon2 is deliberately slow.
let passwordHash: Promise<string> | undefined;

export async function startTestServer(opts: TestServerOptions = {}): Promise<TestServer> {
  const prefix = opts.prefix ?? `test:${randomUUID()}`;
  const own = !opts.store;
  const db = opts.store ?? (await openTestStore(opts.databaseUrl));
  const redis = opts.redisUrl ? new Redis(opts.redisUrl) : undefined;
  const limits: Partial<ChatLimits> = { defaultCapacity: 5, ...opts.limits };
  const pool = redis
    ? createRedisPresencePool({ redis, prefix, defaultCapacity: limits.defaultCapacity! })
    : createMemoryPresencePool({ defaultCapacity: limits.defaultCapacity! });
  const limiter = redis ? createRedisRateLimiter({ redis, prefix }) : createMemoryRateLimiter();
  const server = createChatServer({
    ...db,
    pool,
    limiter,
    redis,
    redisPrefix: prefix,
    logger: silent,
    secret: TEST_SECRET,
    limits,
    clock: opts.clock,
    graceSweepMs: opts.graceSweepMs ?? 50,
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
      const user = await db.store.createUser({
        email,
        displayName: u.name ?? `Agent ${email.slice(0, 4)}`,
        role: u.role ?? 'agent',
        capacity: u.capacity ?? limits.defaultCapacity!,
        passwordHash: u.password ? await hashPassword(u.password) : await passwordHash,
      });
      const token = await loginToken(url, email, u.password ?? 'password123');
      return { id: user.id, token, email };
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

export async function openTestStore(databaseUrl?: string) {
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

/** emitWithAck with a timeout, typed by the event map. */
export async function call<T = any>(socket: Socket, event: string, payload: unknown = {}, timeoutMs = 5000): Promise<Result<T>> {
  return socket.timeout(timeoutMs).emitWithAck(event, payload);
}

/** Like `call`, but fails the test unless the ack is ok. */
export async function ok<T = any>(socket: Socket, event: string, payload: unknown = {}): Promise<T> {
  const r = await call<T>(socket, event, payload);
  if (!r.ok) throw new Error(`${event} failed: ${r.error.code} ${r.error.message}`);
  return r.data;
}

/** Resolves with the next `event` whose payload satisfies `match`. */
export function next<T = any>(socket: Socket, event: string, match: (p: T) => boolean = () => true, timeoutMs = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, on);
      reject(new Error(`timed out waiting for ${event}`));
    }, timeoutMs);
    const on = (p: T) => {
      if (!match(p)) return;
      clearTimeout(timer);
      socket.off(event, on);
      resolve(p);
    };
    socket.on(event, on);
  });
}

/** Collects every payload of `event` from now on. */
export function collect<T = any>(socket: Socket, event: string): T[] {
  const seen: T[] = [];
  socket.on(event, (p: T) => seen.push(p));
  return seen;
}

export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 5000, what = 'condition') {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

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
export async function chattingVisitor(t: TestServer, text = 'Hello, I need help') {
  const socket = await t.visitor();
  const session = await ok(socket, 'session:sync', {});
  const ack = await ok(socket, 'message:send', { clientId: randomUUID(), text });
  return { socket, token: session.token as string, visitorId: session.visitorId as string, conversationId: ack.conversationId as string };
}
