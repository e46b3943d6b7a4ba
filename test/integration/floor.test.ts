/**
 * The lead's live floor and stepping in, through socket.io-client: the floor's state and its
 * pushes as visitors arrive and chats close, watching with typing, whisper, barge-in, take-over,
 * a lead setting an agent's status, and every lead-only event refused to agents.
 */
import { randomUUID } from 'node:crypto';
import type { FloorConversation } from '../../shared/protocol';
import { call, chattingVisitor, collect, next, ok, onlineAgent, startTestServer, until, WAIT_MS, type TestServer } from '../helpers/chat';
import { useRedisServer, useTestServer } from '../helpers/suite';

jest.setTimeout(60_000);
const t = useTestServer();

/** A lead connected (status offline: not taking chats) with the floor open. */
async function floorLead(server: TestServer, name = 'Lena') {
  const user = await server.createUser({ role: 'lead', name, capacity: 2 });
  const socket = await server.agent(user.token);
  await ok(socket, 'session:sync', {});
  const state = await ok(socket, 'floor:watch', {});
  return { ...user, socket, state };
}

const send = (socket: Parameters<typeof ok>[0], text: string) => ok(socket, 'message:send', { clientId: randomUUID(), text });

test('the floor: its state, and pushes as visitors arrive, are answered and chats close', async () => {
  const lead = await floorLead(t());
  expect(lead.state).toMatchObject({ queue: [], conversations: [], figures: { waitingNow: 0, started: 0, closed: 0, missed: 0 } });
  expect(lead.state.figures.timeZone).toEqual(expect.any(String));
  expect(lead.state.figures.day).toMatch(/^\d{4}-\d\d-\d\d$/);

  const a = await onlineAgent(t(), { name: 'Ana', capacity: 1 });
  const loadOne = next(lead.socket, 'agent:changed', (p) => p.id === a.id && p.load === 1);
  const firstOnFloor = next(lead.socket, 'floor:conversation', (c) => c.status === 'open');
  const first = await chattingVisitor(t(), 'where is my parcel?');
  const pushed = await firstOnFloor;
  expect(pushed).toMatchObject({ id: first.conversationId, agent: { id: a.id, name: 'Ana' }, queuedAt: null, assignedAt: expect.any(Number) });
  expect(pushed.waitingSince).toEqual(expect.any(Number));
  await loadOne;

  // Ana is full: the next visitor waits, first in the queue, with the time they joined it.
  const queuedOnFloor = next(lead.socket, 'floor:conversation', (c) => c.status === 'queued');
  const queueChanged = next(lead.socket, 'queue:changed', (q) => q.queue.length === 1);
  const second = await chattingVisitor(t(), '在吗？');
  expect(await queuedOnFloor).toMatchObject({ id: second.conversationId, queuePosition: 1, queuedAt: expect.any(Number), assignedAt: null, agent: null });
  expect((await queueChanged).queue).toEqual([second.conversationId]);

  // The state read now agrees, waiting times included.
  const state = await ok(lead.socket, 'floor:watch', {});
  expect(state.queue).toEqual([second.conversationId]);
  expect(state.agents.find((x) => x.id === a.id)).toMatchObject({ status: 'online', load: 1, capacity: 1 });
  const byId = Object.fromEntries(state.conversations.map((c) => [c.id, c])) as Record<string, FloorConversation>;
  expect(byId[first.conversationId]).toMatchObject({ status: 'open', waitingSince: pushed.waitingSince });
  expect(byId[second.conversationId]).toMatchObject({ status: 'queued', queuedAt: expect.any(Number), waitingSince: expect.any(Number) });
  expect(state.figures).toMatchObject({ waitingNow: 1, started: 2, oldestQueuedAt: byId[second.conversationId].queuedAt });

  // Ana answers: "waiting since" ends (an activity push, no text); the visitor writes again: it starts again.
  const about = (author: string) => (p: { activity: { conversationId: string; author: string }[] }) =>
    p.activity.some((x) => x.conversationId === first.conversationId && x.author === author);
  const answered = next(lead.socket, 'floor:activity', about('agent'));
  const reply = await ok(a.socket, 'message:send', { conversationId: first.conversationId, clientId: randomUUID(), text: 'Let me check' });
  expect((await answered).activity).toContainEqual({ conversationId: first.conversationId, author: 'agent', at: reply.at });
  // Messages gathered in one push: a second visitor message before any answer adds nothing.
  const wrote = next(lead.socket, 'floor:activity', about('visitor'));
  const again = await send(first.socket, 'thanks');
  await send(first.socket, 'are you there?');
  expect((await wrote).activity.filter((x) => x.conversationId === first.conversationId)).toEqual([
    { conversationId: first.conversationId, author: 'visitor', at: again.at },
  ]);
  const times = (await ok(lead.socket, 'floor:watch', {})).conversations.find((c) => c.id === first.conversationId)!;
  expect(times.waitingSince).toBe(again.at);

  // Ana closes the first chat: it leaves the floor, the queued one is hers now.
  const closedOnFloor = next(lead.socket, 'floor:conversation', (c) => c.id === first.conversationId && c.status === 'closed');
  const secondAssigned = next(lead.socket, 'floor:conversation', (c) => c.id === second.conversationId && c.status === 'open');
  await ok(a.socket, 'conversation:close', { conversationId: first.conversationId });
  await closedOnFloor;
  expect(await secondAssigned).toMatchObject({ agent: { id: a.id }, queuedAt: null, assignedAt: expect.any(Number) });
  await ok(first.socket, 'conversation:rate', { conversationId: first.conversationId, score: 4 });

  // The second visitor leaves unanswered: a missed chat. Today's figures follow, pushed.
  const figures = next(lead.socket, 'floor:figures', (f) => f.closed === 2 && f.ratings === 1, 15_000);
  await ok(second.socket, 'conversation:close', {});
  expect(await figures).toMatchObject({ waitingNow: 0, oldestQueuedAt: null, started: 2, closed: 2, missed: 1, averageRating: 4, ratings: 1 });
  const f = (await ok(lead.socket, 'floor:watch', {})).figures;
  expect(f.medianFirstResponseMs).toEqual(expect.any(Number));
  expect(f.medianFirstResponseMs).toBeGreaterThanOrEqual(0);

  // Unwatched: no more floor pushes to this socket.
  await ok(lead.socket, 'floor:unwatch', {});
  const after = collect(lead.socket, 'floor:conversation');
  const byLeads = next(lead.socket, 'conversation:updated'); // every lead still gets this one
  await chattingVisitor(t(), 'one more');
  await byLeads;
  await t().server.chat.idle();
  expect(after).toEqual([]);
});

