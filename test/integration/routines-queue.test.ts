/**
 * While queued, through real servers and socket.io-client on a manual clock (the routines'
 * sweep is called after the clock moves; nothing sleeps):
 *  - the estimated wait from the site's assignment rate, shared by two processes on one Redis
 *    and pushed when positions change;
 *  - a wait past the team's limit offers the leave-a-message form; the chat keeps its place
 *    until the shopper leaves a message, which takes it out of the queue;
 *  - the FAQ answer offered for the first question, in English and Chinese, with both buttons
 *    ("That solved it" closes as self-served; "I still need a person" keeps the place), both
 *    recorded; nobody else can answer it.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { VisitorConversationState, VisitorMessage } from '../../shared/protocol';
import { seedDemoFaq } from '../../server/seed';
import { call, collect, next, ok, onlineAgent, until, type TestServer, type VisitorClient } from '../helpers/chat';
import { startProcesses, type Processes } from '../helpers/processes';
import { useRedisServer, useTestServer, useTestStore } from '../helpers/suite';

jest.setTimeout(120_000);
const MIN = 60_000;

/** A shopper who writes first; resolves once the conversation is queued or assigned. */
async function shopper(server: TestServer, text = 'Hello, I need help') {
  const socket = await server.visitor();
  const session = await ok(socket, 'session:sync', {});
  const states = collect(socket, 'conversation:state');
  const messages = collect(socket, 'message');
  const routed = next(socket, 'message', (m) => m.event?.type === 'queued' || m.event?.type === 'assigned');
  const ack = await ok(socket, 'message:send', { clientId: randomUUID(), text });
  await routed;
  await server.server.chat.idle();
  return { socket, states, messages, visitorId: session.visitorId, conversationId: ack.conversationId };
}

const last = (states: VisitorConversationState[]) => states.at(-1);

/** The stored `closed` event's reason, or undefined. */
async function closeReason(server: TestServer, conversationId: string) {
  const r = await server.sql.query<{ event: { type: string; reason?: string } }>(
    `SELECT event FROM messages WHERE conversation_id = $1 AND event->>'type' = 'closed'`,
    [conversationId],
  );
  return r.rows[0]?.event.reason;
}

describe('the estimated wait, across two processes on one Redis', () => {
  const redis = useRedisServer();
  const db = useTestStore();
  let procs: Processes | undefined;
  afterEach(() => procs?.close());

  test('unknown at first, then from the assignments either process made, and pushed when positions change', async () => {
    // The clock jumps minutes here: no process may take that for the other's silence.
    procs = await startProcesses(2, { store: db(), redisUrl: redis().url, limits: { processDeadAfterMs: 24 * 3_600_000 } });
    const [a, b] = procs.procs.map((p) => p.t);
    const clock = procs.clock;
    const ana = await onlineAgent(a, { name: 'Ana', capacity: 1 });

    // Process a assigns the first chat; a shopper on process b waits and cannot be told a time yet.
    const v1 = await shopper(a);
    const v2 = await shopper(b);
    await until(() => last(v2.states)?.queuePosition === 1, undefined, 'v2 told its position');
    expect(last(v2.states)).toEqual({ id: v2.conversationId, status: 'queued', agentName: null, queuePosition: 1, estimatedWaitSec: null });

    // Two more assignments, on either process, a few minutes apart.
    clock.advance(2 * MIN);
    await ok(ana.socket, 'conversation:close', { conversationId: v1.conversationId });
    await until(() => last(v2.states)?.status === 'open', undefined, 'v2 assigned');
    clock.advance(2 * MIN);
    await ok(ana.socket, 'conversation:close', { conversationId: v2.conversationId });
    const v3 = await shopper(b);
    expect(await b.pool.assignmentOf(v3.conversationId)).toBe(ana.id);

    // Now three assignments in the last 15 minutes: a shopper on process a is told a time, and
    // one on b twice as long behind them.
    const v4 = await shopper(a);
    const v5 = await shopper(b);
    const now = clock.now();
    const perPlace = (now - (Math.floor(now / MIN) - 14) * MIN) / 1000 / 3;
    await until(() => last(v5.states)?.queuePosition === 2, undefined, 'v5 told its position');
    expect(last(v4.states)).toMatchObject({ status: 'queued', queuePosition: 1, estimatedWaitSec: Math.round(perPlace) });
    expect(last(v5.states)).toMatchObject({ status: 'queued', queuePosition: 2, estimatedWaitSec: Math.round(2 * perPlace) });
    expect((await ok(v5.socket, 'session:sync', {})).conversation).toMatchObject({ queuePosition: 2, estimatedWaitSec: Math.round(2 * perPlace) });

    // v3's chat ends on process b: v4 is assigned, and v5 on b hears its new place and time.
    await ok(v3.socket, 'conversation:close', {});
    await until(() => last(v5.states)?.queuePosition === 1, undefined, 'v5 moved up');
    const perPlace4 = (clock.now() - (Math.floor(clock.now() / MIN) - 14) * MIN) / 1000 / 4;
    expect(last(v5.states)).toMatchObject({ status: 'queued', queuePosition: 1, estimatedWaitSec: Math.round(perPlace4) });
    await until(() => last(v4.states)?.status === 'open', undefined, 'v4 (on the other process) told it is assigned');
    expect(last(v4.states)).toMatchObject({ status: 'open', agentName: 'Ana' });
    expect(last(v4.states)).not.toHaveProperty('estimatedWaitSec');
  });
});

