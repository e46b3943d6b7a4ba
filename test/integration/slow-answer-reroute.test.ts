/**
 * The slow first answer's optional re-route (routines' `slowAnswerReroute`) through a real
 * server and socket.io-client with a manual clock (the sweep runs after the clock moves):
 * off by default (and for a body that does not name it), on it moves the chat once to a free
 * agent (of its department when it has one), it stays when nobody is free, an agent's answer
 * keeps it, and a lead's transfer landing between the re-route's read and its move wins.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DEFAULT_SETTINGS } from '../../server/domain/settings';
import { chattingVisitor, collect, next, ok, onlineAgent, startTestServer, until, type TestServer } from '../helpers/chat';
import { manualClock } from '../helpers/clock';
import { interleaved, type Interleaved } from '../helpers/interleave';
import { useTestServer } from '../helpers/suite';

jest.setTimeout(90_000);
const t = useTestServer({ clock: 'manual' });
const { slowAnswerReroute: _, ...OLDER } = DEFAULT_SETTINGS.routines;

async function putRoutines(server: TestServer, routines: object) {
  const lead = await server.createUser({ role: 'lead' });
  const res = await request(server.server.app).put('/api/v1/settings').set({ authorization: `Bearer ${lead.token}` }).send({ routines }).expect(200);
  return res.body.settings.routines;
}

/** Ana has the shopper's chat, then Bo comes online (so the chat is Ana's). */
async function chatWithAna(server: TestServer) {
  const ana = await onlineAgent(server, { name: 'Ana' });
  const v = await chattingVisitor(server, 'Is this in stock?');
  await until(async () => (await assignee(server, v.conversationId)) === ana.id, undefined, 'the chat is Ana\'s');
  return { ana, v };
}

const assignee = async (server: TestServer, id: string) => (await server.store.getConversation(id))?.agentId;
const overdue = () => t.clock.advance(DEFAULT_SETTINGS.routines.slowAnswerSeconds * 1000);

beforeEach(async () => {
  await t().sql.query('DELETE FROM settings');
  // Earlier tests' chats (their server is gone) would count in this test's sweeps.
  await t().sql.query(`UPDATE conversations SET status = 'closed', closed_at = now() WHERE status <> 'closed'`);
});

test('off by default, and a body without the field saves it off: the chat stays and the leads are alerted', async () => {
  expect(await putRoutines(t(), OLDER)).toMatchObject({ slowAnswerReroute: false });
  const { ana, v } = await chatWithAna(t());
  await onlineAgent(t(), { name: 'Bo' });
  overdue();
  expect(await t().server.chat.sweepRoutines()).toMatchObject({ slow: 1, rerouted: 0 });
  expect(await assignee(t(), v.conversationId)).toBe(ana.id);
});

test('on: moved once to the free agent; the agent who lost it is told why, the transcript says so, the visitor sees a plain transfer', async () => {
  expect(await putRoutines(t(), { ...OLDER, slowAnswerReroute: true })).toMatchObject({ slowAnswerReroute: true });
  const { ana, v } = await chatWithAna(t());
  const bo = await onlineAgent(t(), { name: 'Bo' });
  const visitorSees = collect(v.socket, 'message');
  const removed = next(ana.socket, 'conversation:removed', (p) => p.conversationId === v.conversationId);
  const boGets = next(bo.socket, 'conversation:assigned', (p) => p.conversation.id === v.conversationId);

  t.clock.advance(DEFAULT_SETTINGS.routines.slowAnswerSeconds * 1000 - 1000);
  expect(await t().server.chat.sweepRoutines()).toMatchObject({ rerouted: 0 });
  t.clock.advance(1000);
  expect(await t().server.chat.sweepRoutines()).toMatchObject({ rerouted: 1 });
  expect(await removed).toEqual({ conversationId: v.conversationId, reason: 'slow_answer', to: { id: bo.id, name: 'Bo' } });
  const got = await boGets;
  expect(got.messages.at(-1)?.event).toEqual({ type: 'transferred', fromAgentId: ana.id, toAgentId: bo.id, reason: 'slow_answer' });
  expect(await assignee(t(), v.conversationId)).toBe(bo.id);
  await until(() => visitorSees.some((m) => m.event?.type === 'transferred'), undefined, 'the visitor heard of the transfer');
  // No agent ids, no reason: the same line as any transfer.
  expect(visitorSees.find((m) => m.event?.type === 'transferred')?.event).toEqual({ type: 'transferred' });

  // Once: Bo is slow too, Ana is free again, yet it stays with Bo (and the leads are alerted).
  overdue();
  expect(await t().server.chat.sweepRoutines()).toMatchObject({ rerouted: 0, slow: 1 });
  expect(await assignee(t(), v.conversationId)).toBe(bo.id);
  const events = await t().sql.query<{ event: { type: string; reason?: string } }>(
    `SELECT event FROM messages WHERE conversation_id = $1 AND event->>'type' = 'transferred'`,
    [v.conversationId],
  );
  expect(events.rows.map((r) => r.event.reason)).toEqual(['slow_answer']);
});

