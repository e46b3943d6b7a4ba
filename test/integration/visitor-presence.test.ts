/**
 * Shopper presence through real servers, socket.io-client and a manual clock (the routine sweep
 * runs after the clock moves; nothing sleeps): the agent sees the page hidden, shown, closed (a
 * grace first, then left) and the shopper come back, with the visitor and the agent on two
 * processes sharing Redis and the database; another visitor cannot touch a presence; a queued
 * shopper gone past `missedAfterSeconds` leaves the queue as a missed chat, counted on the floor.
 */
import { randomUUID } from 'node:crypto';
import type { VisitorPresence } from '../../shared/protocol';
import { callRaw, next, ok, onlineAgent, startTestServer, until } from '../helpers/chat';
import { useRedisServer, useTestServer } from '../helpers/suite';

jest.setTimeout(90_000);
const redis = useRedisServer();
const t = useTestServer({ clock: 'manual', redis });
const GRACE = 15_000; // VISITOR_LEFT_GRACE_SECONDS' default

beforeEach(async () => {
  // One database for the file: earlier tests' chats (their server is gone) would count in this test's sweeps.
  await t().sql.query(`UPDATE conversations SET status = 'closed', closed_at = now() WHERE status <> 'closed'`);
});

const presence = (socket: Parameters<typeof next>[0], state: VisitorPresence['state'], returned = false) =>
  next(socket, 'conversation:presence', (p: VisitorPresence) => p.state === state && p.returned === returned);

test('the agent sees the shopper hide the page, show it, close it (left after the grace) and come back, across two processes', async () => {
  // The visitor's process: same Redis prefix and database, its own clock at the same time.
  const second = await startTestServer({ redisUrl: redis().url, prefix: t().prefix, store: t.db, clock: t.clock });
  try {
    const agent = await onlineAgent(t());
    const visitor = await second.visitor();
    const { token } = await ok(visitor, 'session:sync', {});
    const assigned = next(agent.socket, 'conversation:assigned');
    const { conversationId } = await ok(visitor, 'message:send', { clientId: randomUUID(), text: 'Is the teapot in stock?' });
    await assigned;

    let seen = presence(agent.socket, 'hidden');
    visitor.emit('visitor:presence', { state: 'hidden' });
    expect(await seen).toMatchObject({ conversationId, state: 'hidden', returned: false });
    seen = presence(agent.socket, 'on_page');
    visitor.emit('visitor:presence', { state: 'visible' });
    await seen;

    // Another visitor's report touches only their own presence.
    const stranger = await second.visitor();
    stranger.emit('visitor:presence', { state: 'gone' });
    await until(async () => (await t().store.getVisitor((await ok(stranger, 'session:sync', {})).visitorId))?.presence?.state === 'left');
    expect((await t().store.getVisitor((await ok(visitor, 'session:sync', {})).visitorId))?.presence).toMatchObject({ state: 'on_page' });

    // The tab closes: within the grace it is only "hidden" (moving to the next page is not leaving).
    const since = t.clock.now();
    seen = presence(agent.socket, 'hidden');
    visitor.emit('visitor:presence', { state: 'gone' });
    visitor.disconnect();
    expect(await seen).toMatchObject({ since });
    t.clock.advance(GRACE - 1);
    expect((await t().server.chat.sweepRoutines()).left).toBe(0);
    t.clock.advance(1);
    seen = presence(agent.socket, 'left');
    expect((await t().server.chat.sweepRoutines()).left).toBe(1);
    expect(await seen).toMatchObject({ conversationId, since });
    // The agent's session shows it too (a console that reloads).
    const session = await ok(agent.socket, 'session:sync', {});
    expect(session.conversations.find((c: { conversation: { id: string } }) => c.conversation.id === conversationId)?.conversation.visitorPresence).toMatchObject({ state: 'left' });

    // Back later (the widget reports its page on every connect): "came back".
    t.clock.advance(60_000);
    seen = presence(agent.socket, 'on_page', true);
    const again = await second.visitor(token);
    again.emit('visitor:presence', { state: 'visible' });
    expect(await seen).toMatchObject({ conversationId, returned: true });

    // A connection lost without a word (no pagehide) counts the same: the server sees the last socket
    // go. Leaving again ends "came back".
    seen = presence(agent.socket, 'hidden');
    again.disconnect();
    await seen;
    t.clock.advance(GRACE);
    seen = presence(agent.socket, 'left');
    await t().server.chat.sweepRoutines();
    await seen;
  } finally {
    await second.close();
  }
});

test('bad presence reports are refused and change nothing', async () => {
  const visitor = await t().visitor();
  const { visitorId } = await ok(visitor, 'session:sync', {});
  for (const bad of [{ state: 'away' }, {}, { state: 'gone', conversationId: 'x' }]) {
    // No ack: a refused event is answered with nothing; the store must not have changed.
    (visitor.emit as (event: string, payload: unknown) => void)('visitor:presence', bad);
  }
  expect((await callRaw(visitor, 'visitor:profile', { name: 'Mia' })).ok).toBe(true);
  expect((await t().store.getVisitor(visitorId))?.presence).toBeNull();
});

test('a queued shopper gone past missedAfterSeconds leaves the queue as missed, never assigned, and counts as missed', async () => {
  const lead = await t().createUser({ role: 'lead', name: 'Lena', capacity: 0 });
  const leadSocket = await t().agent(lead.token);
  await ok(leadSocket, 'session:sync', {});
  const before = (await ok(leadSocket, 'floor:watch', {})).figures;
  const visitor = await t().visitor();
  await ok(visitor, 'session:sync', {});
  const { conversationId } = await ok(visitor, 'message:send', { clientId: randomUUID(), text: 'Anyone there?' });
  await until(async () => (await t().pool.queue()).includes(conversationId));

  const leadSees = presence(leadSocket, 'hidden');
  visitor.emit('visitor:presence', { state: 'gone' });
  visitor.disconnect();
  await leadSees;
  t.clock.advance(119_999); // the default: 120 s
  expect(await t().server.chat.sweepRoutines()).toMatchObject({ left: 1, missed: 0 });
  expect(await t().pool.queue()).toContain(conversationId);

  t.clock.advance(1);
  const figures = next(leadSocket, 'floor:figures', (f) => f.closed === before.closed + 1);
  expect(await t().server.chat.sweepRoutines()).toMatchObject({ missed: 1 });
  expect(await t().pool.queue()).not.toContain(conversationId);
  const c = await t().store.getConversation(conversationId);
  expect(c?.status).toBe('closed');
  const events = (await t().store.messagesAfter(conversationId, 0, { includeNotes: false, limit: 50 })).map((m) => m.event);
  expect(events.at(-1)).toMatchObject({ type: 'closed', by: 'visitor', reason: 'visitor_left' });
  expect(await figures).toMatchObject({ started: before.started + 1, missed: before.missed + 1 });

  // An agent coming online gets nothing: the missed chat is not assigned.
  const agent = await onlineAgent(t());
  await t().server.chat.idle();
  expect(await t().pool.agentConversations(agent.id)).toEqual([]);
  expect(events.some((e) => e?.type === 'assigned')).toBe(false);
});
