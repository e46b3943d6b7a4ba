/**
 * Customer-service routines through a real server and socket.io-client, with a manual clock
 * (the sweep is called after the clock moves; nothing sleeps): the greeting sent once and
 * recorded as automatic even when the assignment is repaired or the chat transferred; the
 * closing text before an agent's close; the idle prompt, then the idle close that frees the
 * agent, and a reply that resets the timer; the slow-first-answer flag on the leads' floor;
 * the reserved client-id prefix and the lead-only settings.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { Message, VisitorMessage } from '../../shared/protocol';
import { DEFAULT_SETTINGS } from '../../server/domain/settings';
import { ROUTINE_SUGGESTIONS } from '../../shared/settings';
import { call, collect, next, ok, onlineAgent, until, type TestServer } from '../helpers/chat';
import { useTestServer } from '../helpers/suite';

jest.setTimeout(90_000);
const t = useTestServer({ clock: 'manual' });
const MIN = 60_000;
const R = { ...DEFAULT_SETTINGS.routines, ...ROUTINE_SUGGESTIONS };

/** A visitor with a name and a browser language who writes first; resolves once assigned. */
async function shopper(server: TestServer, opts: { name?: string; language?: string } = {}) {
  const socket = await server.visitor();
  await ok(socket, 'session:sync', {});
  if (opts.language) await ok(socket, 'visitor:context', { language: opts.language, url: 'https://shop.example/p/1' });
  if (opts.name) await ok(socket, 'visitor:profile', { name: opts.name });
  const messages = collect(socket, 'message');
  const assigned = next(socket, 'message', (m) => m.event?.type === 'assigned');
  const ack = await ok(socket, 'message:send', { clientId: randomUUID(), text: 'Hello, is this in stock?' });
  await assigned;
  await server.server.chat.idle(); // the greeting follows the assignment
  return { socket, messages, conversationId: ack.conversationId };
}

/** The conversation's stored rows with the `auto` column (migration 14). */
async function rows(server: TestServer, conversationId: string) {
  const r = await server.sql.query<{ seq: number; client_id: string | null; author_kind: string; body: string; auto: boolean; event: { type: string; reason?: string } | null }>(
    'SELECT seq, client_id, author_kind, body, auto, event FROM messages WHERE conversation_id = $1 ORDER BY seq',
    [conversationId],
  );
  return r.rows;
}

beforeEach(async () => {
  // One database for the file: each test starts from the suggested texts turned on.
  await t().sql.query('DELETE FROM settings');
  // Earlier tests' chats (their server is gone) would count in this test's sweeps.
  await t().sql.query(`UPDATE conversations SET status = 'closed', closed_at = now() WHERE status <> 'closed'`);
  const lead = await t().createUser({ role: 'lead' });
  await request(t().server.app)
    .put('/api/v1/settings')
    .set({ authorization: `Bearer ${lead.token}` })
    .send({ routines: { ...DEFAULT_SETTINGS.routines, ...ROUTINE_SUGGESTIONS } })
    .expect(200);
});

const auto = (kind: string) => (m: VisitorMessage | Message) => m.auto === true && m.clientId?.startsWith(`auto:${kind}:`) === true;

test('greeting: in the visitor\'s language and the agent\'s name, marked automatic, sent once despite a repair and a transfer', async () => {
  const ana = await onlineAgent(t(), { name: 'Ana' });
  const agentSees = next(ana.socket, 'message', auto('greeting'));
  const v = await shopper(t(), { name: '小王', language: 'zh-CN' });
  const greeting = await agentSees;
  expect(greeting).toMatchObject({ author: 'agent', authorId: ana.id, authorName: 'Ana', kind: 'text', auto: true, text: '小王您好，我是客服Ana，请问有什么可以帮您？' });
  await until(() => v.messages.some(auto('greeting')), undefined, 'the visitor got the greeting');
  expect(v.messages.find(auto('greeting'))).toMatchObject({ authorId: null, authorName: 'Ana', auto: true, text: greeting.text });

  // A crash after the pool assigned it but before the store recorded it: the repair delivers the
  // assignment again (two passes see the drift), and the greeting is not sent again.
  await t().store.setAssignment(v.conversationId, null);
  const redelivered = next(ana.socket, 'conversation:assigned', (p) => p.conversation.id === v.conversationId);
  await t().server.chat.repair();
  expect(await t().server.chat.repair()).toBe(1);
  await redelivered;

  // Transferred to Bo: no second greeting (once per conversation, whoever holds it).
  const bo = await onlineAgent(t(), { name: 'Bo' });
  const boGets = next(bo.socket, 'conversation:assigned', (p) => p.conversation.id === v.conversationId);
  await ok(ana.socket, 'conversation:transfer', { conversationId: v.conversationId, toAgentId: bo.id });
  expect((await boGets).messages.filter(auto('greeting'))).toHaveLength(1);
  await t().server.chat.idle();

  const stored = await rows(t(), v.conversationId);
  const greetings = stored.filter((r) => r.client_id?.startsWith('auto:greeting:'));
  expect(greetings).toEqual([expect.objectContaining({ author_kind: 'agent', auto: true, body: greeting.text })]);
  // Typed messages are not automatic.
  expect(stored.filter((r) => r.author_kind === 'visitor').every((r) => !r.auto)).toBe(true);
  // The greeting is no answer: the first response time stays unset.
  expect((await t().store.getConversation(v.conversationId))?.firstResponseAt).toBeNull();
});

