/**
 * Messages end to end through a real server: durable before ack, delivery
 * both ways, notes, typing, resume by seq, duplicate client ids, bad input and
 * access control for every role.
 */
import { randomUUID } from 'node:crypto';
import { io as connect } from 'socket.io-client';
import { createTokenService } from '../../server/domain/auth';
import {
  TEST_SECRET,
  call,
  callRaw,
  chattingVisitor,
  collect,
  next,
  ok,
  onlineAgent,
  startTestServer,
  until,
  WAIT_MS,
} from '../helpers/chat';
import { useRedisServer, useTestServer } from '../helpers/suite';

// One PGlite for the file; a fresh server and pool per test.
const t = useTestServer({ limits: { maxMessageLength: 200, visitorMessagesPerSecond: 50 } });

const textsOf = (messages: { kind: string; text: string }[]) => messages.filter((m) => m.kind !== 'event').map((m) => m.text);

test('messages flow both ways, are stored before the ack, and notes never reach the visitor', async () => {
  const agent = await onlineAgent(t(), { name: 'Mei' });
  const v = await chattingVisitor(t(), '你好，我想退货');
  const toAgent = next(agent.socket, 'message', (m) => m.text === 'order 123');
  const ack = await ok(v.socket, 'message:send', { clientId: randomUUID(), text: 'order 123' });
  const stored = await t().store.messagesAfter(v.conversationId, ack.seq - 1);
  expect(stored[0]).toMatchObject({ seq: ack.seq, text: 'order 123', author: 'visitor' });
  expect((await toAgent).seq).toBe(ack.seq);

  const visitorMessages = collect(v.socket, 'message');
  const reply = next(v.socket, 'message', (m) => m.text === '好的，请稍等');
  await ok(agent.socket, 'message:send', { conversationId: v.conversationId, clientId: randomUUID(), text: 'internal: check stock', note: true });
  await ok(agent.socket, 'message:send', { conversationId: v.conversationId, clientId: randomUUID(), text: '好的，请稍等' });
  const got = await reply;
  expect(got).toMatchObject({ author: 'agent', authorName: 'Mei', kind: 'text' });
  expect(visitorMessages.map((m) => m.text)).toEqual(['好的，请稍等']);

  // The visitor's transcript has no notes; the agent's has everything, in seq order.
  const session = await ok(v.socket, 'session:sync', {});
  expect(textsOf(session.messages)).toEqual(['你好，我想退货', 'order 123', '好的，请稍等']);
  const { messages } = await ok(agent.socket, 'conversation:history', { conversationId: v.conversationId });
  expect(textsOf(messages)).toEqual(['你好，我想退货', 'order 123', 'internal: check stock', '好的，请稍等']);
  const seqs = messages.map((m) => m.seq);
  expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  const record = await t().store.getConversation(v.conversationId);
  expect(record!.firstResponseAt).toBe(got.at);
});

test("a visitor's message is acked to the sending tab and copied to their other tabs only", async () => {
  const agent = await onlineAgent(t());
  const first = await t().visitor();
  const { token } = await ok(first, 'session:sync', {});
  const second = await t().visitor(token);
  await ok(second, 'session:sync', {});
  const atFirst = collect(first, 'message');
  const atSecond = collect(second, 'message');
  // The first message opens the conversation: both tabs see its events, only the other tab the text.
  const opening = await ok(first, 'message:send', { clientId: randomUUID(), text: 'from tab one' });
  const later = await ok(first, 'message:send', { clientId: randomUUID(), text: 'tab one again' });
  await until(() => atSecond.filter((m) => m.kind === 'text').length === 2, WAIT_MS, 'copies in the other tab');
  expect(atSecond.filter((m) => m.kind === 'text').map((m) => [m.seq, m.text])).toEqual([
    [opening.seq, 'from tab one'],
    [later.seq, 'tab one again'],
  ]);
  // Nothing more reaches the sending tab: the agent's reply, sent after, arrives after any stray copy would have.
  await ok(agent.socket, 'message:send', { conversationId: opening.conversationId, clientId: randomUUID(), text: 'barrier' });
  await until(() => atFirst.some((m) => m.text === 'barrier'), WAIT_MS, 'the reply after the copies');
  expect(atFirst.filter((m) => m.kind === 'text').map((m) => m.text)).toEqual(['barrier']);
  expect(atFirst.filter((m) => m.kind === 'event').map((m) => m.event?.type)).toEqual(['opened', 'assigned']);
});