test('watching: messages and typing from both sides arrive live, read-only', async () => {
  const a = await onlineAgent(t(), { name: 'Ana' });
  const v = await chattingVisitor(t(), 'hello');
  const lead = await floorLead(t());
  const watched = await ok(lead.socket, 'conversation:watch', { conversationId: v.conversationId });
  expect(watched.messages.map((m) => m.text)).toContain('hello');

  const visitorTyping = next(lead.socket, 'typing', (p) => !p.author);
  v.socket.emit('typing', { typing: true });
  expect(await visitorTyping).toEqual({ conversationId: v.conversationId, typing: true });
  const agentTyping = next(lead.socket, 'typing', (p) => p.author === 'agent');
  a.socket.emit('typing', { conversationId: v.conversationId, typing: true });
  expect(await agentTyping).toEqual({ conversationId: v.conversationId, typing: true, author: 'agent' });

  const fromVisitor = next(lead.socket, 'message', (m) => m.text === 'my order is 123');
  await send(v.socket, 'my order is 123');
  await fromVisitor;
  const fromAgent = next(lead.socket, 'message', (m) => m.text === 'found it');
  await ok(a.socket, 'message:send', { conversationId: v.conversationId, clientId: randomUUID(), text: 'found it' });
  expect(await fromAgent).toMatchObject({ author: 'agent', authorId: a.id, authorName: 'Ana' });
});

test('whisper reaches the agent and never the visitor; barge-in reaches both, the agent stays assigned', async () => {
  const a = await onlineAgent(t(), { name: 'Ana' });
  const v = await chattingVisitor(t(), 'I want a refund');
  const lead = await floorLead(t(), 'Lena');
  await ok(lead.socket, 'conversation:watch', { conversationId: v.conversationId });
  const visitorSees = collect(v.socket, 'message');

  const whisperToAgent = next(a.socket, 'message', (m) => m.kind === 'note');
  await ok(lead.socket, 'message:send', { conversationId: v.conversationId, clientId: randomUUID(), text: 'Offer the 10% voucher first', note: true });
  expect(await whisperToAgent).toMatchObject({ author: 'agent', authorId: lead.id, authorName: 'Lena', kind: 'note', text: 'Offer the 10% voucher first' });

  const bargeToVisitor = next(v.socket, 'message', (m) => m.text === 'Hello, I am the team lead.');
  const bargeToAgent = next(a.socket, 'message', (m) => m.text === 'Hello, I am the team lead.');
  await ok(lead.socket, 'message:send', { conversationId: v.conversationId, clientId: randomUUID(), text: 'Hello, I am the team lead.' });
  expect(await bargeToVisitor).toMatchObject({ author: 'agent', authorId: null, authorName: 'Lena', kind: 'text' });
  expect(await bargeToAgent).toMatchObject({ authorId: lead.id, authorName: 'Lena' });
  expect(await t().pool.assignmentOf(v.conversationId)).toBe(a.id);

  // The visitor's own transcript has the barge-in and never the whisper.
  const session = await ok(v.socket, 'session:sync', {});
  expect(session.messages.map((m) => m.text)).toContain('Hello, I am the team lead.');
  expect([...session.messages, ...visitorSees].map((m) => m.text)).not.toContain('Offer the 10% voucher first');
  expect(visitorSees.every((m) => m.kind !== 'note')).toBe(true);
});

