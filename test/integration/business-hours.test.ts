/**
 * Business hours through the visitor socket, on the injected clock: off by default; on, a
 * visitor's `session:sync` says whether agents are available and when the team reopens, and a
 * first message outside the hours is refused with TEAM_CLOSED (nothing stored) while a chat
 * already going on continues.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { callRaw, next, ok, onlineAgent } from '../helpers/chat';
import { manualClock } from '../helpers/clock';
import { useTestServer } from '../helpers/suite';

const t = useTestServer();
const at = (iso: string) => Date.parse(iso);

/** A server whose clock reads `iso`, an online agent, and business hours as given (default: Mon–Fri 9–18 Shanghai). */
async function openAt(iso: string, settings: object = { businessHoursOn: true }) {
  await t().sql.query('DELETE FROM settings');
  const clock = manualClock(at(iso));
  const server = await t.restart({ clock });
  const lead = await server.createUser({ role: 'lead' });
  await request(server.server.app).put('/api/v1/settings').set({ authorization: `Bearer ${lead.token}` }).send(settings).expect(200);
  const agent = await onlineAgent(server);
  const visitor = await server.visitor();
  return { server, clock, agent, visitor };
}

test('off by default: on a Saturday the team is open whenever an agent is online', async () => {
  const { visitor } = await openAt('2026-03-28T04:00:00Z', { waitingThresholdSeconds: 60 });
  const session = await ok(visitor, 'session:sync', {});
  expect(session.agentsAvailable).toBe(true);
  expect(session).not.toHaveProperty('reopensAt');
  expect((await ok(visitor, 'message:send', { clientId: randomUUID(), text: 'Open on Saturday?' })).seq).toBe(2);
});

test('open: Thursday 10:00 in Shanghai, a first message opens a conversation for the agent', async () => {
  const { visitor, agent } = await openAt('2026-03-26T02:00:00Z');
  const session = await ok(visitor, 'session:sync', {});
  expect(session.agentsAvailable).toBe(true);
  expect(session).not.toHaveProperty('reopensAt');
  const assigned = next(agent.socket, 'conversation:assigned');
  const ack = await ok(visitor, 'message:send', { clientId: randomUUID(), text: '营业中吗？' });
  expect((await assigned).conversation.id).toBe(ack.conversationId);
});

test('closed overnight: reopens at 09:00 the next day; a first message is refused, a running chat goes on', async () => {
  // Thursday 17:55 in Shanghai: a chat starts while open.
  const { server, clock, visitor, agent } = await openAt('2026-03-26T09:55:00Z');
  const assigned = next(agent.socket, 'conversation:assigned');
  const first = await ok(visitor, 'message:send', { clientId: randomUUID(), text: 'Before closing time' });
  await assigned;

  clock.advance(2 * 3_600_000); // 19:55: closed
  const session = await ok(visitor, 'session:sync', {});
  expect(session).toMatchObject({ agentsAvailable: false, reopensAt: at('2026-03-27T01:00:00Z') });
  // The chat that began before closing time goes on.
  const later = await ok(visitor, 'message:send', { clientId: randomUUID(), text: 'Still there?' });
  expect(later.conversationId).toBe(first.conversationId);

  // Another shopper cannot start one: refused with the code, nothing stored, the form still works.
  const other = await server.visitor();
  const otherSession = await ok(other, 'session:sync', {});
  expect(otherSession).toMatchObject({ agentsAvailable: false, reopensAt: at('2026-03-27T01:00:00Z') });
  const refused = await callRaw(other, 'message:send', { clientId: randomUUID(), text: 'Anyone?' });
  expect(refused).toMatchObject({ ok: false, error: { code: 'TEAM_CLOSED' } });
  expect(await server.store.findActiveConversation(otherSession.visitorId)).toBeNull();
  expect(await ok(other, 'offline:message', { name: 'Li', email: 'li@example.com', text: 'Please call me back' })).toHaveProperty('id');

  // The next morning at 09:00 it opens.
  clock.advance(at('2026-03-27T01:00:00Z') - clock.now());
  expect((await ok(other, 'session:sync', {})).agentsAvailable).toBe(true);
  expect((await ok(other, 'message:send', { clientId: randomUUID(), text: 'Good morning' })).seq).toBe(2);
});

test('closed on a weekend: Saturday noon reopens on Monday at 09:00', async () => {
  const { visitor } = await openAt('2026-03-28T04:00:00Z');
  expect(await ok(visitor, 'session:sync', {})).toMatchObject({ agentsAvailable: false, reopensAt: at('2026-03-30T01:00:00Z') });
  expect(await callRaw(visitor, 'message:send', { clientId: randomUUID(), text: '周末有人吗' })).toMatchObject({ ok: false, error: { code: 'TEAM_CLOSED' } });
});

test('opening across a DST change: Berlin on the weekend clocks go forward reopens at 09:00 summer time', async () => {
  const days = { mon: { open: '09:00', close: '17:00' }, tue: null, wed: null, thu: null, fri: null, sat: null, sun: null };
  // Saturday 2026-03-28 12:00 CET; Monday 09:00 CEST is 07:00Z (08:00Z would be 10:00 on the wall clock).
  const { visitor, clock } = await openAt('2026-03-28T11:00:00Z', { businessHoursOn: true, businessHours: { timeZone: 'Europe/Berlin', days } });
  expect(await ok(visitor, 'session:sync', {})).toMatchObject({ agentsAvailable: false, reopensAt: at('2026-03-30T07:00:00Z') });
  clock.advance(at('2026-03-30T06:59:00Z') - clock.now());
  expect((await ok(visitor, 'session:sync', {})).agentsAvailable).toBe(false);
  clock.advance(60_000);
  expect((await ok(visitor, 'session:sync', {})).agentsAvailable).toBe(true);
});