test('a message sent just before a close from the same socket is stored before the close, never refused', async () => {
  const agent = await onlineAgent(t());
  for (let round = 0; round < 5; round++) {
    // The agent replies and closes at once, without waiting for the reply's ack.
    const a = await chattingVisitor(t());
    const [reply, closed] = await Promise.all([
      call(agent.socket, 'message:send', { conversationId: a.conversationId, clientId: randomUUID(), text: `last words ${round}` }),
      call(agent.socket, 'conversation:close', { conversationId: a.conversationId }),
    ]);
    expect(reply).toMatchObject({ ok: true });
    expect(closed).toMatchObject({ ok: true });
    const agentSide = await t().store.messagesAfter(a.conversationId, 0);
    expect(agentSide.at(-2)).toMatchObject({ text: `last words ${round}`, seq: reply.ok && reply.data.seq });
    expect(agentSide.at(-1)).toMatchObject({ kind: 'event', event: { type: 'closed', by: 'agent' } });

    // The visitor says goodbye and closes at once: the goodbye lands in the same conversation.
    const v = await chattingVisitor(t());
    const [bye, left] = await Promise.all([
      call(v.socket, 'message:send', { clientId: randomUUID(), text: `bye ${round}` }),
      call(v.socket, 'conversation:close', {}),
    ]);
    expect(bye).toMatchObject({ ok: true, data: { conversationId: v.conversationId } });
    expect(left).toMatchObject({ ok: true, data: { conversationId: v.conversationId } });
    const visitorSide = await t().store.messagesAfter(v.conversationId, 0);
    expect(visitorSide.at(-2)).toMatchObject({ text: `bye ${round}` });
    expect(visitorSide.at(-1)).toMatchObject({ kind: 'event', event: { type: 'closed', by: 'visitor' } });
  }
});

test('text is stored and delivered as plain text', async () => {
  const agent = await onlineAgent(t());
  const v = await chattingVisitor(t());
  const html = '<img src=x onerror=alert(1)> & <b>bold</b>';
  const seen = next(agent.socket, 'message', (m) => m.text === html);
  await ok(v.socket, 'message:send', { clientId: randomUUID(), text: html });
  expect((await seen).text).toBe(html);
});

test('typing indicators reach the other side and are not stored', async () => {
  const agent = await onlineAgent(t());
  const v = await chattingVisitor(t());
  const before = (await t().store.messagesAfter(v.conversationId, 0)).length;
  const agentSees = next(agent.socket, 'typing');
  v.socket.emit('typing', { typing: true });
  expect(await agentSees).toEqual({ conversationId: v.conversationId, typing: true });
  const visitorSees = next(v.socket, 'typing');
  agent.socket.emit('typing', { conversationId: v.conversationId, typing: true });
  expect(await visitorSees).toEqual({ conversationId: v.conversationId, typing: true });
  expect((await t().store.messagesAfter(v.conversationId, 0)).length).toBe(before);
});

test('a visitor resumes with their token after a reconnect and receives what they missed, in order', async () => {
  const agent = await onlineAgent(t());
  const v = await chattingVisitor(t(), 'first');
  const session = await ok(v.socket, 'session:sync', {});
  const lastSeen = session.messages.at(-1)!.seq;
  v.socket.disconnect();
  for (const text of ['missed 1', 'missed 2', 'missed 3']) {
    await ok(agent.socket, 'message:send', { conversationId: v.conversationId, clientId: randomUUID(), text });
  }
  const again = await t().visitor(v.token);
  const resumed = await ok(again, 'session:sync', { afterSeq: lastSeen });
  expect(resumed.visitorId).toBe(v.visitorId);
  expect(resumed.conversation).toMatchObject({ id: v.conversationId, status: 'open' });
  expect(resumed.messages.map((m) => m.text)).toEqual(['missed 1', 'missed 2', 'missed 3']);
  // The new socket is in the conversation again.
  const live = next(again, 'message', (m) => m.text === 'live');
  await ok(agent.socket, 'message:send', { conversationId: v.conversationId, clientId: randomUUID(), text: 'live' });
  await live;
});