test('on, but nobody free: it stays and the alert stands; a later sweep moves it once someone is free', async () => {
  await putRoutines(t(), { ...OLDER, slowAnswerReroute: true });
  const { ana, v } = await chatWithAna(t());
  const bo = await onlineAgent(t(), { name: 'Bo' });
  await ok(bo.socket, 'agent:status', { status: 'away' });
  overdue();
  expect(await t().server.chat.sweepRoutines()).toMatchObject({ slow: 1, rerouted: 0 });
  expect(await assignee(t(), v.conversationId)).toBe(ana.id);

  const boGets = next(bo.socket, 'conversation:assigned', (p) => p.conversation.id === v.conversationId);
  await ok(bo.socket, 'agent:status', { status: 'online' });
  expect(await t().server.chat.sweepRoutines()).toMatchObject({ rerouted: 1 });
  await boGets;
});

test('on, but the agent answered in time: it stays', async () => {
  await putRoutines(t(), { ...OLDER, slowAnswerReroute: true });
  const { ana, v } = await chatWithAna(t());
  await onlineAgent(t(), { name: 'Bo' });
  await ok(ana.socket, 'message:send', { conversationId: v.conversationId, clientId: randomUUID(), text: 'Yes, it is.' });
  await until(async () => (await t().store.getConversation(v.conversationId))?.firstResponseAt !== null, undefined, 'the first response recorded');
  overdue();
  expect(await t().server.chat.sweepRoutines()).toMatchObject({ slow: 0, rerouted: 0 });
  expect(await assignee(t(), v.conversationId)).toBe(ana.id);
});

test("on: a chat of a department goes only to that department's agents", async () => {
  await putRoutines(t(), { ...OLDER, slowAnswerReroute: true });
  const lead = await t().createUser({ role: 'lead' });
  const care = (await request(t().server.app).post('/api/v1/departments').set({ authorization: `Bearer ${lead.token}` }).send({ name: `售后 ${randomUUID().slice(0, 6)}` }).expect(201)).body.department as { id: string };
  const { v } = await chatWithAna(t());
  // Routed within the department (as a transfer to it would have recorded).
  await t().store.setConversationDepartment(v.conversationId, care.id);
  await onlineAgent(t(), { name: 'Bo' }); // free, but not of the department
  overdue();
  expect(await t().server.chat.sweepRoutines()).toMatchObject({ slow: 1, rerouted: 0 });

  const cy = await onlineAgent(t(), { name: 'Cy' });
  await request(t().server.app).put(`/api/v1/users/${cy.id}/departments`).set({ authorization: `Bearer ${lead.token}` }).send({ departmentIds: [care.id] }).expect(200);
  const cyGets = next(cy.socket, 'conversation:assigned', (p) => p.conversation.id === v.conversationId);
  expect(await t().server.chat.sweepRoutines()).toMatchObject({ rerouted: 1 });
  await cyGets;
  expect(await assignee(t(), v.conversationId)).toBe(cy.id);
});

test("on: a lead's transfer between the re-route's read and its move wins; the re-route moves nothing", async () => {
  // A server of its own, whose pool runs the lead's step just before the re-route's move.
  let pool: Interleaved | undefined;
  const clock = manualClock();
  const server = await startTestServer({ store: t.db, clock, wrapPool: (p) => (pool = interleaved(p)) });
  try {
    await putRoutines(server, { ...OLDER, slowAnswerReroute: true });
    const { ana, v } = await chatWithAna(server);
    const bo = await onlineAgent(server, { name: 'Bo' });
    const leadUser = await server.createUser({ role: 'lead', name: 'Lena' });
    const lead = await server.agent(leadUser.token);
    await ok(lead, 'session:sync', {});
    const removed = next(ana.socket, 'conversation:removed', (p) => p.conversationId === v.conversationId);
    const boGot = collect(bo.socket, 'conversation:assigned');

    // The sweep has read "Ana holds it, unanswered"; then the lead takes it over for themself.
    let tookOver = false;
    pool!.beforeTransfer(
      (id, _to, o) => id === v.conversationId && o?.expectedFrom === ana.id,
      async () => {
        expect(await ok(lead, 'conversation:takeover', { conversationId: v.conversationId })).toEqual({ conversationId: v.conversationId, agentId: leadUser.id });
        tookOver = true;
      },
    );
    clock.advance(DEFAULT_SETTINGS.routines.slowAnswerSeconds * 1000);
    expect(await server.server.chat.sweepRoutines()).toMatchObject({ rerouted: 0 });
    expect(tookOver).toBe(true);
    expect(await server.pool.assignmentOf(v.conversationId)).toBe(leadUser.id);
    expect(await assignee(server, v.conversationId)).toBe(leadUser.id);
    expect(await removed).toMatchObject({ reason: 'transferred', by: { id: leadUser.id } });
    expect(boGot).toEqual([]);
    expect((await server.pool.agent(bo.id))!.load).toBe(0);
    const events = await server.sql.query<{ event: { toAgentId: string; reason?: string } }>(
      `SELECT event FROM messages WHERE conversation_id = $1 AND event->>'type' = 'transferred'`,
      [v.conversationId],
    );
    expect(events.rows.map((r) => r.event)).toEqual([{ type: 'transferred', fromAgentId: ana.id, toAgentId: leadUser.id }]);
  } finally {
    await server.close();
  }
});
