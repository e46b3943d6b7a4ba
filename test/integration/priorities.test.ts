/**
 * Queue priority through real servers: a customer tier the host page signed (a forged, altered,
 * expired or unknown one is refused with TIER_INVALID and changes nothing), a complaint
 * registered on a waiting conversation, and the queue positions shoppers see following the new
 * order; then the same across two server processes sharing one private redis-server.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { signTier } from '../../server/domain/tiers';
import {
  call,
  chattingVisitor,
  collect,
  next,
  ok,
  TEST_TIER_SECRET,
  until,
  type TestServer,
  type VisitorClient,
} from '../helpers/chat';
import { startProcesses, type Processes } from '../helpers/processes';
import { useRedisServer, useTestServer, useTestStore } from '../helpers/suite';

jest.setTimeout(120_000);
const HOUR = 3_600_000;

/** A visitor whose host page proved `tier` (or passed `token`) before their first message. */
async function visitorWithTier(t: TestServer, token: string, text = 'Hello') {
  const socket = await t.visitor();
  const session = await ok(socket, 'session:sync', {});
  await ok(socket, 'visitor:profile', { tier: token });
  const routed = next(socket, 'message', (m) => m.event?.type === 'queued' || m.event?.type === 'assigned');
  const ack = await ok(socket, 'message:send', { clientId: randomUUID(), text });
  const event = (await routed).event!;
  return { socket, visitorId: session.visitorId, conversationId: ack.conversationId, event };
}

const positionOf = (socket: VisitorClient, conversationId: string, position: number) =>
  next(socket, 'conversation:state', (s) => s.id === conversationId && s.queuePosition === position);

describe('one process', () => {
  // The manual clock holds one rate window: room for the refusals below.
  const t = useTestServer({ clock: 'manual', limits: { visitorMessagesPerSecond: 50 } });

  test('a forged, altered, expired or unknown tier is refused with TIER_INVALID and changes nothing', async () => {
    const socket = await t().visitor();
    const { visitorId } = await ok(socket, 'session:sync', {});
    const valid = signTier(TEST_TIER_SECRET, 'vip', t.clock.now() + HOUR);
    const [tier, expires, signature] = valid.split('.');
    const refused = [
      signTier('another-site-secret-0123456789-abcdefghij', 'vip', t.clock.now() + HOUR), // forged
      `${tier}.${Number(expires) + 3600}.${signature}`, // expiry extended
      `standard.${expires}.${signature}`, // tier changed
      signTier(TEST_TIER_SECRET, 'vip', t.clock.now() - 1000), // expired
      'vip',
      `gold.${expires}.${signature}`,
    ];
    for (const token of refused) {
      const r = await call(socket, 'visitor:profile', { name: 'Mallory', tier: token });
      expect(r).toMatchObject({ ok: false, error: { code: 'TIER_INVALID' } });
    }
    expect(await t().store.getVisitor(visitorId)).toBeNull(); // nothing stored, not even the name
    await ok(socket, 'visitor:profile', { name: 'Vera', tier: valid });
    expect(await t().store.getVisitor(visitorId)).toMatchObject({ name: 'Vera' });
    // The same token, once the clock passed its expiry.
    t.clock.advance(HOUR);
    expect(await call(socket, 'visitor:profile', { tier: valid })).toMatchObject({ ok: false, error: { code: 'TIER_INVALID' } });
  });

  test('a VIP waits ahead of earlier shoppers, a complaint ahead of VIPs; positions and the first assignment follow', async () => {
    const n1 = await chattingVisitor(t(), 'Where is my order?');
    const n2 = await chattingVisitor(t(), 'Can I pay by card?');
    expect(await t().pool.queue()).toEqual([n1.conversationId, n2.conversationId]);

    const n1Second = positionOf(n1.socket, n1.conversationId, 2);
    const vip = await visitorWithTier(t(), signTier(TEST_TIER_SECRET, 'vip', t.clock.now() + HOUR), 'VIP here');
    expect(vip.event).toEqual({ type: 'queued', position: 1 });
    await n1Second;
    expect(await t().pool.queue()).toEqual([vip.conversationId, n1.conversationId, n2.conversationId]);

    // A standard tier changes no priority.
    const std = await visitorWithTier(t(), signTier(TEST_TIER_SECRET, 'standard', t.clock.now() + HOUR));
    expect(std.event).toEqual({ type: 'queued', position: 4 });

    // A lead registers the last shopper's conversation as a complaint while it waits.
    const lead = await t().createUser({ role: 'lead' });
    const moved = [positionOf(n2.socket, n2.conversationId, 1), positionOf(vip.socket, vip.conversationId, 2), positionOf(n1.socket, n1.conversationId, 3)];
    await request(t().server.app)
      .post('/api/v1/complaints')
      .set({ authorization: `Bearer ${lead.token}` })
      .send({ conversationId: n2.conversationId, category: 'payment', severity: 'medium' })
      .expect(201);
    await Promise.all(moved);
    expect(await t().pool.queue()).toEqual([n2.conversationId, vip.conversationId, n1.conversationId, std.conversationId]);
    expect(await t().store.getConversation(n2.conversationId)).toMatchObject({ priority: 2 });
    expect(await t().store.getConversation(vip.conversationId)).toMatchObject({ priority: 1 });

    // A proven VIP tier raises the conversation already waiting.
    await ok(std.socket, 'visitor:profile', { tier: signTier(TEST_TIER_SECRET, 'vip', t.clock.now() + HOUR) });
    await until(async () => (await t().pool.queue())[2] === std.conversationId);
    expect(await t().pool.queue()).toEqual([n2.conversationId, vip.conversationId, std.conversationId, n1.conversationId]);

    const user = await t().createUser({ capacity: 1 });
    const ana = await t().agent(user.token);
    const assigned = collect(ana, 'conversation:assigned');
    await ok(ana, 'session:sync', {});
    await ok(ana, 'agent:status', { status: 'online' });
    await until(() => assigned.length === 1);
    expect(assigned[0].conversation).toMatchObject({ id: n2.conversationId, priority: 2 });
  });
});

