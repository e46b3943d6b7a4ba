/**
 * Redis goes away and comes back empty under two server processes. While it is unreachable,
 * what cannot be done is refused in the ack; once it is back, presence is rebuilt from the
 * live sockets (each process re-announces its agents in the status they chose) and the queue
 * and assignments from the store, with nobody reloading: replies work, routing works, load
 * equals open assignments, nobody is over capacity, nothing is assigned twice.
 */
import { randomUUID } from 'node:crypto';
import { call, chattingVisitor, next, ok, onlineAgent, until } from '../helpers/chat';
import { startProcesses, type Processes } from '../helpers/processes';
import { useRedisServer, useTestStore } from '../helpers/suite';

const redis = useRedisServer();
const db = useTestStore();
let running: Processes | undefined;
afterEach(async () => {
  await running?.close();
});

test('Redis restarted empty: presence, queue and assignments are rebuilt and everything works again without a reload', async () => {
  running = await startProcesses(2, { store: db(), redisUrl: redis().url, limits: { heartbeatMs: 100 } });
  const [a, b] = running.procs;
  const pool = b.t.pool;
  const ana = await onlineAgent(a.t, { name: 'Ana', capacity: 2 });
  // Opened a millisecond apart: the restored order follows the opening order.
  const later = () => running!.clock.advance(1);
  const v1 = await chattingVisitor(b.t, 'first');
  const bob = await onlineAgent(b.t, { name: 'Bob', capacity: 1 });
  later();
  const v2 = await chattingVisitor(a.t, 'second');
  later();
  const v3 = await chattingVisitor(b.t, 'third');
  later();
  const v4 = await chattingVisitor(a.t, 'fourth');
  const before = {
    ana: await pool.agentConversations(ana.id),
    bob: await pool.agentConversations(bob.id),
    queue: await pool.queue(),
  };
  expect(before).toEqual({ ana: [v1.conversationId, v3.conversationId], bob: [v2.conversationId], queue: [v4.conversationId] });

  await redis().stop();
  // Unreachable: a reply cannot be checked nor rate-limited, so it is refused in the ack, never dropped silently.
  const refused = await call(ana.socket, 'message:send', { conversationId: v1.conversationId, clientId: randomUUID(), text: 'are you there?' }, 60_000);
  expect(refused).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
  const refusedVisitor = await call(v4.socket, 'message:send', { clientId: randomUUID(), text: 'hello?' }, 60_000);
  expect(refusedVisitor).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });

  await redis().restart(); // empty: nothing was persisted
  await until(
    async () =>
      (await pool.assignmentOf(v1.conversationId).catch(() => null)) === ana.id &&
      (await pool.agent(bob.id).catch(() => null))?.connections === 1 &&
      (await pool.agent(ana.id).catch(() => null))?.connections === 1,
    30_000,
    'presence rebuilt',
  );
  await until(async () => (await pool.queue()).length === 1, 10_000, 'queue rebuilt');
  expect({
    ana: await pool.agentConversations(ana.id),
    bob: await pool.agentConversations(bob.id),
    queue: await pool.queue(),
  }).toEqual(before);
  expect(await pool.agent(ana.id)).toMatchObject({ status: 'online', capacity: 2, load: 2, graceDeadline: null });
  expect(await pool.agent(bob.id)).toMatchObject({ status: 'online', capacity: 1, load: 1, graceDeadline: null });

  // Ana's reply to a conversation opened before the loss is accepted and reaches the shopper.
  const heard = next(v1.socket, 'message', (m) => m.text === 'still here');
  await ok(ana.socket, 'message:send', { conversationId: v1.conversationId, clientId: randomUUID(), text: 'still here' });
  await heard;

  // Routing works: a closed chat frees Ana for the queued shopper; a new shopper queues, then Bob takes them.
  const toAna = next(ana.socket, 'conversation:assigned', (p) => p.conversation.id === v4.conversationId, 15_000);
  await ok(ana.socket, 'conversation:close', { conversationId: v1.conversationId, category: 'inquiry' });
  await toAna;
  const v5 = await chattingVisitor(a.t, 'new after the loss');
  expect(await pool.queue()).toEqual([v5.conversationId]);
  const toBob = next(bob.socket, 'conversation:assigned', (p) => p.conversation.id === v5.conversationId, 15_000);
  await ok(bob.socket, 'conversation:close', { conversationId: v2.conversationId, category: 'inquiry' });
  await toBob;
  await Promise.all([a.t.server.chat.idle(), b.t.server.chat.idle()]);

  // Invariants: load equals open assignments in the pool and in the store; nobody over capacity; none twice.
  const active = (await b.t.store.listActiveConversations()).filter((c) =>
    [v1, v2, v3, v4, v5].some((v) => v.conversationId === c.id),
  );
  const owners = new Map<string, string>();
  for (const agent of await pool.agents()) {
    const convs = await pool.agentConversations(agent.agentId);
    expect(agent.load).toBe(convs.length);
    expect(agent.load).toBeLessThanOrEqual(agent.capacity);
    for (const c of convs) {
      expect(owners.has(c)).toBe(false);
      owners.set(c, agent.agentId);
    }
  }
  for (const c of active) expect([c.id, c.status, c.agentId]).toEqual([c.id, 'open', owners.get(c.id)]);
  expect(active.map((c) => c.id).sort()).toEqual([v3, v4, v5].map((v) => v.conversationId).sort());
});
