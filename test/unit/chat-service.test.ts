/**
 * The chat domain's use cases against in-memory fakes of its ports and a manual clock: no
 * sockets, no database, no sleeping. The in-process presence pool is the real one (it does
 * no I/O). Faults are injected at named steps to show that an acknowledged message always
 * ends up routed and delivered, by a re-send or by the periodic repair.
 */
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { DEFAULT_LIMITS } from '../../server/config';
import { createChatService, type ChatService } from '../../server/domain/chat/service';
import type { ChatMetrics, RepairKind } from '../../server/domain/ports/metrics';
import { createMemoryPresencePool } from '../../server/store/presence/memory';
import { createMemoryRateLimiter } from '../../server/store/rate-limit';
import { faulty } from '../helpers/faults';
import { createMemoryChatStore, type MemoryChatStore } from './fakes/memory-chat-store';
import { createRecordingNotifier, manualClock } from './fakes/recording-notifier';

const GRACE_MS = 30_000;

function setup() {
  const clock = manualClock();
  const store = createMemoryChatStore();
  const pool = faulty(createMemoryPresencePool({ defaultCapacity: 3 }));
  const rec = createRecordingNotifier();
  const repairs: [RepairKind, number][] = [];
  let fanOutFailures = 0;
  const metrics: ChatMetrics = {
    messageStored() {},
    assigned() {},
    reconciled() {},
    repaired: (kind, n) => void repairs.push([kind, n]),
    fanOutFailed: () => void fanOutFailures++,
  };
  const chat = createChatService({
    store,
    pool,
    notifier: rec.notifier,
    clock,
    logger: pino({ level: 'silent' }),
    limits: { ...DEFAULT_LIMITS, agentGraceMs: GRACE_MS },
    metrics,
  });
  return { clock, store, pool, rec, chat, repairs, fanOutFailures: () => fanOutFailures };
}

async function onlineAgent(store: MemoryChatStore, chat: ChatService, name = 'Ana') {
  const r = await store.createUser({ email: `${randomUUID()}@example.test`, displayName: name, role: 'agent', capacity: 3, passwordHash: 'x' });
  if (r.status !== 'created') throw new Error('not created');
  await chat.agentConnected(r.user.id);
  await chat.setStatus(r.user.id, 'online');
  return r.user.id;
}

const send = (chat: ChatService, visitorId: string, text: string, clientId = randomUUID()) =>
  chat.visitorSend(visitorId, { clientId, text });

test('the first message is acknowledged once stored, then routed: the agent gets it with the assignment', async () => {
  const { store, chat, rec } = setup();
  const agentId = await onlineAgent(store, chat);
  const ack = await send(chat, 'v1', '你好，我的订单还没到');
  expect(ack).toMatchObject({ seq: 2, duplicate: false });
  await chat.idle();
  const [assigned] = rec.toAgent(agentId, 'conversation:assigned');
  expect(assigned.conversation.id).toBe(ack.conversationId);
  // Told, then recorded: the history holds what was there when the agent was told, and the
  // stored `assigned` event follows it live.
  expect(assigned.messages.map((m: { seq: number }) => m.seq)).toEqual([1, 2]);
  expect(assigned.messages[1].text).toBe('你好，我的订单还没到');
  expect(rec.toAgent(agentId, 'message').map((m: { seq: number; event?: { type: string } }) => [m.seq, m.event?.type])).toEqual([[3, 'assigned']]);
});

test('routing fails after the ack: the ack still says stored, and the repair routes it on its second pass', async () => {
  const { store, pool, chat, rec, repairs } = setup();
  const agentId = await onlineAgent(store, chat);
  pool.failNext('route');
  const ack = await send(chat, 'v1', 'hello');
  expect(ack.duplicate).toBe(false);
  await chat.idle();
  expect(await pool.assignmentOf(ack.conversationId)).toBeNull();
  expect(await pool.queue()).toEqual([]);

  // First pass: a suspect only (a step in flight looks the same); second pass: repaired.
  expect(await chat.repair()).toBe(0);
  expect(await chat.repair()).toBe(1);
  await chat.idle();
  expect(repairs).toEqual([['unrouted', 1]]);
  expect(await pool.assignmentOf(ack.conversationId)).toBe(agentId);
  const [assigned] = rec.toAgent(agentId, 'conversation:assigned');
  expect(assigned.messages.some((m: { text: string }) => m.text === 'hello')).toBe(true);
  expect((await store.getConversation(ack.conversationId))!.agentId).toBe(agentId);
});

test('a re-send after a failed routing routes at once, answers the original ack and takes no seq', async () => {
  const { store, pool, chat, rec, fanOutFailures } = setup();
  const agentId = await onlineAgent(store, chat);
  pool.failNext('route');
  const clientId = randomUUID();
  const first = await send(chat, 'v1', 'hello', clientId);
  await chat.idle();
  expect(fanOutFailures()).toBe(1);
  const lastSeq = (await store.getConversation(first.conversationId))!.lastSeq;

  const again = await send(chat, 'v1', 'hello', clientId);
  expect(again).toEqual({ ...first, duplicate: true });
  await chat.idle();
  expect(await pool.assignmentOf(first.conversationId)).toBe(agentId);
  expect(rec.toAgent(agentId, 'conversation:assigned')).toHaveLength(1);
  // Only the assignment event was added: the duplicate took no seq.
  expect((await store.getConversation(first.conversationId))!.lastSeq).toBe(lastSeq + 1);
  expect(store.messages(first.conversationId).map((m) => m.seq)).toEqual([1, 2, 3]);
});