describe('two server processes on one Redis', () => {
  const store = useTestStore();
  const redis = useRedisServer();
  let p: Processes;
  beforeEach(async () => {
    p = await startProcesses(2, { store: store(), redisUrl: redis().url, limits: {} });
  });
  afterEach(() => p.close());

  test('VIP and complaint go first across processes, FIFO within a priority; a forged tier is refused', async () => {
    const [a, b] = p.procs.map((x) => x.t);
    const now = () => p.clock.now();
    const n1 = await chattingVisitor(a, 'first come');
    const n2 = await chattingVisitor(b, 'second come');
    const forger = await b.visitor();
    await ok(forger, 'session:sync', {});
    const forged = signTier('not-the-site-secret-0123456789-abcdefghij', 'vip', now() + HOUR);
    expect(await call(forger, 'visitor:profile', { tier: forged })).toMatchObject({ ok: false, error: { code: 'TIER_INVALID' } });
    const v1 = await visitorWithTier(b, signTier(TEST_TIER_SECRET, 'vip', now() + HOUR));
    const v2 = await visitorWithTier(a, signTier(TEST_TIER_SECRET, 'vip', now() + HOUR));
    const n3 = await chattingVisitor(a, 'third come');
    expect(v1.event).toEqual({ type: 'queued', position: 1 });
    expect(v2.event).toEqual({ type: 'queued', position: 2 });

    // A complaint registered through process a on a conversation of a shopper on process b.
    const lead = await a.createUser({ role: 'lead' });
    const n2First = positionOf(n2.socket, n2.conversationId, 1);
    await request(a.server.app)
      .post('/api/v1/complaints')
      .set({ authorization: `Bearer ${lead.token}` })
      .send({ conversationId: n2.conversationId, category: 'delivery', severity: 'high' })
      .expect(201);
    await n2First;
    const order = [n2, v1, v2, n1, n3].map((x) => x.conversationId);
    expect(await b.pool.queue()).toEqual(order);

    // An agent online on process b takes them in that order.
    const user = await b.createUser({ capacity: 5 });
    const agent = await b.agent(user.token);
    const assigned = collect(agent, 'conversation:assigned');
    await ok(agent, 'session:sync', {});
    await ok(agent, 'agent:status', { status: 'online' });
    await until(() => assigned.length === 5);
    expect(assigned.map((x) => x.conversation.id)).toEqual(order);
  });
});
