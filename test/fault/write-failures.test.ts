/**
 * A write that fails in the store (PostgreSQL down for a moment, a statement refused): the
 * sender gets an error in the ack, nothing is stored, and the re-send with the same clientId,
 * once the store is back, is stored exactly once and delivered. The failure is injected into
 * the real store at the port (helpers/faults.ts); the multi-process suite (faults.test.ts)
 * fails real PostgreSQL writes with a trigger.
 */
import { randomUUID } from 'node:crypto';
import type { SqlChatStore } from '../../server/store/sql/types';
import { next, ok, onlineAgent, startTestServer, type TestServer } from '../helpers/chat';
import { faulty, type Faulty } from '../helpers/faults';
import { useTestStore } from '../helpers/suite';

const db = useTestStore();
let t: TestServer;
let store: Faulty<SqlChatStore>;

beforeEach(async () => {
  store = faulty(db().store);
  t = await startTestServer({ store: { sql: db().sql, store } });
});
afterEach(() => t.close());

async function storedCount(authorId: string, clientId: string) {
  const { rows } = await db().sql.query<{ n: number }>('select count(*)::int as n from messages where author_id = $1 and client_id = $2', [authorId, clientId]);
  return rows[0].n;
}

test('a first message whose write fails is refused; the re-send opens the conversation once and reaches the agent', async () => {
  const agent = await onlineAgent(t);
  const visitor = await t.visitor();
  const { visitorId } = await ok(visitor, 'session:sync', {});
  const clientId = randomUUID();

  store.failNext('openConversationWith');
  const refused = await visitor.timeout(5000).emitWithAck('message:send', { clientId, text: 'Hello?' });
  expect(refused).toEqual({ ok: false, error: expect.objectContaining({ code: 'INTERNAL' }) });
  expect(await db().store.findActiveConversation(visitorId)).toBeNull();
  expect(await storedCount(visitorId, clientId)).toBe(0);

  const assigned = next(agent.socket, 'conversation:assigned');
  const ack = await ok(visitor, 'message:send', { clientId, text: 'Hello?' });
  expect(ack).toMatchObject({ seq: 2, duplicate: false });
  expect((await assigned).messages.find((m) => m.seq === 2)?.text).toBe('Hello?');
  expect(await ok(visitor, 'message:send', { clientId, text: 'Hello?' })).toEqual({ ...ack, duplicate: true });
  expect(await storedCount(visitorId, clientId)).toBe(1);
});

test('a later message whose write fails is refused with nothing stored; the re-send is stored once and delivered live', async () => {
  const agent = await onlineAgent(t);
  const visitor = await t.visitor();
  const { visitorId } = await ok(visitor, 'session:sync', {});
  const assigned = next(agent.socket, 'conversation:assigned');
  const first = await ok(visitor, 'message:send', { clientId: randomUUID(), text: 'Hi' });
  await assigned;
  await t.server.chat.idle();
  const before = (await db().store.getConversation(first.conversationId))!.lastSeq;

  const clientId = randomUUID();
  store.failNext('appendMessage');
  const refused = await visitor.timeout(5000).emitWithAck('message:send', { clientId, text: 'My order is late' });
  expect(refused).toEqual({ ok: false, error: expect.objectContaining({ code: 'INTERNAL' }) });
  expect((await db().store.getConversation(first.conversationId))!.lastSeq).toBe(before);

  const live = next(agent.socket, 'message', (m) => m.clientId === clientId);
  const ack = await ok(visitor, 'message:send', { clientId, text: 'My order is late' });
  expect(ack).toMatchObject({ conversationId: first.conversationId, seq: before + 1, duplicate: false });
  expect((await live).seq).toBe(ack.seq);
  expect(await storedCount(visitorId, clientId)).toBe(1);
});

test("an agent's reply whose write fails is refused; the re-send reaches the shopper once", async () => {
  const agent = await onlineAgent(t);
  const visitor = await t.visitor();
  await ok(visitor, 'session:sync', {});
  const assigned = next(agent.socket, 'conversation:assigned');
  const first = await ok(visitor, 'message:send', { clientId: randomUUID(), text: 'Hi' });
  await assigned;
  await t.server.chat.idle();

  const clientId = randomUUID();
  const reply = { conversationId: first.conversationId, clientId, text: 'How can I help?' };
  store.failNext('appendMessage');
  const refused = await agent.socket.timeout(5000).emitWithAck('message:send', reply);
  expect(refused).toEqual({ ok: false, error: expect.objectContaining({ code: 'INTERNAL' }) });
  expect(await storedCount(agent.id, clientId)).toBe(0);

  const live = next(visitor, 'message', (m) => m.text === 'How can I help?');
  const ack = await ok(agent.socket, 'message:send', reply);
  expect((await live).seq).toBe(ack.seq);
  expect(await ok(agent.socket, 'message:send', reply)).toEqual({ ...ack, duplicate: true });
  expect(await storedCount(agent.id, clientId)).toBe(1);
});