test('an agent resumes with per-conversation seqs and receives only what they missed', async () => {
  const agent = await onlineAgent(t());
  const v = await chattingVisitor(t(), 'hello');
  const s1 = await ok(agent.socket, 'session:sync', {});
  const lastSeq = s1.conversations[0].messages.at(-1)!.seq;
  agent.socket.disconnect();
  await ok(v.socket, 'message:send', { clientId: randomUUID(), text: 'are you there?' });
  const back = await t().agent(agent.token);
  const s2 = await ok(back, 'session:sync', { since: { [v.conversationId]: lastSeq } });
  expect(s2.conversations).toHaveLength(1);
  expect(textsOf(s2.conversations[0].messages)).toEqual(['are you there?']);
});

test('re-sending the same client id returns the original ack and stores nothing new', async () => {
  const agent = await onlineAgent(t());
  const v = await chattingVisitor(t());
  const clientId = randomUUID();
  const first = await ok(v.socket, 'message:send', { clientId, text: 'once' });
  const count = (await t().store.messagesAfter(v.conversationId, 0)).length;
  const again = await ok(v.socket, 'message:send', { clientId, text: 'once' });
  expect(again).toEqual({ ...first, duplicate: true });
  // Concurrent re-sends too (a reconnect racing a lost ack).
  const agentClientId = randomUUID();
  const acks = await Promise.all(
    Array.from({ length: 5 }, () => ok(agent.socket, 'message:send', { conversationId: v.conversationId, clientId: agentClientId, text: 'reply' })),
  );
  expect(new Set(acks.map((a) => a.seq)).size).toBe(1);
  expect(acks.filter((a) => !a.duplicate)).toHaveLength(1);
  expect((await t().store.messagesAfter(v.conversationId, 0)).length).toBe(count + 1);
});

test('a first message re-sent concurrently (retry racing the original) is stored once and still routed', async () => {
  const agent = await onlineAgent(t());
  const v = await t().visitor();
  await ok(v, 'session:sync', {});
  const clientId = randomUUID();
  const assigned = next(agent.socket, 'conversation:assigned');
  const acks = await Promise.all([1, 2, 3].map(() => ok(v, 'message:send', { clientId, text: 'hello twice' })));
  expect(new Set(acks.map((a) => a.seq)).size).toBe(1);
  const { conversation } = await assigned;
  expect(conversation.id).toBe(acks[0].conversationId);
  expect(await t().pool.assignmentOf(conversation.id)).toBe(agent.id);
});

test('visitors see system events without agent ids or transfer notes', async () => {
  const a = await onlineAgent(t(), { name: 'A' });
  const v = await chattingVisitor(t());
  const b = await onlineAgent(t(), { name: 'B' });
  const seen = collect(v.socket, 'message');
  await ok(a.socket, 'conversation:transfer', { conversationId: v.conversationId, toAgentId: b.id, note: 'internal: VIP, be careful' });
  const fromB = next(v.socket, 'message', (m) => m.text === 'Hi, B here');
  await ok(b.socket, 'message:send', { conversationId: v.conversationId, clientId: randomUUID(), text: 'Hi, B here' });
  await fromB;
  const session = await ok(v.socket, 'session:sync', {});
  for (const m of [...seen, ...session.messages]) {
    expect(JSON.stringify(m)).not.toContain('internal: VIP');
    expect(JSON.stringify(m)).not.toContain(a.id);
    expect(JSON.stringify(m)).not.toContain(b.id);
  }
  expect(seen.find((m) => m.event?.type === 'transferred')?.event).toEqual({ type: 'transferred' });
  expect(seen.find((m) => m.text === 'Hi, B here')).toMatchObject({ authorId: null, authorName: 'B' });
  expect(session.messages.find((m) => m.event?.type === 'assigned')?.event).toEqual({ type: 'assigned', agentName: 'A' });
});