test('greeting: an unknown name becomes a polite address in English; an empty template sends nothing', async () => {
  const ana = await onlineAgent(t(), { name: 'Ana' });
  const agentSees = next(ana.socket, 'message', auto('greeting'));
  await shopper(t(), { language: 'en-GB' });
  expect((await agentSees).text).toBe('Hi there, this is Ana. How can I help you?');

  const lead = await t().createUser({ role: 'lead' });
  await request(t().server.app)
    .put('/api/v1/settings')
    .set({ authorization: `Bearer ${lead.token}` })
    .send({ routines: { ...R, greeting: { en: '', 'zh-CN': '' } } })
    .expect(200);
  const v = await shopper(t(), { language: 'en' });
  await t().server.chat.idle();
  expect((await rows(t(), v.conversationId)).some((r) => r.auto)).toBe(false);
});

test('closing text: sent in the closer\'s name before the close, once', async () => {
  const ana = await onlineAgent(t(), { name: 'Ana' });
  const v = await shopper(t(), { name: 'Sam', language: 'en' });
  const closed = next(v.socket, 'message', (m) => m.event?.type === 'closed');
  await ok(ana.socket, 'conversation:close', { conversationId: v.conversationId, category: 'inquiry' });
  await closed;
  const closing = v.messages.filter(auto('closing'));
  expect(closing).toEqual([expect.objectContaining({ author: 'agent', text: 'Thank you for chatting with us, Sam. Have a nice day!' })]);
  const stored = await rows(t(), v.conversationId);
  // The closing text, then the closed event: the transcript ends with the close.
  expect(stored.slice(-2).map((r) => [r.client_id?.split(':')[1] ?? r.event?.type, r.auto])).toEqual([['closing', true], ['closed', false]]);
});

test('silent shopper: prompt after 3 minutes, close as visitor idle 5 minutes later (once with two sweeps at once), the agent freed', async () => {
  const ana = await onlineAgent(t(), { name: 'Ana', capacity: 1 });
  const v = await shopper(t(), { language: 'en' });
  await ok(ana.socket, 'message:send', { conversationId: v.conversationId, clientId: randomUUID(), text: 'Yes, in stock. Which size?' });
  const sweep = () => t().server.chat.sweepRoutines();

  t.clock.advance(R.idlePromptMinutes * MIN - 1000);
  expect(await sweep()).toMatchObject({ prompted: 0, closed: 0 });
  t.clock.advance(1000);
  const prompted = next(v.socket, 'message', auto('idle'));
  const both = await Promise.all([sweep(), sweep()]);
  expect(both[0].prompted + both[1].prompted).toBe(1);
  expect(await prompted).toMatchObject({ author: 'agent', authorName: 'Ana', text: 'Are you still there?', auto: true });
  expect((await sweep()).prompted).toBe(0);

  t.clock.advance(R.idleCloseMinutes * MIN - 1000);
  expect((await sweep()).closed).toBe(0);
  t.clock.advance(1000);
  const removed = next(ana.socket, 'conversation:removed', (p) => p.conversationId === v.conversationId);
  const freed = next(ana.socket, 'agent:state', (s) => s.load === 0);
  const visitorClosed = next(v.socket, 'conversation:state', (s) => s.status === 'closed');
  const closes = await Promise.all([sweep(), sweep()]);
  expect(closes[0].closed + closes[1].closed).toBe(1);
  expect(await removed).toMatchObject({ reason: 'closed' });
  await Promise.all([freed, visitorClosed]);
  const stored = await rows(t(), v.conversationId);
  expect(stored.at(-1)?.event).toMatchObject({ type: 'closed', by: 'agent', reason: 'visitor_idle' });
  // No closing text on an idle close: the shopper is gone.
  expect(stored.filter((r) => r.client_id?.startsWith('auto:closing:'))).toEqual([]);
  expect(stored.filter((r) => r.client_id?.startsWith('auto:idle:'))).toHaveLength(1);
});

