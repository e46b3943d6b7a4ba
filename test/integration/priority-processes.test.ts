/**
 * Queue priority across two real server processes (`server/main.ts`, as deployed) on one
 * private redis-server and one PostgreSQL database, with the tier secret from the
 * environment (VISITOR_TIER_SECRET): a forged tier is refused, VIPs wait ahead of earlier
 * shoppers, a complaint registered through one process moves a shopper of the other to the
 * head, and an agent then receives them in that order.
 */
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { Socket } from 'socket.io-client';
import { createTokenService } from '../../server/domain/auth';
import { signTier } from '../../server/domain/tiers';
import { openTestStore, until, type TestStore } from '../helpers/chat';
import { createTestDatabase } from '../helpers/postgres';
import { startRedisServer } from '../helpers/redis-server';
import { ok, open, startProcess, stopProcesses } from '../helpers/spawn-server';

jest.setTimeout(120_000);
const SECRET = 'priority-test-secret-0123456789-abcdefghij';
const TIER_SECRET = 'the-shops-tier-secret-0123456789-abcdefghij';
const HOUR = 3_600_000;

/** An emit's whole ack, refusals included. */
const call = (s: Socket, event: string, payload: unknown): Promise<any> => s.timeout(20_000).emitWithAck(event, payload);

test('two processes: a forged tier is refused; complaint, then VIPs, then the rest, first come first served', async () => {
  const redis = await startRedisServer();
  const db = await createTestDatabase();
  const children: ChildProcess[] = [];
  const sockets: Socket[] = [];
  let store: TestStore | undefined;
  try {
    const env = {
      REDIS_URL: redis.url,
      REDIS_PREFIX: `prio:${randomUUID()}`,
      DATABASE_URL: db.url,
      SECRET,
      VISITOR_TIER_SECRET: TIER_SECRET,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      RATE_SYNC_IP_PER_MINUTE: '10000',
      RATE_NEW_CONVERSATIONS_IP_PER_MINUTE: '10000',
      MAX_CONNECTIONS_PER_IP: '10000',
    };
    // One after the other: the first runs the migrations.
    const a = await startProcess(env);
    children.push(a.child);
    const b = await startProcess(env);
    children.push(b.child);
    store = await openTestStore(db.url);

    const visitor = async (url: string, text: string, tier?: string) => {
      const s = await open(`${url}/visitor`);
      sockets.push(s);
      await ok(s, 'session:sync', {});
      if (tier) await ok(s, 'visitor:profile', { tier });
      const routed = new Promise<any>((resolve) => s.on('message', (m: any) => m.event?.type === 'queued' && resolve(m.event)));
      const ack = await ok(s, 'message:send', { clientId: randomUUID(), text });
      return { socket: s, conversationId: ack.conversationId as string, queued: await routed };
    };
    const vip = () => signTier(TIER_SECRET, 'vip', Date.now() + HOUR);

    const n1 = await visitor(a.url, 'first come');
    const n2 = await visitor(b.url, 'second come');
    const forger = await open(`${b.url}/visitor`);
    sockets.push(forger);
    await ok(forger, 'session:sync', {});
    const forged = await call(forger, 'visitor:profile', { name: 'Mallory', tier: signTier('not-the-shops-secret-0123456789-abcdef', 'vip', Date.now() + HOUR) });
    expect(forged).toMatchObject({ ok: false, error: { code: 'TIER_INVALID' } });
    const v1 = await visitor(b.url, 'VIP one', vip());
    const v2 = await visitor(a.url, 'VIP two', vip());
    const n3 = await visitor(a.url, 'third come');
    expect([n1, n2, v1, v2, n3].map((x) => x.queued.position)).toEqual([1, 2, 1, 2, 5]);

    // A lead registers n2 (a shopper on b) as a complaint through a.
    const tokens = createTokenService(SECRET, { now: () => Date.now() });
    const lead = await store.store.upsertUser({ email: `lead-${randomUUID()}@example.test`, displayName: 'Lena', role: 'lead', passwordHash: 'unused', capacity: 5 });
    const n2First = new Promise<void>((resolve) => n2.socket.on('conversation:state', (st: any) => st.queuePosition === 1 && resolve()));
    const res = await fetch(`${a.url}/api/v1/complaints`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.sign(lead.id, 'lead', 3600)}` },
      body: JSON.stringify({ conversationId: n2.conversationId, category: 'delivery', severity: 'high' }),
    });
    expect(res.status).toBe(201);
    await n2First;

    // An agent on b takes all five, in queue order.
    const agentUser = await store.store.upsertUser({ email: `ana-${randomUUID()}@example.test`, displayName: 'Ana', role: 'agent', passwordHash: 'unused', capacity: 5 });
    const agent = await open(`${b.url}/agent`, tokens.sign(agentUser.id, 'agent', 3600));
    sockets.push(agent);
    const assigned: string[] = [];
    agent.on('conversation:assigned', (p: any) => assigned.push(p.conversation.id));
    await ok(agent, 'session:sync', {});
    await ok(agent, 'agent:status', { status: 'online' });
    await until(() => assigned.length === 5);
    expect(assigned).toEqual([n2, v1, v2, n1, n3].map((x) => x.conversationId));
  } finally {
    sockets.forEach((s) => s.disconnect());
    await stopProcesses(children);
    await store?.store.close();
    await store?.sql.close();
    await redis.stop();
    await db.drop();
  }
});