describe('bad input gets an error code, changes nothing, and the connection stays usable', () => {
  test.each([
    ['a missing field', { clientId: randomUUID() }, 'VALIDATION_FAILED'],
    ['a wrong type', { clientId: randomUUID(), text: 42 }, 'VALIDATION_FAILED'],
    ['an unknown field', { clientId: randomUUID(), text: 'hi', admin: true }, 'VALIDATION_FAILED'],
    ['not an object', 'hello', 'VALIDATION_FAILED'],
    ['an empty text', { clientId: randomUUID(), text: '   ' }, 'VALIDATION_FAILED'],
    ['an oversize text', { clientId: randomUUID(), text: 'x'.repeat(201) }, 'MESSAGE_TOO_LONG'],
    ['an oversize client id', { clientId: 'x'.repeat(65), text: 'hi' }, 'VALIDATION_FAILED'],
  ])('visitor message:send with %s', async (_what, payload, code) => {
    const v = await chattingVisitor(t());
    const before = await t().store.messagesAfter(v.conversationId, 0);
    expect(await callRaw(v.socket, 'message:send', payload)).toMatchObject({ ok: false, error: { code } });
    expect(await t().store.messagesAfter(v.conversationId, 0)).toEqual(before);
    // Still usable.
    await ok(v.socket, 'message:send', { clientId: randomUUID(), text: 'still here' });
  });

  test('a first message that is invalid opens no conversation', async () => {
    const v = await t().visitor();
    const session = await ok(v, 'session:sync', {});
    expect(await call(v, 'message:send', { clientId: randomUUID(), text: 'x'.repeat(201) })).toMatchObject({ ok: false, error: { code: 'MESSAGE_TOO_LONG' } });
    expect(await t().store.findActiveConversation(session.visitorId)).toBeNull();
  });

  test('agent events with unknown or foreign conversation ids', async () => {
    const a = await onlineAgent(t(), { capacity: 1 });
    const b = await onlineAgent(t(), { capacity: 1 });
    const v = await chattingVisitor(t());
    const owner = (await t().pool.assignmentOf(v.conversationId)) === a.id ? a : b;
    const other = owner === a ? b : a;
    const before = await t().store.messagesAfter(v.conversationId, 0);
    const send = (s: typeof a.socket, conversationId: string) =>
      call(s, 'message:send', { conversationId, clientId: randomUUID(), text: 'hi' });
    expect(await send(other.socket, randomUUID())).toMatchObject({ ok: false, error: { code: 'CONVERSATION_NOT_FOUND' } });
    expect(await send(other.socket, v.conversationId)).toMatchObject({ ok: false, error: { code: 'NOT_ASSIGNED' } });
    expect(await call(other.socket, 'conversation:history', { conversationId: v.conversationId })).toMatchObject({ ok: false, error: { code: 'NOT_ASSIGNED' } });
    expect(await call(other.socket, 'conversation:close', { conversationId: v.conversationId })).toMatchObject({ ok: false, error: { code: 'NOT_ASSIGNED' } });
    expect(await callRaw(other.socket, 'agent:status', { status: 'busy' })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(await t().store.messagesAfter(v.conversationId, 0)).toEqual(before);
    expect((await t().store.getConversation(v.conversationId))!.status).toBe('open');
    await ok(owner.socket, 'message:send', { conversationId: v.conversationId, clientId: randomUUID(), text: 'fine' });
  });

  test('too many messages per second are refused with RATE_LIMITED and not stored', async () => {
    // A manual clock (the in-process limiter reads it): the burst shares one window for sure.
    await t.restart({ limits: { visitorMessagesPerSecond: 3 }, clock: 'manual' });
    const v = await chattingVisitor(t()); // 1 of 3 in this second
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => call(v.socket, 'message:send', { clientId: randomUUID(), text: `burst ${i}` })),
    );
    const refused = results.filter((r) => !r.ok);
    expect(refused.length).toBeGreaterThanOrEqual(3);
    expect(refused.every((r) => !r.ok && r.error.code === 'RATE_LIMITED')).toBe(true);
    const stored = textsOf(await t().store.messagesAfter(v.conversationId, 0)).filter((x) => x.startsWith('burst'));
    expect(stored.length).toBe(results.filter((r) => r.ok).length);
    t.clock.advance(1000);
    await ok(v.socket, 'message:send', { clientId: randomUUID(), text: 'after the window' });
  });

  test('a payload over maxHttpBufferSize closes only that connection', async () => {
    const v = await chattingVisitor(t());
    const closed = new Promise((r) => v.socket.once('disconnect', r));
    v.socket.emit('message:send', { clientId: randomUUID(), text: 'x'.repeat(2_000_000) }, () => {});
    await closed;
    const fresh = await chattingVisitor(t());
    expect(fresh.conversationId).toBeTruthy();
  });
});

