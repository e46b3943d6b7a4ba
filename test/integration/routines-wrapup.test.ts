/**
 * Wrap-up through a real server and socket.io-client, with a manual clock: a chat the shopper
 * ends stays with its agent (`conversation:removed` reason `ended`, the slot freed) until the
 * agent files category and summary, or the wrap-up time passes and it is filed uncategorised;
 * only the agent who held it or a lead may file it, once; bad input changes nothing.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DEFAULT_SETTINGS } from '../../server/domain/settings';
import { call, callRaw, chattingVisitor, next, ok, onlineAgent, type TestServer } from '../helpers/chat';
import { useTestServer } from '../helpers/suite';
import { BUILT_IN_CATEGORIES } from '../../shared/settings';

jest.setTimeout(90_000);
const t = useTestServer({ clock: 'manual' });
const WRAP_MS = DEFAULT_SETTINGS.routines.wrapUpMinutes * 60_000;

beforeEach(async () => {
  await t().sql.query('DELETE FROM settings');
  await t().sql.query(`UPDATE conversations SET status = 'closed', closed_at = now() WHERE status <> 'closed'`);
});

/** Ana chats with a shopper who then ends the chat; resolves with what Ana was told. */
async function endedByShopper(server: TestServer) {
  const ana = await onlineAgent(server, { name: 'Ana', capacity: 1 });
  const v = await chattingVisitor(server, 'Where is my parcel?');
  await ok(ana.socket, 'message:send', { conversationId: v.conversationId, clientId: randomUUID(), text: 'Let me check' });
  const ended = next(ana.socket, 'conversation:removed', (p) => p.conversationId === v.conversationId);
  const freed = next(ana.socket, 'agent:state', (s) => s.load === 0);
  const closedAt = t.clock.now();
  await ok(v.socket, 'conversation:close', {});
  return { ana, v, ended: await ended, freed, closedAt };
}

const closeFields = async (server: TestServer, id: string) => {
  const c = await server.store.getConversation(id);
  return { status: c?.status, closedBy: c?.closedBy, closeCategory: c?.closeCategory, closeSummary: c?.closeSummary };
};

test('the shopper ends: the chat stays (ended, slot freed) until its agent files category and summary, once', async () => {
  const { ana, v, ended, freed, closedAt } = await endedByShopper(t());
  expect(ended).toEqual({ conversationId: v.conversationId, reason: 'ended', wrapUpDueAt: closedAt + WRAP_MS });
  await freed;

  const removed = next(ana.socket, 'conversation:removed', (p) => p.conversationId === v.conversationId && p.reason === 'closed');
  expect(await ok(ana.socket, 'conversation:wrapup', { conversationId: v.conversationId, category: 'order', summary: '  Sent the tracking link ' })).toEqual({
    conversationId: v.conversationId,
  });
  await removed;
  expect(await closeFields(t(), v.conversationId)).toEqual({ status: 'closed', closedBy: 'visitor', closeCategory: 'order', closeSummary: 'Sent the tracking link' });

  // Filed already: a second filing (another tab) changes nothing.
  const again = await call(ana.socket, 'conversation:wrapup', { conversationId: v.conversationId, category: 'complaint' });
  expect(again).toMatchObject({ ok: false, error: { code: 'CONVERSATION_CLOSED' } });
  expect((await closeFields(t(), v.conversationId)).closeCategory).toBe('order');
});

test('not filed in time: filed uncategorised by the sweep, and the console told to drop it', async () => {
  const { ana, v } = await endedByShopper(t());
  t.clock.advance(WRAP_MS - 1000);
  expect((await t().server.chat.sweepRoutines()).wrapUpsExpired).toBe(0);
  t.clock.advance(1000);
  const removed = next(ana.socket, 'conversation:removed', (p) => p.conversationId === v.conversationId && p.reason === 'closed');
  const sweeps = await Promise.all([t().server.chat.sweepRoutines(), t().server.chat.sweepRoutines()]);
  expect(sweeps[0].wrapUpsExpired + sweeps[1].wrapUpsExpired).toBe(1);
  await removed;
  expect(await closeFields(t(), v.conversationId)).toMatchObject({ closeCategory: null, closeSummary: null });
  const late = await call(ana.socket, 'conversation:wrapup', { conversationId: v.conversationId, category: 'order' });
  expect(late).toMatchObject({ ok: false, error: { code: 'CONVERSATION_CLOSED' } });
});

