/**
 * One conformance suite for every PresencePool implementation (like the Redis adapter's
 * test-runner): integration files call describePresencePool with their factories (the
 * in-process pool, Redis on a private redis-server, a private Redis Cluster).
 */
import { randomUUID } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import { createRedisPresencePool, presenceKeyBase } from '../../server/store/presence/redis';
import type { PoolChange, PresencePool, TransferResult } from '../../server/domain/ports/presence';

export interface Harness {
  pool: PresencePool;
  /** n pools over the same state; for Redis each on its own connection, like n processes. */
  peers(n: number): PresencePool[];
  /** Overwrite an agent's stored load behind the pool's back (Redis only). */
  corruptLoad?(agentId: string, load: number): Promise<void>;
  cleanup(): Promise<void>;
}

export interface Factory {
  name: string;
  /** The harness offers corruptLoad (state stored outside the pool's control). */
  corruptible: boolean;
  setup(): Promise<void>;
  teardown(): Promise<void>;
  create(defaultCapacity: number): Promise<Harness>;
}

/** A harness of Redis pools under one fresh prefix, each pool on its own connection from `connect`. */
export function redisHarness(connect: () => Redis | Cluster, defaultCapacity: number): Harness {
  const prefix = `test:${randomUUID()}`;
  const base = presenceKeyBase(prefix);
  const conns: (Redis | Cluster)[] = [];
  const make = () => {
    const redis = connect();
    conns.push(redis);
    return createRedisPresencePool({ redis, prefix, defaultCapacity });
  };
  const pool = make();
  return {
    pool,
    peers: (n) => Array.from({ length: n }, make),
    corruptLoad: async (agentId, load) => void (await conns[0].hset(`${base}:agent:${agentId}`, 'load', load)),
    async cleanup() {
      // Every key shares the prefix's hash slot, so one node holds them all (each node scanned on a Cluster).
      const c = conns[0];
      const nodes = 'nodes' in c ? c.nodes('master') : [c];
      for (const node of nodes) {
        const keys: string[] = [];
        for await (const batch of node.scanStream({ match: `${base}:*`, count: 500 })) keys.push(...batch);
        if (keys.length > 0) await node.del(...keys);
      }
      await Promise.all(conns.map((x) => x.quit()));
    },
  };
}

const pairs = (c: PoolChange) => c.assigned.map((a) => `${a.conversationId}>${a.agentId}`);
/** The change of a transfer that moved; fails the test on a refusal. */
const moved = (r: TransferResult) => {
  if (r.status !== 'moved') throw new Error(`transfer refused: ${r.status}`);
  return r;
};