test('take-over: to the lead or to an agent with room, at once; the agent is told who took it', async () => {
  const a = await onlineAgent(t(), { name: 'Ana' });
  const v = await chattingVisitor(t(), 'hi');
  const lead = await floorLead(t(), 'Lena');
  await ok(lead.socket, 'agent:status', { status: 'online' });

  const removed = next(a.socket, 'conversation:removed');
  const assigned = next(lead.socket, 'conversation:assigned', (c) => c.conversation.id === v.conversationId);
  const notice = next(v.socket, 'message', (m) => m.event?.type === 'assigned' && m.event.agentName === 'Lena');
  expect(await ok(lead.socket, 'conversation:takeover', { conversationId: v.conversationId })).toEqual({ conversationId: v.conversationId, agentId: lead.id });
  expect(await removed).toEqual({ conversationId: v.conversationId, reason: 'transferred', by: { id: lead.id, name: 'Lena' }, to: { id: lead.id, name: 'Lena' } });
  await assigned;
  await notice;
  expect(await t().pool.assignmentOf(v.conversationId)).toBe(lead.id);

  // On to another agent with room; one without room is refused and nothing moves.
  const full = await onlineAgent(t(), { name: 'Full', capacity: 0 });
  expect(await call(lead.socket, 'conversation:takeover', { conversationId: v.conversationId, toAgentId: full.id })).toMatchObject({
    ok: false,
    error: { code: 'AGENT_UNAVAILABLE' },
  });
  expect(await t().pool.assignmentOf(v.conversationId)).toBe(lead.id);
  const toAna = next(a.socket, 'conversation:assigned');
  await ok(lead.socket, 'conversation:takeover', { conversationId: v.conversationId, toAgentId: a.id });
  await toAna;
  expect(await t().pool.assignmentOf(v.conversationId)).toBe(a.id);

  // And a lead closes any conversation.
  const gone = next(a.socket, 'conversation:removed', (p) => p.reason === 'closed');
  await ok(lead.socket, 'conversation:close', { conversationId: v.conversationId });
  await gone;
  expect((await t().store.getConversation(v.conversationId))!.status).toBe('closed');
});

test('take-over for myself needs only a signed-in console: an offline lead becomes away, a full one goes above capacity', async () => {
  const a = await onlineAgent(t(), { name: 'Ana', capacity: 5 });
  const first = await chattingVisitor(t(), 'first');
  const second = await chattingVisitor(t(), 'second');
  const queued = await chattingVisitor(t(), 'third, waiting');
  const lead = await floorLead(t(), 'Lena');
  await ok(lead.socket, 'agent:capacity', { agentId: lead.id, capacity: 1 });
  expect((await t().pool.agent(lead.id))!.status).toBe('offline');

  // Offline (but signed in): taken at once; the lead is now away, so the queue is not drawn to them.
  const mine = next(lead.socket, 'conversation:assigned', (c) => c.conversation.id === first.conversationId);
  const away = next(lead.socket, 'agent:state', (s) => s.status === 'away');
  expect(await ok(lead.socket, 'conversation:takeover', { conversationId: first.conversationId })).toEqual({ conversationId: first.conversationId, agentId: lead.id });
  await mine;
  await away;
  expect(await t().pool.agent(lead.id)).toMatchObject({ status: 'away', capacity: 1, load: 1 });

  // Full (1 of 1): a second one for themself goes above their capacity.
  expect(await ok(lead.socket, 'conversation:takeover', { conversationId: second.conversationId })).toEqual({ conversationId: second.conversationId, agentId: lead.id });
  expect(await t().pool.agent(lead.id)).toMatchObject({ status: 'away', capacity: 1, load: 2 });
  expect(await t().pool.agentConversations(lead.id)).toEqual([first.conversationId, second.conversationId]);
  // A queued one too, straight from the queue.
  await ok(lead.socket, 'conversation:takeover', { conversationId: queued.conversationId });
  expect(await t().pool.queue()).not.toContain(queued.conversationId);
  expect((await t().pool.agent(lead.id))!.load).toBe(3);

  // For someone else the rule stays: online with a free slot (the lead, away and full, cannot be given one).
  const other = await floorLead(t(), 'Otto');
  await ok(lead.socket, 'conversation:takeover', { conversationId: first.conversationId, toAgentId: a.id });
  expect((await t().pool.agent(lead.id))!.load).toBe(2);
  expect(await call(other.socket, 'conversation:takeover', { conversationId: first.conversationId, toAgentId: lead.id })).toMatchObject({
    ok: false,
    error: { code: 'AGENT_UNAVAILABLE' },
  });
});