test('silent shopper: a visitor reply resets the timer, before and after the prompt', async () => {
  const ana = await onlineAgent(t(), { name: 'Ana' });
  const v = await shopper(t(), { language: 'en' });
  const say = (text: string) => ok(ana.socket, 'message:send', { conversationId: v.conversationId, clientId: randomUUID(), text });
  const sweep = () => t().server.chat.sweepRoutines();

  await say('Which size?');
  t.clock.advance(2 * MIN);
  await ok(v.socket, 'message:send', { clientId: randomUUID(), text: 'M please' });
  t.clock.advance(2 * MIN);
  expect(await sweep()).toMatchObject({ prompted: 0, closed: 0 });

  await say('Done, anything else?');
  t.clock.advance(R.idlePromptMinutes * MIN);
  expect((await sweep()).prompted).toBe(1);
  await ok(v.socket, 'message:send', { clientId: randomUUID(), text: 'sorry, one more thing' });
  t.clock.advance((R.idleCloseMinutes + 1) * MIN);
  expect(await sweep()).toMatchObject({ prompted: 0, closed: 0 });
  expect((await t().store.getConversation(v.conversationId))?.status).toBe('open');
});

test('slow first answer: flagged to the leads on the floor after 60 s without an answer, cleared by the answer', async () => {
  const leadUser = await t().createUser({ role: 'lead', name: 'Lena' });
  const lead = await t().agent(leadUser.token);
  await ok(lead, 'session:sync', {});
  await ok(lead, 'floor:watch', {});
  const ana = await onlineAgent(t(), { name: 'Ana' });
  const v = await shopper(t(), { language: 'en' });

  t.clock.advance(R.slowAnswerSeconds * 1000 - 1000);
  expect((await t().server.chat.sweepRoutines()).slow).toBe(0);
  t.clock.advance(1000);
  const flagged = next(lead, 'floor:conversation', (c) => c.id === v.conversationId && c.slowAnswer === true);
  expect((await t().server.chat.sweepRoutines()).slow).toBe(1);
  expect(await flagged).toMatchObject({ status: 'open', agent: { id: ana.id }, firstResponseAt: null });
  expect((await t().server.chat.sweepRoutines()).slow).toBe(0); // pushed once
  const state = await ok(lead, 'floor:watch', {});
  expect(state.conversations.find((c) => c.id === v.conversationId)?.slowAnswer).toBe(true);

  await ok(ana.socket, 'message:send', { conversationId: v.conversationId, clientId: randomUUID(), text: 'Sorry for the wait!' });
  await until(async () => (await t().store.getConversation(v.conversationId))?.firstResponseAt !== null, undefined, 'the first response recorded');
  const after = await ok(lead, 'floor:watch', {});
  expect(after.conversations.find((c) => c.id === v.conversationId)?.slowAnswer).toBeUndefined();
});

test('the auto: client-id prefix is the routines\' only, and only leads change the routines', async () => {
  const ana = await onlineAgent(t(), { name: 'Ana' });
  const v = await shopper(t(), { language: 'en' });
  const before = (await rows(t(), v.conversationId)).length;
  const forged = await call(ana.socket, 'message:send', { conversationId: v.conversationId, clientId: `auto:idle:${v.conversationId}:9`, text: 'fake' });
  expect(forged).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
  const fromVisitor = await call(v.socket, 'message:send', { clientId: 'auto:greeting:x', text: 'fake' });
  expect(fromVisitor).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
  expect((await rows(t(), v.conversationId)).length).toBe(before);
  // The connection stays usable.
  await ok(ana.socket, 'message:send', { conversationId: v.conversationId, clientId: randomUUID(), text: 'real' });

  const put = (token: string, body: object) => request(t().server.app).put('/api/v1/settings').set({ authorization: `Bearer ${token}` }).send(body);
  expect((await put(ana.token, { routines: { ...R, idlePromptMinutes: 1 } }).expect(403)).body.error.code).toBe('FORBIDDEN');
  const lead = await t().createUser({ role: 'lead' });
  expect((await put(lead.token, { routines: { ...R, slowAnswerSeconds: 5 } }).expect(400)).body.error.code).toBe('VALIDATION_FAILED');
  expect((await put(lead.token, { routines: { ...R, idleCloseMinutes: 0 } }).expect(400)).body.error.code).toBe('VALIDATION_FAILED');
  const ok200 = await put(lead.token, { routines: { ...R, idlePromptMinutes: 0 } }).expect(200);
  expect(ok200.body.settings.routines.idlePromptMinutes).toBe(0);
});
