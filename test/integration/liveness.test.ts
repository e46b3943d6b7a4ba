/**
 * Two server processes (two ChatServers in this test process) on one private Redis and one
 * store. One of them dies without a goodbye: its pool calls fail from then on (no heartbeat,
 * no disconnect is counted) and its sockets drop. The survivor's heartbeat declares it dead:
 * its agents with no socket left anywhere enter grace; after grace their chats move unless
 * they reconnected on the survivor. Time rules run on one shared manual clock.
 */
import { randomUUID } from 'node:crypto';
import type { ManualClock } from '../helpers/clock';
import { chattingVisitor, ok, onlineAgent, until, type AgentClient, type TestServer } from '../helpers/chat';
import { startProcesses, type Proc, type Processes } from '../helpers/processes';
import { useRedisServer, useTestStore } from '../helpers/suite';

const redis = useRedisServer();
const db = useTestStore();

const LIMITS = { heartbeatMs: 50, processDeadAfterMs: 10_000, agentGraceMs: 30_000 };
let running: Processes | undefined;
let clock: ManualClock;

async function cluster(n: number, store = db): Promise<Proc[]> {
  running = await startProcesses(n, { store: store(), redisUrl: redis().url, limits: LIMITS });
  clock = running.clock;
  return running.procs;
}

afterEach(async () => {
  await running?.close();
});

const agentOf = (t: TestServer, user: { token: string }) => t.agent(user.token);

describe('a process dies without a goodbye', () => {
  test('its agents enter grace, their chats move after it unless they reconnected on the survivor; counts stay right', async () => {
    const [a, b] = await cluster(2);
    const ana = await onlineAgent(a.t, { name: 'Ana', capacity: 5 });
    const v1 = await chattingVisitor(a.t, '订单没到');
    const v2 = await chattingVisitor(b.t, 'Where is my parcel?');
    const dana = await onlineAgent(a.t, { name: 'Dana', capacity: 5 });
    const v3 = await chattingVisitor(b.t, 'Refund please');
    // Bob holds a socket on each process.
    const bob = await onlineAgent(b.t, { name: 'Bob', capacity: 5 });
    const bobOnA = await agentOf(a.t, bob);
    await ok(bobOnA, 'session:sync', {});
    const pool = b.t.pool;
    expect(await pool.agentConversations(ana.id)).toEqual([v1.conversationId, v2.conversationId]);
    expect(await pool.agentConversations(dana.id)).toEqual([v3.conversationId]);
    expect(await pool.agent(bob.id)).toMatchObject({ connections: 2 });

    await a.crash();
    // Nothing changed in presence: the dead process said no goodbye.
    expect(await pool.agent(ana.id)).toMatchObject({ connections: 1, graceDeadline: null });

    clock.advance(LIMITS.processDeadAfterMs + 1);
    await until(async () => (await pool.agent(ana.id))?.graceDeadline != null, 10_000, 'the survivor declared the process dead');
    const graceEnds = clock.now() + LIMITS.agentGraceMs;
    expect(await pool.agent(ana.id)).toMatchObject({ status: 'online', connections: 0, load: 2 });
    expect(await pool.agent(dana.id)).toMatchObject({ status: 'online', connections: 0, load: 1 });
    expect(await pool.agent(bob.id)).toMatchObject({ status: 'online', connections: 1, graceDeadline: null });
    expect((await pool.agent(ana.id))!.graceDeadline).toBeLessThanOrEqual(graceEnds);

    // Dana's console reconnects to the survivor within grace: same chats, no grace left.
    const danaBack = await agentOf(b.t, dana);
    const session = await ok(danaBack, 'session:sync', {});
    expect(session.me).toMatchObject({ status: 'online' });
    expect(session.conversations.map((c) => c.conversation.id)).toEqual([v3.conversationId]);
    expect(await pool.agent(dana.id)).toMatchObject({ connections: 1, graceDeadline: null });

    // The lead sees the truth.
    const lead = await b.t.createUser({ role: 'lead' });
    const leadSocket = await agentOf(b.t, lead);
    const snap = await ok(leadSocket, 'lead:snapshot', {});
    const seen = Object.fromEntries(snap.agents.map((x) => [x.id, x]));
    expect(seen[ana.id]).toMatchObject({ connected: false, status: 'online', load: 2 });
    expect(seen[dana.id]).toMatchObject({ connected: true, load: 1 });
    expect(seen[bob.id]).toMatchObject({ connected: true });

    // Grace ends: Ana's two chats go to the agents alive (least loaded first), Dana keeps hers.
    const moved = new Map<string, string>();
    const watch = (s: AgentClient, id: string) => s.on('conversation:assigned', (p) => moved.set(p.conversation.id, id));
    watch(bob.socket, bob.id);
    watch(danaBack, dana.id);
    clock.advance(LIMITS.agentGraceMs + 1);
    await until(() => moved.size === 2, 10_000, "Ana's chats moved");
    expect([...moved.keys()].sort()).toEqual([v1.conversationId, v2.conversationId].sort());
    expect(await pool.agent(ana.id)).toMatchObject({ status: 'offline', load: 0 });
    expect(await pool.assignmentOf(v3.conversationId)).toBe(dana.id);

    // Load equals open assignments, in the pool and in the store; nobody over capacity.
    const open = (await b.t.store.listActiveConversations()).filter((c) =>
      [v1, v2, v3].some((v) => v.conversationId === c.id),
    );
    for (const c of open) expect(await pool.assignmentOf(c.id)).toBe(c.agentId);
    for (const p of await pool.agents()) {
      expect(p.load).toBe((await pool.agentConversations(p.agentId)).length);
      expect(p.load).toBeLessThanOrEqual(p.capacity);
    }
    // The shopper, whose socket was on the dead process too, reconnects to the survivor and sees who serves them now.
    const v1State = await ok(await b.t.visitor(v1.token), 'session:sync', {});
    expect(v1State.conversation).toMatchObject({ status: 'open', agentName: moved.get(v1.conversationId) === bob.id ? 'Bob' : 'Dana' });
  });

  test('an agent whose only socket was on the dead process and who reconnects elsewhere in time keeps everything', async () => {
    const [a, b] = await cluster(2);
    const ana = await onlineAgent(a.t, { capacity: 2 });
    const v1 = await chattingVisitor(b.t);
    // Ana reconnects on b before a is declared dead: the count of a's socket is stale for now.
    const anaOnB = await agentOf(b.t, ana);
    await ok(anaOnB, 'session:sync', {});
    await a.crash();
    expect(await b.t.pool.agent(ana.id)).toMatchObject({ connections: 2 });
    clock.advance(LIMITS.processDeadAfterMs + 1);
    await until(async () => (await b.t.pool.agent(ana.id))?.connections === 1, 10_000, "a's socket left presence");
    expect(await b.t.pool.agent(ana.id)).toMatchObject({ graceDeadline: null, status: 'online', load: 1 });
    // Her one real socket goes: grace starts at once (a stale count would have hidden it forever).
    anaOnB.disconnect();
    await until(async () => (await b.t.pool.agent(ana.id))?.graceDeadline != null, 10_000, 'grace started');
    clock.advance(LIMITS.agentGraceMs + 1);
    await until(async () => (await b.t.pool.agent(ana.id))?.status === 'offline', 10_000, 'grace expired');
    expect(await b.t.pool.queue()).toEqual([v1.conversationId]);
  });
});