test("a lead sets an agent's status: offline sends their chats back to the queue", async () => {
  const a = await onlineAgent(t(), { name: 'Ana' });
  const chats = [await chattingVisitor(t()), await chattingVisitor(t())];
  const lead = await floorLead(t());
  const told = next(a.socket, 'agent:state', (s) => s.status === 'offline');
  const requeued = next(lead.socket, 'queue:changed', (q) => q.queue.length === 2);
  expect(await ok(lead.socket, 'agent:set-status', { agentId: a.id, status: 'offline' })).toMatchObject({ id: a.id, status: 'offline', load: 0 });
  await told;
  expect((await requeued).queue.sort()).toEqual(chats.map((c) => c.conversationId).sort());
  await until(async () => (await ok(lead.socket, 'floor:watch', {})).conversations.every((c) => c.status === 'queued'), WAIT_MS, 'queued on the floor');

  expect(await call(lead.socket, 'agent:set-status', { agentId: randomUUID(), status: 'away' })).toMatchObject({ ok: false, error: { code: 'AGENT_NOT_FOUND' } });
  const back = next(lead.socket, 'floor:conversation', (c) => c.status === 'open');
  await ok(lead.socket, 'agent:set-status', { agentId: a.id, status: 'online' });
  expect(await back).toMatchObject({ agent: { id: a.id } });
});

test('every lead-only event is refused to an agent, and nothing changes', async () => {
  const a = await onlineAgent(t(), { name: 'Ana', capacity: 3 });
  const b = await onlineAgent(t(), { name: 'Bo', capacity: 3 });
  const v = await chattingVisitor(t());
  const owner = await t().pool.assignmentOf(v.conversationId);
  const other = owner === a.id ? b : a;
  const answers = [
    await call(other.socket, 'floor:watch', {}),
    await call(other.socket, 'floor:unwatch', {}),
    await call(other.socket, 'agent:set-status', { agentId: owner!, status: 'offline' }),
    await call(other.socket, 'conversation:takeover', { conversationId: v.conversationId }),
    await call(other.socket, 'conversation:takeover', { conversationId: v.conversationId, toAgentId: other.id }),
    await call(other.socket, 'conversation:watch', { conversationId: v.conversationId }),
  ];
  for (const answer of answers) expect(answer).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  // An agent cannot barge into or whisper in a colleague's chat either.
  expect(await call(other.socket, 'message:send', { conversationId: v.conversationId, clientId: randomUUID(), text: 'x', note: true })).toMatchObject({
    ok: false,
    error: { code: 'NOT_ASSIGNED' },
  });
  expect(await t().pool.assignmentOf(v.conversationId)).toBe(owner);
  expect((await t().pool.agent(owner!))!.status).toBe('online');
  // And nothing floor-shaped reached them.
  const pushes = collect(other.socket, 'floor:conversation');
  await chattingVisitor(t(), 'another');
  await t().server.chat.idle();
  expect(pushes).toEqual([]);
});

describe('across processes on one Redis', () => {
  const redis = useRedisServer();

  test('a lead on one process sees the floor change on another', async () => {
    await t.restart({ redis });
    const second = await startTestServer({ redisUrl: redis().url, prefix: t().prefix, store: t.db });
    try {
      const lead = await floorLead(t());
      const a = await onlineAgent(second, { name: 'Ana' });
      const onFloor = next(lead.socket, 'floor:conversation', (c) => c.status === 'open' && c.agent?.id === a.id, 10_000);
      const v = await chattingVisitor(second, 'hello from process two');
      expect(await onFloor).toMatchObject({ id: v.conversationId, assignedAt: expect.any(Number), waitingSince: expect.any(Number) });
      const answered = next(lead.socket, 'floor:activity', (p) => p.activity.some((x) => x.conversationId === v.conversationId && x.author === 'agent'), 10_000);
      await ok(a.socket, 'message:send', { conversationId: v.conversationId, clientId: randomUUID(), text: 'hi' });
      await answered;
      // Stepping in crosses processes too: the lead's whisper reaches the agent on the other one.
      const whisper = next(a.socket, 'message', (m) => m.kind === 'note', 10_000);
      await ok(lead.socket, 'message:send', { conversationId: v.conversationId, clientId: randomUUID(), text: 'psst', note: true });
      expect((await whisper).authorId).toBe(lead.id);
    } finally {
      await second.close();
    }
  });
});