describe('access control', () => {
  const refused = (url: string, auth: object) =>
    new Promise<any>((resolve, reject) => {
      const s = connect(url, { auth, transports: ['websocket'], forceNew: true, reconnection: false });
      s.on('connect', () => {
        s.disconnect();
        reject(new Error('connected'));
      });
      s.on('connect_error', (err: any) => resolve({ message: err.message, data: err.data }));
    });

  test('the agent namespace refuses missing, forged, expired and visitor tokens with a clear code', async () => {
    const url = `${t().url}/agent`;
    expect(await refused(url, {})).toMatchObject({ message: 'UNAUTHENTICATED', data: { code: 'UNAUTHENTICATED' } });
    expect(await refused(url, { token: 'v1.abc.def' })).toMatchObject({ message: 'TOKEN_INVALID' });
    const user = await t().createUser();
    const past = createTokenService(TEST_SECRET, { now: () => Date.now() - 48 * 3600_000 });
    expect(await refused(url, { token: past.sign(user.id, 'agent', 3600) })).toMatchObject({ message: 'TOKEN_EXPIRED' });
    const other = createTokenService('another-secret-that-is-long-enough-000000', { now: () => Date.now() });
    expect(await refused(url, { token: other.sign(user.id, 'lead', 3600) })).toMatchObject({ message: 'TOKEN_INVALID' });
    const v = await t().visitor();
    const { token } = await ok(v, 'session:sync', {});
    expect(await refused(url, { token })).toMatchObject({ message: 'TOKEN_INVALID' });
  });

  test('the visitor namespace refuses a forged token and an agent token', async () => {
    const url = `${t().url}/visitor`;
    expect(await refused(url, { token: 'garbage' })).toMatchObject({ message: 'TOKEN_INVALID' });
    const user = await t().createUser();
    expect(await refused(url, { token: user.token })).toMatchObject({ message: 'TOKEN_INVALID' });
  });

  test('a visitor reaches only their own conversation', async () => {
    const agent = await onlineAgent(t());
    const alice = await chattingVisitor(t(), 'alice secret');
    const bob = await chattingVisitor(t(), 'bob here');
    const bobSees = collect(bob.socket, 'message');
    await ok(alice.socket, 'message:send', { clientId: randomUUID(), text: 'alice again' });
    const session = await ok(bob.socket, 'session:sync', {});
    expect(session.conversation?.id).toBe(bob.conversationId);
    expect(textsOf(session.messages)).toEqual(['bob here']);
    // Nothing of Alice's reaches Bob: a reply to Bob, sent after, arrives after any stray copy would have.
    await ok(agent.socket, 'message:send', { conversationId: bob.conversationId, clientId: randomUUID(), text: 'barrier' });
    await until(() => bobSees.some((m) => m.text === 'barrier'), WAIT_MS, 'the reply to Bob');
    expect(bobSees.map((m) => m.text)).not.toContain('alice again');
    // Bob's history read of Alice's conversation looks like a missing conversation.
    expect(await call(bob.socket, 'conversation:history', { conversationId: alice.conversationId })).toMatchObject({ ok: false, error: { code: 'CONVERSATION_NOT_FOUND' } });
    // A visitor cannot use agent events: the visitor namespace does not have them.
    expect(await callRaw(bob.socket, 'visitor:info', { conversationId: alice.conversationId }, 500).catch((e) => e.message)).toMatch(/timed out|operation has timed out/);
  });

  test('lead-only events are refused to agents', async () => {
    const a = await onlineAgent(t());
    const v = await chattingVisitor(t());
    const answers = [
      await call(a.socket, 'lead:snapshot', {}),
      await call(a.socket, 'conversation:watch', { conversationId: v.conversationId }),
      await call(a.socket, 'agent:capacity', { agentId: a.id, capacity: 50 }),
    ];
    for (const answer of answers) expect(answer).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect((await t().pool.agent(a.id))!.capacity).toBe(5);
  });
});

describe('rate limits in Redis', () => {
  const redis = useRedisServer();

  test('are shared by every process of one visitor', async () => {
    await t.restart({ redis, limits: { visitorMessagesPerSecond: 4 } });
    // A second process on the same Redis prefix and store.
    const second = await startTestServer({ redisUrl: redis().url, prefix: t().prefix, store: t.db, limits: { visitorMessagesPerSecond: 4 } });
    try {
      const v = await chattingVisitor(t());
      const other = await second.visitor(v.token);
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) => call(i % 2 ? other : v.socket, 'message:send', { clientId: randomUUID(), text: `m${i}` })),
      );
      expect(results.filter((r) => r.ok).length).toBeLessThanOrEqual(4);
    } finally {
      await second.close();
    }
  });
});
