/**
 * The presence pool conformance suite (../helpers/pool-conformance.ts) over the in-process
 * pool and the Redis pool on a private redis-server; redis-cluster.test.ts runs it on a Cluster.
 */
import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { createMemoryPresencePool } from '../../server/store/presence/memory';
import { createRedisPresencePool } from '../../server/store/presence/redis';
import { poolRefusalFor, PoolRefusalCode } from '../../server/store/redis/error-codes';
import { describePresencePool, redisHarness, type Factory } from '../helpers/pool-conformance';
import { startRedisServer, type TestRedisServer } from '../helpers/redis-server';

const memory: Factory = {
  name: 'memory',
  corruptible: false,
  async setup() {},
  async teardown() {},
  async create(defaultCapacity) {
    const pool = createMemoryPresencePool({ defaultCapacity });
    return { pool, peers: (n) => Array.from({ length: n }, () => pool), cleanup: () => pool.close() };
  },
};

let server: TestRedisServer | undefined;
const redisFactory: Factory = {
  name: 'redis',
  corruptible: true,
  async setup() {
    server = await startRedisServer();
  },
  async teardown() {
    await server?.stop();
  },
  async create(defaultCapacity) {
    return redisHarness(() => new Redis(server!.url), defaultCapacity);
  },
};

describePresencePool([memory, redisFactory]);

describe('Redis pool: script answers', () => {
  beforeAll(() => redisFactory.setup());
  afterAll(() => redisFactory.teardown());

  it('maps each documented code to its refusal and throws on any other, naming the script', () => {
    expect(poolRefusalFor('presenceTransfer', PoolRefusalCode.NotFound)).toBe('not_found');
    expect(poolRefusalFor('presenceTransfer', PoolRefusalCode.AgentUnavailable)).toBe('agent_unavailable');
    expect(poolRefusalFor('presenceTransfer', PoolRefusalCode.SameAgent)).toBe('same_agent');
    expect(poolRefusalFor('presenceTransfer', PoolRefusalCode.UnknownAgent)).toBe('unknown_agent');
    expect(poolRefusalFor('presenceTransfer', PoolRefusalCode.HolderChanged)).toBe('holder_changed');
    for (const code of [-6, -9, 0, 1]) {
      expect(() => poolRefusalFor('presenceTransfer', code)).toThrow(`Redis script presenceTransfer returned ${code}`);
    }
  });

  it('rejects an undocumented answer of a script instead of turning it into a plausible one', async () => {
    const redis = new Redis(server!.url);
    try {
      // Defined before the pool, which keeps a command already on the connection: the
      // scripts' stand-ins answer what no header documents.
      redis.defineCommand('presenceTransfer', { numberOfKeys: 6, lua: 'return -9' });
      redis.defineCommand('presenceRoute', { numberOfKeys: 6, lua: 'return -1' });
      redis.defineCommand('presenceReconcile', { numberOfKeys: 6, lua: 'return -1' });
      const pool = createRedisPresencePool({ redis, prefix: `test:${randomUUID()}`, defaultCapacity: 2 });
      await expect(pool.transfer('c1', 'a')).rejects.toThrow('Redis script presenceTransfer returned -9');
      // Only transfer documents refusal codes: -1 from route is a bug, not `not_found`.
      await expect(pool.route('c1')).rejects.toThrow('Redis script presenceRoute returned -1');
      await expect(pool.reconcile()).rejects.toThrow('Redis script presenceReconcile returned -1');
    } finally {
      await redis.quit();
    }
  });
});
