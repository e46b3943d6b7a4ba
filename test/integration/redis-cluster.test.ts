/**
 * The presence pool on Redis Cluster: the whole conformance suite (../helpers/pool-conformance.ts)
 * against a three-master cluster this file starts on free ports, through an ioredis Cluster
 * client. Every key a script touches carries the prefix's hash tag, so each script runs on the
 * one node that owns that slot; a script reaching another slot would fail with CROSSSLOT.
 */
import { Cluster } from 'ioredis';
import { describePresencePool, redisHarness, type Factory } from '../helpers/pool-conformance';
import { startRedisCluster, type TestRedisCluster } from '../helpers/redis-cluster';

// Three servers and `redis-cli --cluster create`: a few seconds on a busy machine.
jest.setTimeout(120_000);

let cluster: TestRedisCluster | undefined;
const clusterFactory: Factory = {
  name: 'redis cluster, 3 masters',
  corruptible: true,
  async setup() {
    cluster = await startRedisCluster(3);
  },
  async teardown() {
    await cluster?.stop();
  },
  async create(defaultCapacity) {
    return redisHarness(() => new Cluster(cluster!.nodes), defaultCapacity);
  },
};

describePresencePool([clusterFactory]);

describe('keys on a cluster', () => {
  beforeAll(() => clusterFactory.setup());
  afterAll(() => clusterFactory.teardown());

  test('pools under different prefixes land on different slots, each with all its keys in one', async () => {
    const slots = new Set<number>();
    for (let i = 0; i < 6; i++) {
      const h = await clusterFactory.create(2);
      await h.pool.agentConnected('a', 'p1', { status: 'online', capacity: 2 });
      await h.pool.route('c1');
      await h.pool.heartbeat('p1', 0, { deadAfterMs: 1000, graceDeadline: 1, epoch: 'e' });
      const client = new Cluster(cluster!.nodes);
      try {
        await new Promise((resolve) => client.once('ready', resolve)); // its node list is loaded
        const keys: string[] = [];
        for (const node of client.nodes('master')) keys.push(...(await node.keys('{test:*')));
        expect(keys.length).toBeGreaterThan(3); // agents, avail, assign, agent, convs, procs, epoch…
        const mine = new Set(await Promise.all(keys.map((k) => client.cluster('KEYSLOT', k) as Promise<number>)));
        expect(mine.size).toBe(1);
        mine.forEach((slot) => slots.add(slot));
        // All of one pool's keys are on one node: the count on that node equals the count anywhere.
        const perNode = await Promise.all(client.nodes('master').map(async (n) => (await n.keys('{test:*')).length));
        expect(perNode.filter((n) => n > 0)).toHaveLength(1);
      } finally {
        await h.cleanup();
        client.disconnect();
      }
    }
    expect(slots.size).toBeGreaterThan(1);
  });
});