test('only the agent who held it or a lead files it; bad input and open chats are refused, nothing changes', async () => {
  const { ana, v } = await endedByShopper(t());
  const bo = await onlineAgent(t(), { name: 'Bo' });
  const other = await call(bo.socket, 'conversation:wrapup', { conversationId: v.conversationId, category: 'order' });
  expect(other).toMatchObject({ ok: false, error: { code: 'CONVERSATION_NOT_FOUND' } });
  for (const bad of [{ conversationId: v.conversationId }, { conversationId: v.conversationId, category: 'nope' }, { conversationId: v.conversationId, category: 'order', summary: 'x'.repeat(1001) }, { conversationId: v.conversationId, category: 'order', extra: 1 }]) {
    expect(await callRaw(ana.socket, 'conversation:wrapup', bad)).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
  }
  // A category the team has not enabled.
  const lead = await t().createUser({ role: 'lead', name: 'Lena' });
  await t().server.chat.idle();
  const leadSocket = await t().agent(lead.token);
  await ok(leadSocket, 'session:sync', {});
  await request(t().server.app).put('/api/v1/settings').set({ authorization: `Bearer ${lead.token}` }).send({ closeCategories: [BUILT_IN_CATEGORIES.find((c) => c.id === 'order')] }).expect(200);
  expect(await call(ana.socket, 'conversation:wrapup', { conversationId: v.conversationId, category: 'complaint' })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
  expect(await closeFields(t(), v.conversationId)).toMatchObject({ closeCategory: null, closeSummary: null });

  // An open chat is closed, not wrapped up (asked by the lead, who passes the holder check).
  const w = await chattingVisitor(t(), 'Another question');
  const open = await call(leadSocket, 'conversation:wrapup', { conversationId: w.conversationId, category: 'order' });
  expect(open).toMatchObject({ ok: false, error: { code: 'CONVERSATION_NOT_CLOSED' } });

  // A lead may file anyone's.
  expect(await ok(leadSocket, 'conversation:wrapup', { conversationId: v.conversationId, category: 'order', summary: 'Filed by the lead' })).toEqual({ conversationId: v.conversationId });
  expect(await closeFields(t(), v.conversationId)).toMatchObject({ closeCategory: 'order', closeSummary: 'Filed by the lead' });
});

test('an agent\'s own close needs no wrap-up: removed at once', async () => {
  const ana = await onlineAgent(t(), { name: 'Ana' });
  const v = await chattingVisitor(t());
  const removed = next(ana.socket, 'conversation:removed', (p) => p.conversationId === v.conversationId);
  await ok(ana.socket, 'conversation:close', { conversationId: v.conversationId, category: 'inquiry' });
  expect(await removed).toEqual({ conversationId: v.conversationId, reason: 'closed' });
  expect(await call(ana.socket, 'conversation:wrapup', { conversationId: v.conversationId, category: 'order' })).toMatchObject({ ok: false, error: { code: 'CONVERSATION_CLOSED' } });
});

test('a report read while the chat waits for its wrap-up counts it again under the category filed afterwards', async () => {
  const { ana, v } = await endedByShopper(t());
  const lead = await t().createUser({ role: 'lead', name: 'Lena' });
  const report = async () =>
    (await request(t().server.app).get('/api/v1/reports').query({ groupBy: 'category' }).set({ authorization: `Bearer ${lead.token}` }).expect(200)).body as {
      rows: { key: string | null; closed: number }[];
    };
  // The report records the conversation's facts now, before any category is filed.
  expect((await report()).rows.find((r) => r.key === null)?.closed).toBeGreaterThanOrEqual(1);
  const before = (await report()).rows.find((r) => r.key === 'order')?.closed ?? 0;
  await ok(ana.socket, 'conversation:wrapup', { conversationId: v.conversationId, category: 'order' });
  expect((await report()).rows.find((r) => r.key === 'order')?.closed).toBe(before + 1);
});