describe('on one server', () => {
  const t = useTestServer({ clock: 'manual' });
  let lead: { token: string };

  beforeEach(async () => {
    await t().sql.query('DELETE FROM settings');
    // Earlier tests' chats (their server is gone) would count in this test's sweeps.
    await t().sql.query(`UPDATE conversations SET status = 'closed', closed_at = now() WHERE status <> 'closed'`);
    lead = await t().createUser({ role: 'lead' });
  });

  const saveLimit = (queueWaitLimitMinutes: number) =>
    request(t().server.app)
      .get('/api/v1/settings')
      .set({ authorization: `Bearer ${lead.token}` })
      .then((r) =>
        request(t().server.app)
          .put('/api/v1/settings')
          .set({ authorization: `Bearer ${lead.token}` })
          .send({ routines: { ...r.body.settings.routines, queueWaitLimitMinutes } })
          .expect(200),
      );

  test('a queue wait past the limit offers the form; the chat keeps its place until the shopper leaves a message', async () => {
    await saveLimit(4);
    const ana = await onlineAgent(t(), { capacity: 1 });
    const v1 = await shopper(t());
    const v2 = await shopper(t());
    const v3 = await shopper(t());

    t.clock.advance(4 * MIN - 1);
    expect((await t().server.chat.sweepRoutines()).longWaits).toBe(0);
    expect(last(v2.states)).not.toHaveProperty('longWait');

    t.clock.advance(1);
    const offered = next(v2.socket, 'conversation:state', (s) => s.longWait === true);
    expect((await t().server.chat.sweepRoutines()).longWaits).toBe(2);
    expect(await offered).toMatchObject({ id: v2.conversationId, status: 'queued', queuePosition: 1, longWait: true });
    // Offered, not moved: still first, and a reload says so too.
    expect(await t().pool.queue()).toEqual([v2.conversationId, v3.conversationId]);
    expect((await ok(v2.socket, 'session:sync', {})).conversation).toMatchObject({ status: 'queued', queuePosition: 1, longWait: true });

    // The shopper leaves a message instead: the chat leaves the queue, closed as `left_message`.
    const closed = next(v2.socket, 'conversation:state', (s) => s.status === 'closed');
    const moved = next(v3.socket, 'conversation:state', (s) => s.queuePosition === 1);
    await ok(v2.socket, 'offline:message', { name: 'Li Wei', email: 'li@example.com', text: '等太久了，请回电话' });
    expect(await closed).toMatchObject({ id: v2.conversationId, status: 'closed', agentName: null });
    expect(await moved).toMatchObject({ id: v3.conversationId, queuePosition: 1, longWait: true });
    expect(await t().pool.queue()).toEqual([v3.conversationId]);
    expect(await closeReason(t(), v2.conversationId)).toBe('left_message');
    const inbox = await request(t().server.app).get('/api/v1/left-messages').set({ authorization: `Bearer ${lead.token}` }).expect(200);
    expect(inbox.body.leftMessages.map((m: { text: string }) => m.text)).toContain('等太久了，请回电话');
    // A chat an agent holds goes on when its shopper leaves a message.
    await ok(v1.socket, 'offline:message', { name: 'Ana', email: 'ana@example.com', text: 'Also this' });
    expect(await t().pool.assignmentOf(v1.conversationId)).toBe(ana.id);
    expect(await closeReason(t(), v1.conversationId)).toBeUndefined();
  });

  test('the limit is the lead\'s setting: 0 never offers the form', async () => {
    await saveLimit(0);
    await onlineAgent(t(), { capacity: 1 });
    await shopper(t());
    const v2 = await shopper(t());
    t.clock.advance(120 * MIN);
    expect((await t().server.chat.sweepRoutines()).longWaits).toBe(0);
    expect((await ok(v2.socket, 'session:sync', {})).conversation).not.toHaveProperty('longWait');
  });

  describe('the FAQ offer', () => {
    // Seeded once per database (the store's demo mark).
    beforeAll(() => seedDemoFaq(t.db.sql));

    const cases = [
      { lang: 'en', text: 'How can I return these shoes?', entry: 'demo-en-return' },
      { lang: 'zh-CN', text: '退款怎么还没到账', entry: 'demo-zh-refund-time' },
    ] as const;

    /** A queued shopper who was offered an answer (agent Ana, capacity 1, busy with someone else). */
    async function offeredShopper(text: string) {
      const ana = await onlineAgent(t(), { name: 'Ana', capacity: 1 });
      await shopper(t(), 'Hi');
      const v = await shopper(t(), text);
      await until(() => v.messages.some((m) => m.event?.type === 'faq_offered'), undefined, 'the offer arrived');
      return { ana, v, offer: v.messages.find((m) => m.event?.type === 'faq_offered')! };
    }

    test.each(cases)('$lang: "That solved it" closes the chat as self-served and takes it out of the queue', async ({ text, entry }) => {
      const { v, offer } = await offeredShopper(text);
      const faq = await request(t().server.app).get(`/api/v1/faq/${entry}`).set({ authorization: `Bearer ${lead.token}` }).expect(200);
      expect(offer).toMatchObject({ author: 'system', kind: 'event', event: { type: 'faq_offered', entryId: entry, question: faq.body.entry.question, answer: faq.body.entry.answer } });

      const report = async () => (await request(t().server.app).get('/api/v1/reports').set({ authorization: `Bearer ${lead.token}` }).expect(200)).body.total;
      const before = await report();
      const closed = next(v.socket, 'conversation:state', (s) => s.status === 'closed');
      expect(await ok(v.socket, 'faq:feedback', { conversationId: v.conversationId, solved: true })).toEqual({ conversationId: v.conversationId, status: 'closed' });
      expect(await closed).toMatchObject({ id: v.conversationId, status: 'closed' });
      expect(await t().pool.queue()).toEqual([]);
      expect(await closeReason(t(), v.conversationId)).toBe('faq_solved');
      // Today's report counts it as self-served, not missed, and offers it no rating (nobody took it).
      expect(await report()).toMatchObject({ closed: before.closed + 1, selfServed: before.selfServed + 1, missed: before.missed, ratingOffered: before.ratingOffered });
      // Answered once.
      expect(await call(v.socket, 'faq:feedback', { conversationId: v.conversationId, solved: false })).toMatchObject({ ok: false, error: { code: 'FAQ_NOT_OFFERED' } });
    });

    test.each(cases)('$lang: "I still need a person" is recorded, keeps the place, and the agent sees both', async ({ text, entry }) => {
      const { ana, v } = await offeredShopper(text);
      const v3 = await shopper(t(), 'hello'); // behind v
      expect(v3.messages.some((m) => m.event?.type === 'faq_offered')).toBe(false); // a greeting is offered nothing

      const declined = next(v.socket, 'message', (m) => m.event?.type === 'faq_declined');
      expect(await ok(v.socket, 'faq:feedback', { conversationId: v.conversationId, solved: false })).toEqual({ conversationId: v.conversationId, status: 'queued' });
      await declined;
      expect(await t().pool.queue()).toEqual([v.conversationId, v3.conversationId]);
      expect(await call(v.socket, 'faq:feedback', { conversationId: v.conversationId, solved: true })).toMatchObject({ ok: false, error: { code: 'FAQ_NOT_OFFERED' } });

      // Ana frees up: the chat she gets shows what the shopper was offered and that they still need her.
      const assigned = next(ana.socket, 'conversation:assigned', (c) => c.conversation.id === v.conversationId);
      const [busy] = await t().pool.agentConversations(ana.id);
      await ok(ana.socket, 'conversation:close', { conversationId: busy });
      const events = (await assigned).messages.flatMap((m) => (m.event ? [m.event] : []));
      expect(events).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'faq_offered', entryId: entry }), { type: 'faq_declined' }]));
      // Too late for the offer once an agent has the chat.
      expect(await call(v3.socket, 'faq:feedback', { conversationId: v3.conversationId, solved: true })).toMatchObject({ ok: false, error: { code: 'FAQ_NOT_OFFERED' } });
    });

    test('nobody else answers a shopper\'s offer, and a chat assigned at once is offered nothing', async () => {
      const { v } = await offeredShopper('How can I return these shoes?');
      const other = await t().visitor();
      await ok(other, 'session:sync', {});
      for (const solved of [true, false]) {
        expect(await call(other, 'faq:feedback', { conversationId: v.conversationId, solved })).toMatchObject({ ok: false, error: { code: 'CONVERSATION_NOT_FOUND' } });
      }
      expect(await t().pool.queue()).toEqual([v.conversationId]);
      const stored = await t().sql.query(`SELECT count(*)::int AS n FROM messages WHERE conversation_id = $1 AND event->>'type' = 'faq_declined'`, [v.conversationId]);
      expect(stored.rows[0]).toEqual({ n: 0 });

      await onlineAgent(t(), { name: 'Bo', capacity: 5 }); // drains v
      const direct = await shopper(t(), '退款怎么还没到账');
      expect(direct.messages.map((m: VisitorMessage) => m.event?.type).filter(Boolean)).toEqual(['opened', 'assigned']);
    });
  });
});