/** Small seeded PRNG (mulberry32) so a failing interleaving can be replayed. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Registers the suite for each factory (its own describe block each). */
export function describePresencePool(factories: Factory[]) {
  describe.each(factories)('PresencePool ($name)', (factory) => {
    let h: Harness;
    let pool: PresencePool;

    beforeAll(() => factory.setup());
    afterAll(() => factory.teardown());
    beforeEach(async () => {
      h = await factory.create(2);
      pool = h.pool;
    });
    afterEach(() => h.cleanup());

    const online = (id: string, capacity: number) => pool.setAgent(id, { status: 'online', capacity });

    describe('routing', () => {
      it('picks the lowest load/capacity ratio, not the lowest load', async () => {
        await online('big', 10);
        for (const c of ['b1', 'b2', 'b3']) expect(await pool.route(c)).toMatchObject({ outcome: 'assigned', agentId: 'big' });
        await pool.setAgent('big', { status: 'away' });
        await online('small', 3);
        for (const c of ['s1', 's2']) expect(await pool.route(c)).toMatchObject({ outcome: 'assigned', agentId: 'small' });
        await pool.setAgent('big', { status: 'online' });

        // 3/10 beats 2/3 although 3 open > 2 open.
        const r = await pool.route('x');
        expect(r).toMatchObject({ outcome: 'assigned', agentId: 'big', queueChanged: false });
        expect(pairs(r)).toEqual(['x>big']);
      });

      it('breaks ratio ties by least recent assignment, never-assigned agents first', async () => {
        const routeTo = async (c: string) => ((await pool.route(c)) as { agentId?: string }).agentId;
        await online('a', 2);
        expect(await routeTo('c1')).toBe('a');
        await pool.release('c1'); // a: load 0 again, but it was assigned once
        await online('d', 2);
        expect(await routeTo('c2')).toBe('d'); // 0/2 each: the never-assigned one, despite its id
        expect(await routeTo('c3')).toBe('a'); // 0/2 < 1/2
        await online('b', 4);
        expect(await routeTo('c4')).toBe('b'); // 0/4
        expect(await routeTo('c5')).toBe('b'); // 1/4 < 1/2
        // All at 1/2 now (b at 2/4): d (c2) was assigned before a (c3), a before b (c5).
        expect(await routeTo('c6')).toBe('d');
        expect(await routeTo('c7')).toBe('a');
      });

      it('never exceeds capacity; the overflow waits in the queue', async () => {
        await online('a', 2);
        await pool.route('c1');
        await pool.route('c2');
        const r = await pool.route('c3');
        expect(r).toMatchObject({ outcome: 'queued', position: 1, queueChanged: true, assigned: [] });
        expect(await pool.agent('a')).toMatchObject({ load: 2, capacity: 2 });
        expect(await pool.agentConversations('a')).toEqual(['c1', 'c2']);
      });

      it('is idempotent for assigned and queued conversations', async () => {
        await online('a', 1);
        await pool.route('c1');
        expect(await pool.route('c1')).toEqual({ outcome: 'assigned', agentId: 'a', assigned: [], requeued: [], queueChanged: false });
        await pool.route('c2');
        expect(await pool.route('c2')).toEqual({ outcome: 'queued', position: 1, assigned: [], requeued: [], queueChanged: false });
        expect(await pool.queue()).toEqual(['c2']);
        expect((await pool.agent('a'))!.load).toBe(1);
      });

      it('keeps the queue FIFO and positions move as it does', async () => {
        for (const [i, c] of ['q1', 'q2', 'q3'].entries()) expect(await pool.route(c)).toMatchObject({ outcome: 'queued', position: i + 1 });
        expect((await pool.release('q1')).queueChanged).toBe(true);
        expect(await pool.queuePosition('q2')).toBe(1);
        expect(await pool.queuePosition('q3')).toBe(2);
        expect(await pool.queuePosition('q1')).toBeNull();

        const r = await online('a', 1);
        expect(pairs(r)).toEqual(['q2>a']);
        expect(r.queueChanged).toBe(true);
        expect(await pool.queue()).toEqual(['q3']);
        expect(await pool.queuePosition('q3')).toBe(1);
        // A new route never jumps ahead of the waiting ones.
        expect(await pool.route('q4')).toMatchObject({ outcome: 'queued', position: 2 });
      });

      it('release frees a slot that the queue head takes at once', async () => {
        await online('a', 1);
        await pool.route('c1');
        await pool.route('c2');
        await pool.route('c3');
        const r = await pool.release('c1');
        expect(r).toMatchObject({ agentId: 'a', queueChanged: true });
        expect(pairs(r)).toEqual(['c2>a']);
        expect(await pool.queue()).toEqual(['c3']);
        expect(await pool.release('nope')).toEqual({ agentId: null, assigned: [], requeued: [], queueChanged: false });
      });

      it('drains immediately when capacity is raised or an agent comes online', async () => {
        await pool.route('c1');
        await pool.route('c2');
        await pool.route('c3');
        const on = await online('a', 1); // unknown agent: created, then online
        expect(pairs(on)).toEqual(['c1>a']);
        expect(on.agent).toMatchObject({ status: 'online', capacity: 1, load: 1 });
        const raised = await pool.setAgent('a', { capacity: 5 });
        expect(pairs(raised)).toEqual(['c2>a', 'c3>a']);
        expect(raised.queueChanged).toBe(true);
        expect(await pool.queue()).toEqual([]);
      });

      it('creates unknown agents offline with the default capacity', async () => {
        const { agent } = await pool.setAgent('n', {});
        expect(agent).toEqual({ agentId: 'n', status: 'offline', capacity: 2, load: 0, connections: 0, graceDeadline: null });
        expect(await pool.agent('ghost')).toBeNull();
        expect((await pool.agents()).map((a) => a.agentId)).toEqual(['n']);
      });
    });

    describe('priority', () => {
      it('puts higher priority first and keeps FIFO within a priority; positions follow', async () => {
        await pool.route('n1');
        await pool.route('v1', { priority: 1 });
        await pool.route('n2');
        expect(await pool.route('c1', { priority: 2 })).toMatchObject({ outcome: 'queued', position: 1 });
        expect(await pool.route('v2', { priority: 1 })).toMatchObject({ outcome: 'queued', position: 3 });
        expect(await pool.queue()).toEqual(['c1', 'v1', 'v2', 'n1', 'n2']);
        expect(await pool.queuePosition('n1')).toBe(4);
        // A re-route is idempotent: options of a known conversation change nothing.
        expect(await pool.route('n2', { priority: 9 })).toMatchObject({ outcome: 'queued', position: 5, queueChanged: false });

        const on = await online('a', 3);
        expect(pairs(on)).toEqual(['c1>a', 'v1>a', 'v2>a']);
        expect(await pool.queue()).toEqual(['n1', 'n2']);
      });

      it('raising a queued conversation places it by when it arrived among its new priority', async () => {
        await pool.route('v1', { priority: 1 });
        await pool.route('n1');
        await pool.route('n2');
        await pool.route('v2', { priority: 1 });
        const raised = await pool.prioritize('n2', 1);
        expect(raised).toMatchObject({ found: true, queueChanged: true, assigned: [] });
        // n2 arrived before v2, after v1.
        expect(await pool.queue()).toEqual(['v1', 'n2', 'v2', 'n1']);
        expect(await pool.prioritize('n2', 1)).toMatchObject({ found: true, queueChanged: false });
        expect(await pool.prioritize('ghost', 3)).toEqual({ found: false, assigned: [], requeued: [], queueChanged: false });
        // An assigned conversation keeps its priority when it comes back to the queue.
        await online('a', 1);
        await pool.setAgent('a', { status: 'away' });
        expect(await pool.prioritize('v1', 3)).toMatchObject({ found: true, queueChanged: false });
        await pool.setAgent('a', { status: 'offline' });
        expect(await pool.queue()).toEqual(['v1', 'n2', 'v2', 'n1']);
        await pool.route('c1', { priority: 2 });
        expect(await pool.queue()).toEqual(['v1', 'c1', 'n2', 'v2', 'n1']);
      });

      it('requeued and sent-back conversations go ahead of their own priority only', async () => {
        await online('a', 2);
        await pool.route('n1');
        await pool.route('v1', { priority: 1 });
        await pool.route('v2', { priority: 1 });
        await pool.route('n2');
        expect(await pool.queue()).toEqual(['v2', 'n2']);
        const off = await pool.setAgent('a', { status: 'offline' });
        expect(off.requeued.map((r) => r.conversationId)).toEqual(['n1', 'v1']);
        expect(await pool.queue()).toEqual(['v1', 'v2', 'n1', 'n2']);
        await online('b', 1);
        expect(moved(await pool.transfer('v1', null))).toMatchObject({ requeued: [{ conversationId: 'v1', fromAgentId: 'b' }] });
        expect(await pool.agentConversations('b')).toEqual(['v1']); // the head again, straight back
        await pool.setAgent('b', { status: 'away' });
        expect(moved(await pool.transfer('n2', null))).toMatchObject({ queueChanged: true });
        expect(await pool.queue()).toEqual(['v2', 'n2', 'n1']);
      });

      it('keeps queue order under concurrent routes from several processes', async () => {
        const peers = h.peers(4);
        const random = rng(7);
        const convs = Array.from({ length: 120 }, (_, i) => ({ id: `c${i}`, priority: Math.floor(random() * 3) }));
        await Promise.all(convs.map((c, i) => peers[i % peers.length].route(c.id, { priority: c.priority })));
        const queue = await pool.queue();
        expect(new Set(queue).size).toBe(convs.length);
        const pri = new Map(convs.map((c) => [c.id, c.priority]));
        for (let i = 1; i < queue.length; i++) expect(pri.get(queue[i - 1])!).toBeGreaterThanOrEqual(pri.get(queue[i])!);
        await Promise.all(convs.filter((_, i) => i % 3 === 0).map((c, i) => peers[i % peers.length].prioritize(c.id, 3)));
        const after = await pool.queue();
        for (const c of convs) if (convs.indexOf(c) % 3 === 0) pri.set(c.id, 3);
        for (let i = 1; i < after.length; i++) expect(pri.get(after[i - 1])!).toBeGreaterThanOrEqual(pri.get(after[i])!);
        await online('a', 200);
        expect((await pool.agentConversations('a')).length).toBe(120);
      });
    });

    describe('departments', () => {
      it('routes to the least-loaded agent of the department and lets others pass a conversation nobody may take yet', async () => {
        await pool.setAgent('s1', { status: 'online', capacity: 2, departments: ['sales'] });
        await pool.setAgent('s2', { status: 'online', capacity: 4, departments: ['sales', 'care'] });
        await online('x', 1);
        expect(await pool.route('c1', { department: 'sales', overflowAt: 1000 })).toMatchObject({ agentId: 's1' });
        expect(await pool.route('c2', { department: 'sales', overflowAt: 1000 })).toMatchObject({ agentId: 's2' }); // 0/4 < 1/2
        expect(await pool.route('c3', { department: 'sales', overflowAt: 1000 })).toMatchObject({ agentId: 's2' }); // 1/4 < 1/2
        expect(await pool.route('c4')).toMatchObject({ agentId: 'x' }); // 0/1: the least loaded of all
        await pool.setAgent('s1', { status: 'away' });
        await pool.setAgent('s2', { status: 'away' });
        expect(await pool.route('w1', { department: 'care', overflowAt: 2000 })).toMatchObject({ outcome: 'queued', position: 1 });
        expect(await pool.route('n1')).toMatchObject({ outcome: 'queued', position: 2 });
        // y belongs to no department: n1 goes to y although w1 waits ahead of it.
        const y = await online('y', 2);
        expect(pairs(y)).toEqual(['n1>y']);
        expect(await pool.queue()).toEqual(['w1']);
        // Joining the department drains to the new member.
        expect(pairs(await pool.setAgent('y', { departments: ['care'] }))).toEqual(['w1>y']);
        expect((await pool.agent('y'))).toMatchObject({ load: 2 });
      });

      it('overflows to every agent once its wait is over, once', async () => {
        const [p1, p2] = h.peers(2);
        await pool.setAgent('s', { status: 'online', capacity: 1, departments: ['sales'] });
        await online('x', 2);
        await pool.route('c0', { department: 'sales', overflowAt: 500 }); // s
        await pool.route('c1', { department: 'sales', overflowAt: 1000 });
        await pool.route('c2', { department: 'sales', overflowAt: 1500 });
        expect(await pool.queue()).toEqual(['c1', 'c2']);
        expect(await pool.overflow(999)).toEqual({ overflowed: ['c0'], assigned: [], requeued: [], queueChanged: false });
        const results = await Promise.all([p1.overflow(1000), p2.overflow(1000)]);
        expect(results.flatMap((r) => r.overflowed)).toEqual(['c1']);
        expect(results.flatMap(pairs)).toEqual(['c1>x']);
        expect(await pool.queue()).toEqual(['c2']);
        const last = await pool.overflow(2000);
        expect(last).toMatchObject({ overflowed: ['c2'], queueChanged: true });
        expect(pairs(last)).toEqual(['c2>x']);
        // Released conversations leave no overflow behind.
        await pool.route('c3', { department: 'care', overflowAt: 3000 });
        await pool.release('c3');
        expect((await pool.overflow(4000)).overflowed).toEqual([]);
      });

      it('transfers to a department: the conversation waits for its agents, ahead of its priority', async () => {
        await pool.setAgent('care1', { status: 'away', capacity: 2, departments: ['care'] });
        await online('a', 2);
        await pool.route('c1');
        await pool.route('c2');
        await pool.route('c3');
        const r = moved(await pool.transfer('c1', null, { department: 'care', overflowAt: 5000 }));
        expect(r).toMatchObject({ fromAgentId: 'a', toAgentId: null, requeued: [{ conversationId: 'c1', fromAgentId: 'a' }] });
        expect(pairs(r)).toEqual(['c3>a']); // c1 may not go back to a: the slot goes to c3
        expect(await pool.queue()).toEqual(['c1']);
        expect(pairs(await pool.setAgent('care1', { status: 'online' }))).toEqual(['c1>care1']);
        // A queued conversation moves to the front with its new department.
        await pool.setAgent('care1', { status: 'away' });
        await pool.route('q1');
        await pool.route('q2');
        expect(moved(await pool.transfer('q2', null, { department: 'care', overflowAt: 6000 }))).toMatchObject({ queueChanged: true });
        expect(await pool.queue()).toEqual(['q2', 'q1']);
        expect(pairs(await pool.overflow(6000))).toEqual([]);
        expect(pairs(await pool.release('c2'))).toEqual(['q2>a']);
      });

      it('takes departments from the store on connect, announce and restore', async () => {
        await pool.route('w', { department: 'sales', overflowAt: 1e12 });
        const c = await pool.agentConnected('a', 'p1', { status: 'online', capacity: 2, departments: ['care'] });
        expect(pairs(c)).toEqual([]);
        expect(pairs(await pool.announce('p1', [{ agentId: 'a', connections: 1, status: 'online', capacity: 2, departments: ['sales'] }], 0))).toEqual(['w>a']);
        const r = await pool.restore(
          {
            agents: [{ agentId: 'b', status: 'online', capacity: 2, departments: ['care'] }],
            conversations: [
              { conversationId: 'r1', agentId: null, department: 'care', overflowAt: 1e12 },
              { conversationId: 'r2', agentId: null, priority: 1 },
            ],
          },
          9000,
        );
        expect(r).toMatchObject({ restored: 2 });
        expect(pairs(r)).toEqual(['r2>a']); // b is in grace; a is not in care
        expect(await pool.queue()).toEqual(['r1']);
        expect(pairs(await pool.agentConnected('b', 'p1'))).toEqual(['r1>b']);
      });
    });

    describe('status', () => {
      it('away keeps its chats and gets no new ones', async () => {
        await online('a', 3);
        await pool.route('c1');
        await pool.route('c2');
        const r = await pool.setAgent('a', { status: 'away' });
        expect(r).toMatchObject({ assigned: [], requeued: [], queueChanged: false });
        expect(await pool.route('c3')).toMatchObject({ outcome: 'queued', position: 1 });
        expect(await pool.agentConversations('a')).toEqual(['c1', 'c2']);
        expect(pairs(await online('b', 3))).toEqual(['c3>b']);
      });

      it('offline requeues its chats at the front, oldest assignment first, then re-routes them', async () => {
        await online('a', 2);
        await pool.route('z-old'); // ids in reverse order of assignment: order must come from the counter
        await pool.route('a-new');
        await pool.route('waiting');
        const off = await pool.setAgent('a', { status: 'offline' });
        expect(off.requeued).toEqual([
          { conversationId: 'z-old', fromAgentId: 'a' },
          { conversationId: 'a-new', fromAgentId: 'a' },
        ]);
        expect(off).toMatchObject({ assigned: [], queueChanged: true, agent: { status: 'offline', load: 0 } });
        expect(await pool.queue()).toEqual(['z-old', 'a-new', 'waiting']);
        expect(await pool.assignmentOf('z-old')).toBeNull();

        const on = await online('b', 2);
        expect(pairs(on)).toEqual(['z-old>b', 'a-new>b']);
        expect(await pool.queue()).toEqual(['waiting']);
      });
    });

    describe('transfer', () => {
      it('moves a conversation to an online agent with room', async () => {
        await online('a', 2);
        await online('b', 2);
        await pool.route('c1'); // a
        await pool.route('c2'); // b
        const r = moved(await pool.transfer('c1', 'b'));
        expect(r).toMatchObject({ fromAgentId: 'a', toAgentId: 'b', requeued: [], queueChanged: false });
        expect(pairs(r)).toEqual(['c1>b']);
        expect(await pool.assignmentOf('c1')).toBe('b');
        expect(await pool.agentConversations('b')).toEqual(['c2', 'c1']);
        expect((await pool.agent('a'))!.load).toBe(0);
      });

      it('refuses with a named outcome and changes nothing', async () => {
        await online('a', 1);
        await online('b', 1);
        await pool.setAgent('c', { status: 'away' });
        await pool.route('c1'); // a
        await pool.route('c2'); // b
        const reason = async (p: Promise<TransferResult>) => (await p).status;
        expect(await reason(pool.transfer('ghost', 'a'))).toBe('not_found');
        expect(await reason(pool.transfer('c1', 'nobody'))).toBe('unknown_agent');
        expect(await reason(pool.transfer('c1', 'a'))).toBe('same_agent');
        expect(await reason(pool.transfer('c1', 'b'))).toBe('agent_unavailable'); // full
        expect(await reason(pool.transfer('c1', 'c'))).toBe('agent_unavailable'); // away
        expect(await pool.assignmentOf('c1')).toBe('a');
        expect((await pool.agent('b'))!.load).toBe(1);
      });

      it('with an expected holder: moves only while that agent still holds it, in the same step', async () => {
        await online('a', 2);
        await online('b', 2);
        await online('c', 2);
        await pool.route('c1'); // a
        await pool.route('c2'); // b
        // Someone moved c1 from a to c after the caller read "a holds it": its move is refused.
        moved(await pool.transfer('c1', 'c'));
        expect(await pool.transfer('c1', 'b', { expectedFrom: 'a' })).toEqual({ status: 'holder_changed' });
        expect(await pool.transfer('c1', null, { expectedFrom: 'a', department: 'care', overflowAt: 5000 })).toEqual({ status: 'holder_changed' });
        expect(await pool.assignmentOf('c1')).toBe('c');
        expect((await pool.agent('b'))!.load).toBe(1);
        expect(await pool.queue()).toEqual([]);
        // Checked before the target: a wrong holder is named even when the target would refuse too.
        expect((await pool.transfer('c1', 'c', { expectedFrom: 'a' })).status).toBe('holder_changed');
        expect((await pool.transfer('ghost', 'b', { expectedFrom: 'a' })).status).toBe('not_found');
        // A queued conversation has no holder.
        await pool.setAgent('a', { status: 'away' });
        await pool.setAgent('b', { status: 'away' });
        await pool.setAgent('c', { status: 'away' });
        await pool.route('q1');
        expect((await pool.transfer('q1', null, { expectedFrom: 'a' })).status).toBe('holder_changed');
        expect(await pool.queue()).toEqual(['q1']);
        // The holder as expected: it moves.
        expect(pairs(await pool.setAgent('b', { status: 'online', capacity: 3 }))).toEqual(['q1>b']);
        const r = moved(await pool.transfer('c1', 'b', { expectedFrom: 'c' }));
        expect(r).toMatchObject({ fromAgentId: 'c', toAgentId: 'b' });
        expect(pairs(r)).toEqual(['c1>b']);
      });

      it('above capacity (a lead taking a chat for themself): to a full or away agent, never an offline one', async () => {
        await online('a', 2);
        await online('b', 1);
        await pool.setAgent('c', { status: 'away' });
        await pool.setAgent('d', { status: 'offline' });
        await pool.route('c1'); // a
        await pool.route('c2'); // b, now full
        await pool.route('c3'); // a
        expect(pairs(moved(await pool.transfer('c1', 'b', { aboveCapacity: true })))).toEqual(['c1>b']);
        expect(await pool.agent('b')).toMatchObject({ load: 2, capacity: 1 });
        expect(pairs(moved(await pool.transfer('c3', 'c', { aboveCapacity: true })))).toEqual(['c3>c']);
        expect(await pool.agent('c')).toMatchObject({ status: 'away', load: 1 });
        expect((await pool.transfer('c2', 'd', { aboveCapacity: true })).status).toBe('agent_unavailable');
        expect(await pool.assignmentOf('c2')).toBe('b');
        // Over capacity, b takes nothing from the queue until its load is below capacity again.
        await pool.route('c4');
        await pool.route('c5');
        expect(await pool.agentConversations('a')).toEqual(['c4', 'c5']);
        await pool.route('c6');
        expect(await pool.queue()).toEqual(['c6']);
      });

      it('to the queue goes to the front, and may come straight back', async () => {
        await online('a', 1);
        await pool.route('c1');
        await pool.route('c2');
        const back = moved(await pool.transfer('c1', null));
        expect(back).toMatchObject({ fromAgentId: 'a', toAgentId: null, requeued: [{ conversationId: 'c1', fromAgentId: 'a' }], queueChanged: false });
        expect(pairs(back)).toEqual(['c1>a']); // the head of the queue takes the freed slot

        await pool.setAgent('a', { status: 'away' });
        const queued = moved(await pool.transfer('c1', null));
        expect(queued).toMatchObject({ assigned: [], queueChanged: true });
        expect(await pool.queue()).toEqual(['c1', 'c2']);
        expect(pairs(await pool.setAgent('a', { status: 'online' }))).toEqual(['c1>a']);
      });
    });

    describe('grace', () => {
      it('counts connections and sets the deadline only when the last one goes', async () => {
        await pool.agentConnected('a', 'p1');
        expect((await pool.agentConnected('a', 'p1')).agent).toMatchObject({ connections: 2, graceDeadline: null, status: 'offline' });
        await online('a', 2);
        expect(await pool.agentDisconnected('a', 'p1', 1000)).toMatchObject({ connections: 1, graceDeadline: null });
        expect(await pool.agentDisconnected('a', 'p1', 1000)).toMatchObject({ connections: 0, graceDeadline: 1000 });
        expect(await pool.agentDisconnected('a', 'p1', 5000)).toMatchObject({ connections: 0, graceDeadline: 1000 });
      });

      it('a reconnect within grace keeps status and chats', async () => {
        await pool.agentConnected('a', 'p1');
        await online('a', 2);
        await pool.route('c1');
        await pool.agentDisconnected('a', 'p1', 1000);
        expect((await pool.expireGrace(999)).expiredAgentIds).toEqual([]);
        expect((await pool.agentConnected('a', 'p2')).agent).toMatchObject({ connections: 1, graceDeadline: null, status: 'online', load: 1 });
        expect(await pool.expireGrace(5000)).toEqual({ expiredAgentIds: [], assigned: [], requeued: [], queueChanged: false });
        expect(await pool.assignmentOf('c1')).toBe('a');
      });

      it('expiry sets offline and requeues at the front', async () => {
        await pool.agentConnected('a', 'p1');
        await online('a', 2);
        await pool.route('c1');
        await pool.route('c2');
        await pool.route('c3');
        await pool.agentDisconnected('a', 'p1', 1000);
        const r = await pool.expireGrace(1000);
        expect(r).toMatchObject({ expiredAgentIds: ['a'], assigned: [], queueChanged: true });
        expect(r.requeued.map((q) => q.conversationId)).toEqual(['c1', 'c2']);
        expect(await pool.queue()).toEqual(['c1', 'c2', 'c3']);
        expect(await pool.agent('a')).toMatchObject({ status: 'offline', load: 0, graceDeadline: null });
      });

      it('an agent in grace keeps their chats but is routed nothing new until they reconnect', async () => {
        await pool.agentConnected('a', 'p1');
        await online('a', 3);
        await pool.route('c1');
        await pool.agentDisconnected('a', 'p1', 1000);
        expect(await pool.route('c2')).toMatchObject({ outcome: 'queued', position: 1, assigned: [] });
        expect(await pool.transfer('c2', 'a')).toEqual({ status: 'agent_unavailable' });
        expect(pairs(await pool.setAgent('a', { capacity: 4 }))).toEqual([]); // still in grace
        expect(await pool.reconcile()).toBe(0);
        // Back within grace: the queue drains to them at once.
        const back = await pool.agentConnected('a', 'p2');
        expect(pairs(back)).toEqual(['c2>a']);
        expect(await pool.agentConversations('a')).toEqual(['c1', 'c2']);
      });

      it('two concurrent callers expire an agent once', async () => {
        const [p1, p2] = h.peers(2);
        await pool.agentConnected('a', 'p1');
        await online('a', 2);
        await online('b', 2);
        await pool.route('c1'); // a
        await pool.agentDisconnected('a', 'p1', 1000);
        const results = await Promise.all([p1.expireGrace(1500), p2.expireGrace(1500)]);
        expect(results.flatMap((r) => r.expiredAgentIds)).toEqual(['a']);
        expect(results.flatMap((r) => r.requeued)).toEqual([{ conversationId: 'c1', fromAgentId: 'a' }]);
        expect(results.flatMap(pairs)).toEqual(['c1>b']);
      });
    });

    describe('liveness', () => {
      const beat = (p: PresencePool, pid: string, now: number, epoch = `e-${pid}`) =>
        p.heartbeat(pid, now, { deadAfterMs: 10_000, graceDeadline: now + 30_000, epoch });

      it('the first heartbeat creates the epoch; later ones find it and know the process', async () => {
        expect(await beat(pool, 'p1', 0)).toEqual({ epoch: 'e-p1', epochCreated: true, known: false, dead: [], graced: [] });
        expect(await beat(pool, 'p1', 1000)).toEqual({ epoch: 'e-p1', epochCreated: false, known: true, dead: [], graced: [] });
        expect(await beat(pool, 'p2', 1000)).toEqual({ epoch: 'e-p1', epochCreated: false, known: false, dead: [], graced: [] });
      });

      it('a process that stops beating is declared dead: its agents with no socket left enter grace, keeping their chats', async () => {
        await beat(pool, 'p1', 0);
        await beat(pool, 'p2', 0);
        await pool.agentConnected('a', 'p1');
        await pool.agentConnected('b', 'p1');
        await pool.agentConnected('b', 'p2');
        await online('a', 2);
        await online('b', 2);
        await pool.route('c1'); // a
        await pool.route('c2'); // b
        await beat(pool, 'p2', 10_000); // p1's last beat is exactly 10 s old: not yet dead
        const r = await beat(pool, 'p2', 10_001);
        expect(r).toMatchObject({ dead: ['p1'], graced: ['a'] });
        expect(await pool.agent('a')).toMatchObject({ connections: 0, graceDeadline: 40_001, status: 'online', load: 1 });
        expect(await pool.agent('b')).toMatchObject({ connections: 1, graceDeadline: null, load: 1 });
        // After grace the dead process's agent hands its chat back; b, alive elsewhere, takes it.
        const expired = await pool.expireGrace(40_001);
        expect(expired).toMatchObject({ expiredAgentIds: ['a'], requeued: [{ conversationId: 'c1', fromAgentId: 'a' }] });
        expect(pairs(expired)).toEqual(['c1>b']);
        // A late disconnect from the dead process changes no count.
        expect(await pool.agentDisconnected('b', 'p1', 50_000)).toMatchObject({ connections: 1, graceDeadline: null });
      });

      it('an agent who reconnected on another process before the dead one was swept is left with the right count', async () => {
        await beat(pool, 'p1', 0);
        await pool.agentConnected('a', 'p1');
        await online('a', 2);
        await pool.route('c1');
        // p1 dies holding a's socket; a reconnects on p2 meanwhile.
        await pool.agentConnected('a', 'p2');
        expect(await pool.agent('a')).toMatchObject({ connections: 2 });
        expect(await beat(pool, 'p2', 20_000)).toMatchObject({ dead: ['p1'], graced: [] });
        expect(await pool.agent('a')).toMatchObject({ connections: 1, graceDeadline: null });
        // The one real socket goes: grace starts (a stale count would have kept a "connected" forever).
        expect(await pool.agentDisconnected('a', 'p2', 25_000)).toMatchObject({ connections: 0, graceDeadline: 25_000 });
      });

      it('survivors beating at once declare a dead process once', async () => {
        const peers = h.peers(3);
        await beat(pool, 'dead', 0);
        await pool.agentConnected('a', 'dead');
        await online('a', 1);
        const results = await Promise.all(peers.map((p, i) => beat(p, `s${i}`, 20_000)));
        expect(results.flatMap((r) => r.dead)).toEqual(['dead']);
        expect(results.flatMap((r) => r.graced)).toEqual(['a']);
      });

      it('announce replaces what the pool counted for a process and creates unknown agents from their defaults', async () => {
        await pool.route('q1');
        await pool.agentConnected('a', 'p1');
        await pool.agentConnected('a', 'p1');
        await online('a', 0);
        const change = await pool.announce(
          'p1',
          [{ agentId: 'n', connections: 2, status: 'online', capacity: 3 }],
          9000,
        );
        expect(pairs(change)).toEqual(['q1>n']);
        expect(await pool.agent('n')).toMatchObject({ status: 'online', capacity: 3, connections: 2, load: 1 });
        expect(await pool.agent('a')).toMatchObject({ connections: 0 });
        // Announcing again counts the same sockets, not twice as many.
        await pool.announce('p1', [{ agentId: 'n', connections: 2, status: 'away', capacity: 1 }], 9000);
        expect(await pool.agent('n')).toMatchObject({ status: 'online', capacity: 3, connections: 2 });
      });

      it('an agent connecting to a new pool is created in the status they chose, and the queue drains to them', async () => {
        await pool.route('q1');
        const r = await pool.agentConnected('a', 'p1', { status: 'online', capacity: 4 });
        expect(r.agent).toMatchObject({ status: 'online', capacity: 4, load: 1, connections: 1 });
        expect(pairs(r)).toEqual(['q1>a']);
        // A known agent keeps what the pool knows.
        expect((await pool.agentConnected('a', 'p1', { status: 'offline', capacity: 1 })).agent).toMatchObject({ status: 'online', capacity: 4 });
      });

      it('restore puts assignments back, queues the rest in order, gives unconnected agents grace, and runs once', async () => {
        await pool.agentConnected('b', 'p1', { status: 'online', capacity: 1 });
        const state = {
          agents: [
            { agentId: 'a', status: 'online' as const, capacity: 3 },
            { agentId: 'b', status: 'online' as const, capacity: 1 },
            { agentId: 'z', status: 'offline' as const, capacity: 2 },
          ],
          conversations: [
            { conversationId: 'c1', agentId: 'a' },
            { conversationId: 'c2', agentId: 'b' },
            { conversationId: 'c3', agentId: 'z' },
            { conversationId: 'c4', agentId: 'a' },
            { conversationId: 'c5', agentId: null },
            { conversationId: 'c6', agentId: null },
          ],
        };
        const r = await pool.restore(state, 7000);
        // a has room for one more but no socket (in grace): c3 (z is offline) waits with c5, c6.
        expect(r).toMatchObject({ restored: 6, requeued: [{ conversationId: 'c3', fromAgentId: 'z' }], assigned: [] });
        expect(await pool.agentConversations('a')).toEqual(['c1', 'c4']);
        expect(await pool.agentConversations('b')).toEqual(['c2']);
        expect(await pool.queue()).toEqual(['c3', 'c5', 'c6']);
        expect(await pool.agent('a')).toMatchObject({ status: 'online', load: 2, connections: 0, graceDeadline: 7000 });
        expect(await pool.agent('b')).toMatchObject({ load: 1, connections: 1, graceDeadline: null });
        expect(await pool.restore(state, 7000)).toEqual({ restored: 0, assigned: [], requeued: [], queueChanged: false });
        expect(await pool.reconcile()).toBe(0);
      });

      it('a lease is held by one holder until it lapses, and renewed by its holder', async () => {
        const [p1, p2] = h.peers(2);
        expect(await p1.acquireLease('repair', 'x', 0, 1000)).toBe(true);
        expect(await p2.acquireLease('repair', 'y', 500, 1000)).toBe(false);
        expect(await p1.acquireLease('repair', 'x', 900, 1000)).toBe(true);
        expect(await p2.acquireLease('repair', 'y', 1800, 1000)).toBe(false);
        expect(await p2.acquireLease('repair', 'y', 1900, 1000)).toBe(true);
        expect(await Promise.all([p1.acquireLease('other', 'x', 0, 10), p2.acquireLease('other', 'y', 0, 10)])).toEqual(
          expect.arrayContaining([true, false]),
        );
      });
    });

    describe('assignment tally', () => {
      const MIN = 60_000;
      const t0 = Date.UTC(2026, 0, 5, 9, 0, 0);

      it('counts per minute from the minute holding `from`, and drops minutes older than keep', async () => {
        expect(await pool.assignmentsSince(t0)).toBe(0);
        await pool.tallyAssignments(2, t0 + 10_000, 15 * MIN);
        await pool.tallyAssignments(1, t0 + 50_000, 15 * MIN); // the same minute
        await pool.tallyAssignments(3, t0 + 5 * MIN, 15 * MIN);
        expect(await pool.assignmentsSince(t0 + 59_999)).toBe(6); // the first minute is included whole
        expect(await pool.assignmentsSince(t0 + MIN)).toBe(3);
        expect(await pool.assignmentsSince(t0 + 6 * MIN)).toBe(0);
        // 20 minutes on, a new tally drops the minutes older than 15 (the read alone would too, by `from`).
        await pool.tallyAssignments(1, t0 + 20 * MIN, 15 * MIN);
        expect(await pool.assignmentsSince(t0)).toBe(4); // 3 at t0 + 5 min, 1 at t0 + 20 min: the first minute's 3 are gone
      });

      it('loses no count when several processes tally at once', async () => {
        const peers = h.peers(4);
        await Promise.all(Array.from({ length: 40 }, (_, i) => peers[i % 4].tallyAssignments(1 + (i % 3), t0 + (i % 2) * MIN, 15 * MIN)));
        // 40 calls adding 1, 2, 3, 1, 2, 3, …: 14 ones, 13 twos, 13 threes.
        expect(await pool.assignmentsSince(t0)).toBe(14 + 26 + 39);
        expect(await peers[2].assignmentsSince(t0)).toBe(79);
      });
    });

    describe('reconcile', () => {
      it('returns 0 when consistent', async () => {
        await online('a', 2);
        await online('b', 1);
        for (const c of ['c1', 'c2', 'c3', 'c4']) await pool.route(c);
        await pool.release('c2');
        await pool.setAgent('b', { status: 'offline' });
        expect(await pool.reconcile()).toBe(0);
      });

      // Only defined for Redis: the in-process pool has no stored state to corrupt behind its back.
      if (factory.corruptible) it('repairs a load corrupted behind its back', async () => {
        await online('a', 3);
        await pool.route('c1');
        await h.corruptLoad!('a', 3); // looks full: a new route would queue
        expect(await pool.reconcile()).toBe(1);
        expect(await pool.agent('a')).toMatchObject({ load: 1 });
        expect(await pool.reconcile()).toBe(0);
        expect(await pool.route('c2')).toMatchObject({ outcome: 'assigned', agentId: 'a' });
      });
    });

    it('keeps its invariants under concurrent routes, releases and status changes', async () => {
      const random = rng(42);
      const caps = [1, 2, 3, 5, 1, 2, 4, 3, 2, 6];
      const agents = caps.map((_, i) => `agent-${i}`);
      await Promise.all(agents.map((id, i) => online(id, caps[i])));
      const peers = h.peers(4);
      const peer = () => peers[Math.floor(random() * peers.length)];

      const changes: PoolChange[] = [];
      const releasedFrom = new Map<string, string | null>();
      const convs = Array.from({ length: 300 }, (_, i) => `conv-${i}`);
      const statuses = ['online', 'online', 'away', 'offline'] as const;
      const later = (ms: number) => new Promise((r) => setTimeout(r, ms));
      const ops: (() => Promise<void>)[] = convs.map((c) => async () => {
        changes.push(await peer().route(c));
        // Half are closed soon after they are routed, while other routes still arrive.
        if (random() < 1 / 2) {
          await later(random() * 10);
          const r = await peer().release(c);
          changes.push(r);
          releasedFrom.set(c, r.agentId);
        }
      });
      for (let i = 0; i < 40; i++) {
        const status = statuses[Math.floor(random() * statuses.length)];
        const id = agents[Math.floor(random() * agents.length)];
        ops.push(async () => void changes.push(await peer().setAgent(id, { status })));
      }
      // Every operation starts at a random moment within 30 ms: all kinds overlap.
      await Promise.all(ops.map(async (op) => (await later(random() * 30), op())));

      const queue = await pool.queue();
      expect(new Set(queue).size).toBe(queue.length); // no duplicates in the queue
      const owner = new Map<string, string>();
      for (const a of await pool.agents()) {
        const list = await pool.agentConversations(a.agentId);
        expect(a.load).toBe(list.length);
        expect(a.load).toBeLessThanOrEqual(a.capacity);
        if (queue.length > 0) expect(a.status === 'online' && a.load < a.capacity).toBe(false); // drained
        for (const c of list) {
          expect(owner.has(c)).toBe(false); // at most one agent
          owner.set(c, a.agentId);
          expect(await pool.assignmentOf(c)).toBe(a.agentId);
        }
      }
      for (const c of convs) {
        const placed = Number(owner.has(c)) + Number(queue.includes(c));
        expect([c, placed]).toEqual([c, releasedFrom.has(c) ? 0 : 1]); // none lost, none doubled
      }

      // Every assignment of a conversation ends in exactly one of: a requeue, the release, or
      // it still holds. So no conversation is handed out twice in between.
      const count = (pick: (ch: PoolChange) => { conversationId: string }[]) => {
        const m = new Map<string, number>();
        for (const ch of changes) for (const x of pick(ch)) m.set(x.conversationId, (m.get(x.conversationId) ?? 0) + 1);
        return m;
      };
      const assigned = count((ch) => ch.assigned);
      const requeued = count((ch) => ch.requeued);
      for (const c of convs) {
        const ends = (requeued.get(c) ?? 0) + Number(owner.has(c)) + Number(releasedFrom.get(c) != null);
        expect([c, assigned.get(c) ?? 0]).toEqual([c, ends]);
      }
      expect(await pool.reconcile()).toBe(0);
    });
  });
}
