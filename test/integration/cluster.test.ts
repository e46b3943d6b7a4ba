/**
 * Two server processes on one Redis and one PostgreSQL: 20 agents and 300
 * visitors connect and chat at once, across processes. Afterwards every
 * routing invariant is checked, and every acknowledged message must be in
 * the transcript exactly once.
 */
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Socket } from 'socket.io-client';
import { createTokenService } from '../../server/domain/auth';
import { createRedisPresencePool } from '../../server/store/presence/redis';
import { createTestDatabase } from '../helpers/postgres';
import { startRedisServer } from '../helpers/redis-server';
import { ok, open, startProcess } from '../helpers/spawn-server';
import { openTestStore, until, WAIT_MS } from '../helpers/chat';

const SECRET = 'cluster-test-secret-0123456789-abcdefghij';
const AGENTS = 20;
const VISITORS = 300;
const MESSAGES_PER_VISITOR = 3;

jest.setTimeout(120_000);


test(`${AGENTS} agents and ${VISITORS} visitors on two processes keep every invariant`, async () => {
  const redisServer = await startRedisServer();
  const db = await createTestDatabase();
  const prefix = `cluster:${randomUUID()}`;
  const env = {
    REDIS_URL: redisServer.url,
    REDIS_PREFIX: prefix,
    DATABASE_URL: db.url,
    SECRET,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    RATE_VISITOR_PER_SECOND: '1000',
    RATE_AGENT_PER_SECOND: '1000',
    RATE_IP_PER_SECOND: '100000',
    // Every client of this test connects from 127.0.0.1.
    MAX_CONNECTIONS_PER_IP: '100000',
    RATE_NEW_CONVERSATIONS_IP_PER_MINUTE: '100000',
    RATE_SYNC_IP_PER_MINUTE: '100000',
    RATE_SYNC_PER_MINUTE: '100000',
    RATE_AGENT_ACTIONS_PER_SECOND: '100000',
    RATE_AGENT_READS_PER_SECOND: '100000',
  };
  const { sql, store } = await openTestStore(db.url);
  const processes: ChildProcess[] = [];
  const sockets: Socket[] = [];
  const checker = new Redis(redisServer.url);
  try {
    const servers = await Promise.all([startProcess(env), startProcess(env)]);
    servers.forEach((s) => processes.push(s.child));
    const tokens = createTokenService(SECRET, { now: () => Date.now() });

    // Agents: capacities 3..12 (150 in all), so about half the visitors wait in the queue first.
    const agents = await Promise.all(
      Array.from({ length: AGENTS }, async (_, i) => {
        const user = await store.upsertUser({
          email: `agent${i}-${randomUUID()}@example.test`,
          displayName: `Agent ${i}`,
          role: 'agent',
          passwordHash: 'unused',
          capacity: 3 + (i % 10),
        });
        const socket = await open(`${servers[i % 2].url}/agent`, tokens.sign(user.id, 'agent', 3600));
        sockets.push(socket);
        return { id: user.id, capacity: user.capacity, socket, received: [] as string[] };
      }),
    );
    // Every agent answers each new conversation once; every third one is closed once the visitor
    // has said goodbye (closing earlier would, rightly, make the visitor's next message open a new one).
    let replies = 0;
    let closes = 0;
    for (const agent of agents) {
      const toClose = new Set<string>();
      const closeIfDone = async (conversationId: string) => {
        if (!toClose.delete(conversationId)) return;
        await ok(agent.socket, 'conversation:close', { conversationId });
        closes++;
      };
      agent.socket.on('conversation:assigned', async ({ conversation, messages }: any) => {
        agent.received.push(conversation.id);
        if (agent.received.length % 3 === 0) toClose.add(conversation.id);
        await ok(agent.socket, 'message:send', { conversationId: conversation.id, clientId: randomUUID(), text: `hi from ${agent.id}` });
        replies++;
        if (messages.some((m: any) => m.text === 'bye')) await closeIfDone(conversation.id);
      });
      agent.socket.on('message', async (m: any) => {
        if (m.text === 'bye') await closeIfDone(m.conversationId);
      });
    }

    const started = Date.now();
    await Promise.all(agents.map((a) => ok(a.socket, 'agent:status', { status: 'online' })));

    const acks: { conversationId: string; seq: number; clientId: string }[] = [];
    const visitors = await Promise.all(
      Array.from({ length: VISITORS }, async (_, i) => {
        const socket = await open(`${servers[(i + 1) % 2].url}/visitor`);
        sockets.push(socket);
        const seen: any[] = [];
        socket.on('message', (m: any) => seen.push(m));
        await ok(socket, 'session:sync', {});
        const sends = Array.from({ length: MESSAGES_PER_VISITOR }, (_, k) => ({ clientId: randomUUID(), text: `visitor ${i} message ${k}` }));
        // The first message opens the conversation; the rest race it and each other.
        const first = await ok(socket, 'message:send', sends[0]);
        acks.push({ ...first, clientId: sends[0].clientId });
        const rest = await Promise.all(sends.slice(1).map((s) => ok(socket, 'message:send', s).then((a) => ({ ...a, clientId: s.clientId }))));
        acks.push(...rest);
        // Re-send one message: it must not be stored twice.
        const dup = await ok(socket, 'message:send', sends[1]);
        expect(dup.duplicate).toBe(true);
        const bye = { clientId: randomUUID(), text: 'bye' };
        acks.push({ ...(await ok(socket, 'message:send', bye)), clientId: bye.clientId });
        return { socket, seen, conversationId: first.conversationId as string };
      }),
    );

    // Quiescence: the queue drains as agents close chats, until every slot is steady.
    const pool = createRedisPresencePool({ redis: checker, prefix, defaultCapacity: 5 });
    let stableSince = Date.now();
    let last = '';
    await until(async () => {
      const state = JSON.stringify([replies, closes, (await pool.queue()).length]);
      if (state !== last) {
        last = state;
        stableSince = Date.now();
      }
      return Date.now() - stableSince > 1500;
    }, 90_000, 'quiescence');
    const elapsed = Date.now() - started;

    // --- invariants
    const presences = await pool.agents();
    const queue = await pool.queue();
    const owner = new Map<string, string>();
    for (const p of presences) {
      const convs = await pool.agentConversations(p.agentId);
      expect(p.load).toBeLessThanOrEqual(p.capacity); // never over capacity
      expect(p.load).toBe(convs.length); // load equals assigned conversations
      for (const c of convs) {
        expect(owner.has(c)).toBe(false); // at most one agent per conversation
        owner.set(c, p.agentId);
      }
    }
    expect(new Set(queue).size).toBe(queue.length);
    expect(await pool.reconcile()).toBe(0);

    const { rows: conversations } = await sql.query<{ id: string; status: string; agent_id: string | null }>(
      'select id, status, agent_id from conversations',
    );
    expect(conversations).toHaveLength(VISITORS);
    const { rows: assignedEvents } = await sql.query<{ conversation_id: string; n: number }>(
      `select conversation_id, count(*)::int as n from messages where kind = 'event' and event->>'type' = 'assigned' group by conversation_id`,
    );
    const assignedCount = new Map(assignedEvents.map((r) => [r.conversation_id, r.n]));
    for (const c of conversations) {
      if (c.status === 'open') {
        expect(owner.get(c.id)).toBe(c.agent_id); // store and pool agree
        expect(queue).not.toContain(c.id);
      } else if (c.status === 'queued') {
        expect(queue).toContain(c.id); // none lost
        expect(owner.has(c.id)).toBe(false);
      }
      expect(assignedCount.get(c.id) ?? 0).toBe(c.status === 'queued' ? 0 : 1); // assigned exactly once
    }
    // Each agent was told about exactly the conversations it was assigned.
    const told = agents.flatMap((a) => a.received);
    expect(new Set(told).size).toBe(told.length);
    expect(told.length).toBe(assignedEvents.length);

    // Every acknowledged message is in the transcript exactly once, at its acknowledged seq.
    const { rows: stored } = await sql.query<{ conversation_id: string; client_id: string; seq: number }>(
      `select conversation_id, client_id, seq::int as seq from messages where author_kind = 'visitor'`,
    );
    expect(stored).toHaveLength(VISITORS * (MESSAGES_PER_VISITOR + 1));
    const bySeq = new Map(stored.map((r) => [`${r.conversation_id}:${r.client_id}`, r.seq]));
    expect(bySeq.size).toBe(stored.length);
    for (const a of acks) expect(bySeq.get(`${a.conversationId}:${a.clientId}`)).toBe(a.seq);

    // Visitors on one process heard agents on the other: every answered visitor got the reply.
    for (const v of visitors) {
      if (told.includes(v.conversationId)) {
        await until(() => v.seen.some((m) => m.author === 'agent'), WAIT_MS, 'agent reply to reach the visitor');
      }
    }
    console.log(
      `cluster: 2 processes, ${AGENTS} agents, ${VISITORS} visitors, ${acks.length} visitor + ${replies} agent messages, ` +
        `${assignedEvents.length} assignments, ${closes} closes, ${queue.length} still queued, ${elapsed} ms to quiescence; ` +
        'invariants: single owner, load<=capacity, load==assigned, store==pool, assigned once, none lost, acked stored once',
    );

    // SIGTERM shuts each process down cleanly (pending writes flushed, exit code 0).
    sockets.forEach((s) => s.disconnect());
    const codes = await Promise.all(
      processes.map((p) => new Promise<number | null>((resolve) => (p.once('exit', resolve), p.kill('SIGTERM')))),
    );
    expect(codes).toEqual([0, 0]);
  } finally {
    sockets.forEach((s) => s.disconnect());
    await Promise.all(
      processes.map((p) => new Promise((resolve) => (p.exitCode !== null ? resolve(null) : (p.once('exit', resolve), p.kill('SIGTERM'))))),
    );
    await checker.quit();
    await store.close();
    await sql.close();
    await db.drop();
    await redisServer.stop();
  }
});
