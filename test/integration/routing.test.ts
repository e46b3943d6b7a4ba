/**
 * Routing through a real server and real sockets, on both presence pools:
 * least-loaded choice, tie-break, capacity, queue positions, grace period,
 * transfer and close.
 */
import { randomUUID } from 'node:crypto';
import {
  chattingVisitor,
  collect,
  next,
  ok,
  call,
  onlineAgent,
  until,
  WAIT_MS,
} from '../helpers/chat';
import { useRedisServer, useTestServer, useTestStore } from '../helpers/suite';

// One PGlite and one redis-server for the file; a fresh server, pool and manual clock per test.
const db = useTestStore();
const redis = useRedisServer();

describe.each([
  ['in-process pool', undefined],
  ['redis pool', redis],
])('routing with the %s', (_name, presence) => {
  const t = useTestServer({ store: db, redis: presence, limits: { agentGraceMs: 400 }, clock: 'manual' });

  test('a new conversation goes to the agent with the lowest load ratio, with its history, and the visitor learns the name', async () => {
    const loads = async () => Object.fromEntries((await t().pool.agents()).map((a) => [a.agentId, a.load]));
    // Big gets 3 of 10 while Small is away, then Small gets 2 of 3 while Big is away.
    const b = await onlineAgent(t(), { name: 'Big', capacity: 10 });
    const s = await onlineAgent(t(), { name: 'Small', capacity: 3 });
    await ok(s.socket, 'agent:status', { status: 'away' });
    for (let i = 0; i < 3; i++) await chattingVisitor(t());
    await ok(b.socket, 'agent:status', { status: 'away' });
    await ok(s.socket, 'agent:status', { status: 'online' });
    for (let i = 0; i < 2; i++) await chattingVisitor(t());
    await ok(b.socket, 'agent:status', { status: 'online' });
    expect(await loads()).toEqual({ [b.id]: 3, [s.id]: 2 });

    const assigned = next(b.socket, 'conversation:assigned');
    const v = await chattingVisitor(t(), '我的订单还没到');
    const got = await assigned;
    expect(got.conversation.id).toBe(v.conversationId);
    expect(got.conversation.agent).toEqual({ id: b.id, name: 'Big' });
    const texts = got.messages.filter((m) => m.kind === 'text').map((m) => m.text);
    expect(texts).toEqual(['我的订单还没到']);
    const session = await ok(v.socket, 'session:sync', {});
    expect(session.conversation).toMatchObject({ status: 'open', agentName: 'Big', queuePosition: null });
  });

  test('ties go to the agent who least recently received a conversation', async () => {
    const a = await onlineAgent(t(), { name: 'A', capacity: 2 });
    const b = await onlineAgent(t(), { name: 'B', capacity: 2 });
    const first = await chattingVisitor(t());
    const firstAgent = await t().pool.assignmentOf(first.conversationId);
    const second = await chattingVisitor(t());
    const secondAgent = await t().pool.assignmentOf(second.conversationId);
    expect(new Set([firstAgent, secondAgent])).toEqual(new Set([a.id, b.id]));
    // Both now at 1/2: the tie goes to whoever received least recently, i.e. the first one.
    const third = await chattingVisitor(t());
    expect(await t().pool.assignmentOf(third.conversationId)).toBe(firstAgent);
  });

  test('capacity is respected, the rest queue in order with live positions, and closing frees a slot at once', async () => {
    const agent = await onlineAgent(t(), { capacity: 2 });
    await chattingVisitor(t());
    const held = await chattingVisitor(t());
    const waiting = [];
    for (let i = 0; i < 3; i++) waiting.push(await chattingVisitor(t()));
    expect((await t().pool.agent(agent.id))!.load).toBe(2);
    expect(await t().pool.queue()).toEqual(waiting.map((w) => w.conversationId));
    const s = await ok(waiting[2].socket, 'session:sync', {});
    expect(s.conversation).toMatchObject({ status: 'queued', queuePosition: 3 });

    // The queued visitors learn their new positions as the head is assigned.
    const secondMoves = next(waiting[1].socket, 'conversation:state', (p) => p.queuePosition === 1);
    const thirdMoves = next(waiting[2].socket, 'conversation:state', (p) => p.queuePosition === 2);
    const headAssigned = next(waiting[0].socket, 'conversation:state', (p) => p.status === 'open');
    const assigned = next(agent.socket, 'conversation:assigned');
    await ok(agent.socket, 'conversation:close', { conversationId: held.conversationId });
    expect((await assigned).conversation.id).toBe(waiting[0].conversationId);
    await Promise.all([secondMoves, thirdMoves, headAssigned]);
    expect((await t().pool.agent(agent.id))!.load).toBe(2);
    expect(await t().pool.queue()).toEqual([waiting[1].conversationId, waiting[2].conversationId]);
  });

  test('coming online and a raised capacity drain the queue immediately', async () => {
    const lead = await onlineAgent(t(), { role: 'lead', capacity: 0 });
    const v1 = await chattingVisitor(t());
    const v2 = await chattingVisitor(t());
    expect(await t().pool.queue()).toEqual([v1.conversationId, v2.conversationId]);
    const user = await t().createUser({ capacity: 1 });
    const socket = await t().agent(user.token);
    await ok(socket, 'session:sync', {});
    const first = next(socket, 'conversation:assigned');
    await ok(socket, 'agent:status', { status: 'online' });
    expect((await first).conversation.id).toBe(v1.conversationId);
    const second = next(socket, 'conversation:assigned');
    const view = await ok(lead.socket, 'agent:capacity', { agentId: user.id, capacity: 2 });
    expect(view).toMatchObject({ capacity: 2, load: 2 });
    expect((await second).conversation.id).toBe(v2.conversationId);
    expect(await t().pool.queue()).toEqual([]);
  });

  test('away keeps current chats and takes no new ones; offline requeues them at the front', async () => {
    const a = await onlineAgent(t(), { capacity: 3 });
    const mine = await chattingVisitor(t());
    await ok(a.socket, 'agent:status', { status: 'away' });
    const queued = await chattingVisitor(t());
    expect(await t().pool.assignmentOf(mine.conversationId)).toBe(a.id);
    expect(await t().pool.queue()).toEqual([queued.conversationId]);
    const removed = next(a.socket, 'conversation:removed');
    await ok(a.socket, 'agent:status', { status: 'offline' });
    expect(await removed).toEqual({ conversationId: mine.conversationId, reason: 'requeued' });
    expect(await t().pool.queue()).toEqual([mine.conversationId, queued.conversationId]);
    const b = await onlineAgent(t(), { capacity: 1 });
    expect(await t().pool.assignmentOf(mine.conversationId)).toBe(b.id);
  });

  test('an agent who reloads within the grace period keeps their chats; after it they are re-routed to the front', async () => {
    const a = await onlineAgent(t(), { capacity: 2 });
    const v = await chattingVisitor(t());
    // Takes no chats; leaves with A and never returns, so its expiry shows a sweep ran past A's deadline.
    const witness = await onlineAgent(t(), { capacity: 0 });
    const inGrace = (id: string) => async () => (await t().pool.agent(id))?.graceDeadline != null;
    // Reload: disconnect and come back within 400 ms (of the server's clock).
    a.socket.disconnect();
    witness.socket.disconnect();
    await until(inGrace(a.id), WAIT_MS, 'grace to start');
    await until(inGrace(witness.id), WAIT_MS, 'grace to start');
    t.clock.advance(100);
    const back = await t().agent(a.token);
    const session = await ok(back, 'session:sync', {});
    expect(session.me.status).toBe('online');
    expect(session.conversations.map((c) => c.conversation.id)).toEqual([v.conversationId]);
    t.clock.advance(500);
    await until(async () => (await t().pool.agent(witness.id))?.status === 'offline', WAIT_MS, "the witness's grace to expire");
    expect(await t().pool.assignmentOf(v.conversationId)).toBe(a.id);

    // Now leave for good: after the grace period the chat goes to the front of the queue, then to B.
    const waiting = await chattingVisitor(t());
    await ok(back, 'agent:status', { status: 'away' }); // keeps v, stops new ones
    back.disconnect();
    await until(inGrace(a.id), WAIT_MS, 'grace to start');
    t.clock.advance(400);
    await until(async () => (await t().pool.queue())[0] === v.conversationId, WAIT_MS, 'requeue after grace');
    expect(await t().pool.queue()).toEqual([v.conversationId, waiting.conversationId]);
    const b = await onlineAgent(t(), { capacity: 1 });
    expect(await t().pool.assignmentOf(v.conversationId)).toBe(b.id);
    const { messages } = await ok(b.socket, 'conversation:history', { conversationId: v.conversationId });
    const events = messages.filter((m) => m.kind === 'event').map((m) => m.event?.type);
    // One disconnect for the reload, one for leaving; then the requeue and the new assignment.
    expect(events).toEqual(['opened', 'assigned', 'agent_disconnected', 'agent_disconnected', 'requeued', 'assigned']);
  });

  test('transfer to a named agent, to the queue, and refusals', async () => {
    const a = await onlineAgent(t(), { name: 'A', capacity: 2 });
    const v = await chattingVisitor(t());
    expect(await t().pool.assignmentOf(v.conversationId)).toBe(a.id);
    const b = await onlineAgent(t(), { name: 'B', capacity: 1 });
    const full = await onlineAgent(t(), { name: 'Full', capacity: 0 });

    const refused = await call(a.socket, 'conversation:transfer', { conversationId: v.conversationId, toAgentId: full.id });
    expect(refused).toMatchObject({ ok: false, error: { code: 'AGENT_UNAVAILABLE' } });
    const unknown = await call(a.socket, 'conversation:transfer', { conversationId: v.conversationId, toAgentId: randomUUID() });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'AGENT_NOT_FOUND' } });
    const notMine = await call(b.socket, 'conversation:transfer', { conversationId: v.conversationId, toAgentId: b.id });
    expect(notMine).toMatchObject({ ok: false, error: { code: 'NOT_ASSIGNED' } });

    const toB = next(b.socket, 'conversation:assigned');
    const fromA = next(a.socket, 'conversation:removed');
    const visitorSees = next(v.socket, 'conversation:state', (s) => s.agentName === 'B');
    const result = await ok(a.socket, 'conversation:transfer', { conversationId: v.conversationId, toAgentId: b.id, note: 'VIP' });
    expect(result).toEqual({ conversationId: v.conversationId, agentId: b.id });
    expect((await toB).conversation.id).toBe(v.conversationId);
    expect(await fromA).toEqual({ conversationId: v.conversationId, reason: 'transferred' });
    await visitorSees;
    expect((await t().pool.agent(a.id))!.load).toBe(0);
    expect((await t().pool.agent(b.id))!.load).toBe(1);

    // Back to the queue: A has room, so it is routed again at once (to the least loaded: A).
    const removedFromB = collect(b.socket, 'conversation:removed');
    const back = await ok(b.socket, 'conversation:transfer', { conversationId: v.conversationId, toAgentId: null });
    // Nothing more reaches B: the answer to a later call on B's socket comes after anything sent to B before it.
    await ok(b.socket, 'agent:status', { status: 'online' });
    expect(removedFromB).toEqual([{ conversationId: v.conversationId, reason: 'transferred' }]);
    expect(back.agentId).toBe(a.id);
    const { messages } = await ok(a.socket, 'conversation:history', { conversationId: v.conversationId });
    const transfers = messages.filter((m) => m.event?.type === 'transferred').map((m) => m.event);
    expect(transfers).toEqual([
      { type: 'transferred', fromAgentId: a.id, toAgentId: b.id, note: 'VIP' },
      { type: 'transferred', fromAgentId: b.id, toAgentId: null },
    ]);
    expect(messages.some((m) => m.event?.type === 'requeued')).toBe(false);
  });

  test('leads see a conversation transferred to the queue as queued while it waits there', async () => {
    const lead = await onlineAgent(t(), { role: 'lead', capacity: 0, name: 'Lead' });
    const a = await onlineAgent(t(), { name: 'A', capacity: 1 });
    const v = await chattingVisitor(t());
    // Away first (as at the end of a shift), so nobody online has room and it stays queued.
    await ok(a.socket, 'agent:status', { status: 'away' });
    const updated = next(lead.socket, 'conversation:updated', (c) => c.id === v.conversationId && c.status === 'queued');
    const queueChanged = next(lead.socket, 'queue:changed', (q) => q.queue.includes(v.conversationId));
    expect(await ok(a.socket, 'conversation:transfer', { conversationId: v.conversationId, toAgentId: null })).toEqual({
      conversationId: v.conversationId,
      agentId: null,
    });
    expect(await updated).toMatchObject({ id: v.conversationId, status: 'queued', agent: null, queuePosition: 1 });
    await queueChanged;
  });

  test('closing by the visitor or the agent frees capacity and is recorded; a new message opens a new conversation', async () => {
    const a = await onlineAgent(t(), { capacity: 1 });
    const v = await chattingVisitor(t());
    const removed = next(a.socket, 'conversation:removed');
    const closedState = next(v.socket, 'conversation:state', (s) => s.status === 'closed');
    expect(await ok(v.socket, 'conversation:close', {})).toEqual({ conversationId: v.conversationId });
    // Ended by the visitor: the agent keeps it listed for the wrap-up (routines-wrapup.test.ts).
    expect(await removed).toEqual({ conversationId: v.conversationId, reason: 'ended', wrapUpDueAt: expect.any(Number) });
    await closedState;
    expect((await t().pool.agent(a.id))!.load).toBe(0);
    const record = await t().store.getConversation(v.conversationId);
    expect(record).toMatchObject({ status: 'closed', closedBy: 'visitor' });
    expect(await call(v.socket, 'conversation:close', {})).toMatchObject({ ok: false, error: { code: 'NO_CONVERSATION' } });

    const again = await ok(v.socket, 'message:send', { clientId: randomUUID(), text: 'One more thing' });
    expect(again.conversationId).not.toBe(v.conversationId);
    expect(await t().pool.assignmentOf(again.conversationId)).toBe(a.id);
    await ok(a.socket, 'conversation:close', { conversationId: again.conversationId });
    expect(await t().store.getConversation(again.conversationId)).toMatchObject({ status: 'closed', closedBy: 'agent' });
    expect(await call(a.socket, 'conversation:close', { conversationId: again.conversationId })).toMatchObject({
      ok: false,
      error: { code: 'CONVERSATION_NOT_FOUND' },
    });
  });

  test('a conversation closed by another process: the next message opens a new one and is stored once', async () => {
    const a = await onlineAgent(t(), { capacity: 2 });
    const v = await chattingVisitor(t());
    // As another server process would: closed in the store and released from the pool, behind this process's back.
    expect(await t().store.closeConversation(v.conversationId, 'agent', a.id, Date.now())).toMatchObject({ status: 'closed' });
    await t().pool.release(v.conversationId);
    const clientId = randomUUID();
    const again = await ok(v.socket, 'message:send', { clientId, text: 'Still there?' });
    expect(again.conversationId).not.toBe(v.conversationId);
    expect(await t().pool.assignmentOf(again.conversationId)).toBe(a.id);
    expect((await t().store.messagesAfter(v.conversationId, 0)).map((m) => m.text)).not.toContain('Still there?');
    expect((await t().store.messagesAfter(again.conversationId, 0)).filter((m) => m.clientId === clientId)).toHaveLength(1);
    // A re-send of it lands on the same stored message.
    expect(await ok(v.socket, 'message:send', { clientId, text: 'Still there?' })).toEqual({ ...again, duplicate: true });
  });

  test('lead snapshot shows agents, queue and live conversations; leads watch a conversation live', async () => {
    const lead = await onlineAgent(t(), { role: 'lead', capacity: 0, name: 'Lead' });
    const a = await onlineAgent(t(), { capacity: 1, name: 'A' });
    const v = await chattingVisitor(t());
    const q = await chattingVisitor(t());
    const snap = await ok(lead.socket, 'lead:snapshot', {});
    expect(snap.queue).toEqual([q.conversationId]);
    expect(snap.agents.find((x) => x.id === a.id)).toMatchObject({ status: 'online', load: 1, capacity: 1, connected: true });
    const live = snap.conversations.filter((c) => [v.conversationId, q.conversationId].includes(c.id));
    expect(live.map((c) => [c.id, c.status])).toEqual(
      expect.arrayContaining([[v.conversationId, 'open'], [q.conversationId, 'queued']]),
    );

    const watched = await ok(lead.socket, 'conversation:watch', { conversationId: v.conversationId });
    expect(watched.conversation.agent?.id).toBe(a.id);
    const seen = next(lead.socket, 'message', (m) => m.text === 'watched');
    await ok(a.socket, 'message:send', { conversationId: v.conversationId, clientId: randomUUID(), text: 'watched' });
    expect((await seen).authorName).toBe('A');
    const seenNote = collect(v.socket, 'message');
    await ok(lead.socket, 'message:send', { conversationId: v.conversationId, clientId: randomUUID(), text: 'lead note', note: true });
    // The note does not reach the visitor: A's reply, sent after it, arrives after the note would have.
    await ok(a.socket, 'message:send', { conversationId: v.conversationId, clientId: randomUUID(), text: 'barrier' });
    await until(() => seenNote.some((m) => m.text === 'barrier'), WAIT_MS, "A's reply");
    expect(seenNote.map((m) => m.text)).not.toContain('lead note');
  });
});