describe('the periodic repair has a lease', () => {
  // A store of its own: the repair would rightly route the other tests' open conversations.
  const own = useTestStore();
  test('two processes repairing at once deliver an unrecorded assignment once', async () => {
    const [a, b] = await cluster(2, own);
    const ana = await onlineAgent(a.t, { capacity: 3 });
    // The first message is stored but its routing fails; then the pool assigns behind the
    // store's back: the pool says Ana, the store says queued, and Ana was never told.
    a.faults.failNext('route');
    const visitor = await a.t.visitor();
    await ok(visitor, 'session:sync', {});
    const sent = await ok(visitor, 'message:send', { clientId: randomUUID(), text: 'hello' });
    await a.t.server.chat.idle();
    await a.t.pool.route(sent.conversationId);
    expect(await a.t.store.getConversation(sent.conversationId)).toMatchObject({ status: 'queued', agentId: null });

    const assigned: string[] = [];
    ana.socket.on('conversation:assigned', (p) => assigned.push(p.conversation.id));
    // Each drift is repaired when two passes in a row see it: two rounds, both processes at once.
    const first = await Promise.all([a.t.server.chat.repair(), b.t.server.chat.repair()]);
    const second = await Promise.all([a.t.server.chat.repair(), b.t.server.chat.repair()]);
    expect([...first, ...second].reduce((x, y) => x + y, 0)).toBe(1);
    await until(() => assigned.length > 0, 5000, 'the assignment delivered');
    await Promise.all([a.t.server.chat.idle(), b.t.server.chat.idle()]);
    expect(assigned).toEqual([sent.conversationId]);
    const { messages } = await ok(ana.socket, 'conversation:history', { conversationId: sent.conversationId });
    expect(messages.filter((m) => m.event?.type === 'assigned')).toHaveLength(1);
    expect(await a.t.store.getConversation(sent.conversationId)).toMatchObject({ status: 'open', agentId: ana.id });

    // The holder dies: another process takes the lease once it lapses.
    await a.crash();
    expect(await b.t.pool.acquireLease('repair', 'someone-else', clock.now(), 1000)).toBe(false);
    clock.advance(3_600_000 * 3 + 1);
    await expect(b.t.server.chat.repair()).resolves.toBe(0);
    expect(await b.t.pool.acquireLease('repair', 'someone-else', clock.now(), 1000)).toBe(false);
  });
});