test('the assignment is made in the pool but its recording fails: the repair records and delivers it', async () => {
  const { store, pool, chat, rec, repairs } = setup();
  const agentId = await onlineAgent(store, chat);
  store.failNext('assignWithEvent');
  const ack = await send(chat, 'v1', 'hello');
  await chat.idle();
  expect(await pool.assignmentOf(ack.conversationId)).toBe(agentId);
  expect((await store.getConversation(ack.conversationId))!.status).toBe('queued');
  // Told before the record (routing.ts deliverAssignment): the repair tells again, harmlessly.
  expect(rec.toAgent(agentId, 'conversation:assigned')).toHaveLength(1);

  await chat.repair();
  await chat.repair();
  await chat.idle();
  expect(repairs).toEqual([['assignment_unrecorded', 1]]);
  expect(await store.getConversation(ack.conversationId)).toMatchObject({ status: 'open', agentId });
  expect(rec.toAgent(agentId, 'conversation:assigned')).toHaveLength(2);
  // Repaired once: a third pass finds nothing.
  expect(await chat.repair()).toBe(0);
});

test('delivery of a later message fails: a re-send delivers it to the agent', async () => {
  const { store, pool, chat, rec } = setup();
  const agentId = await onlineAgent(store, chat);
  const first = await send(chat, 'v1', 'hello');
  await chat.idle();
  pool.failNext('assignmentOf');
  const clientId = randomUUID();
  const second = await send(chat, 'v1', 'are you there?', clientId);
  await chat.idle();
  const live = () => rec.toAgent(agentId, 'message').filter((m) => m.seq === second.seq);
  expect(live()).toHaveLength(0);
  const again = await send(chat, 'v1', 'are you there?', clientId);
  expect(again).toEqual({ ...second, duplicate: true });
  await chat.idle();
  expect(live()).toHaveLength(1);
  expect(first.conversationId).toBe(second.conversationId);
});

test('a close whose release fails leaves the pool holding a closed chat: the repair frees the agent', async () => {
  const { store, pool, chat, repairs } = setup();
  const agentId = await onlineAgent(store, chat);
  const ack = await send(chat, 'v1', 'hello');
  await chat.idle();
  pool.failNext('release');
  await expect(chat.close(ack.conversationId, { by: 'agent', byId: agentId })).rejects.toThrow('injected failure');
  expect((await pool.agent(agentId))!.load).toBe(1);
  await chat.repair();
  await chat.repair();
  await chat.idle();
  expect(repairs).toEqual([['closed_in_pool', 1]]);
  expect((await pool.agent(agentId))!.load).toBe(0);
});

test('a disconnected agent keeps their chats for the grace period, then they go back to the queue', async () => {
  const { store, pool, chat, clock, rec } = setup();
  const agentId = await onlineAgent(store, chat);
  const ack = await send(chat, 'v1', 'hello');
  await chat.idle();
  await chat.agentDisconnected(agentId);

  clock.advance(GRACE_MS - 1);
  await chat.sweepGrace();
  expect(await pool.assignmentOf(ack.conversationId)).toBe(agentId);

  clock.advance(1);
  await chat.sweepGrace();
  await chat.idle();
  expect(await pool.assignmentOf(ack.conversationId)).toBeNull();
  expect(await pool.queue()).toEqual([ack.conversationId]);
  expect((await pool.agent(agentId))!.status).toBe('offline');
  expect(rec.toAgent(agentId, 'conversation:removed')).toEqual([{ conversationId: ack.conversationId, reason: 'requeued' }]);
  const events = store.messages(ack.conversationId).map((m) => m.event?.type);
  expect(events).toEqual(['opened', undefined, 'assigned', 'agent_disconnected', 'requeued']);
});

test('a reconnect within the grace period keeps the chats', async () => {
  const { store, pool, chat, clock } = setup();
  const agentId = await onlineAgent(store, chat);
  const ack = await send(chat, 'v1', 'hello');
  await chat.idle();
  await chat.agentDisconnected(agentId);
  clock.advance(GRACE_MS / 2);
  await chat.agentConnected(agentId);
  clock.advance(GRACE_MS);
  await chat.sweepGrace();
  expect(await pool.assignmentOf(ack.conversationId)).toBe(agentId);
});

test('rate windows: the limit holds within a window and resets when the clock passes it', async () => {
  const clock = manualClock();
  const limiter = createMemoryRateLimiter({ now: clock.now });
  const hits = async (n: number) => {
    const r: boolean[] = [];
    for (let i = 0; i < n; i++) r.push(await limiter.hit('msg:v:1', 3, 1000));
    return r;
  };
  expect(await hits(4)).toEqual([true, true, true, false]);
  clock.advance(999);
  expect(await hits(1)).toEqual([false]);
  clock.advance(1);
  expect(await hits(4)).toEqual([true, true, true, false]);
});

test('a closed conversation takes no more messages and the visitor opens a new one', async () => {
  const { store, chat } = setup();
  const agentId = await onlineAgent(store, chat);
  const first = await send(chat, 'v1', 'hello');
  await chat.idle();
  await chat.close(first.conversationId, { by: 'agent', byId: agentId });
  const next = await send(chat, 'v1', 'one more question');
  expect(next.conversationId).not.toBe(first.conversationId);
  expect(next.seq).toBe(2);
  await expect(chat.agentSend({ kind: 'agent', id: agentId }, { conversationId: first.conversationId, clientId: randomUUID(), text: 'late' }))
    .rejects.toMatchObject({ code: 'CONVERSATION_NOT_FOUND' });
});
