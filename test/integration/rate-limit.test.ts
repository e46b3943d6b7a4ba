/**
 * One suite for both rate limiters: in memory (fake clock) and Redis (private redis-server).
 * Time moves only when a test says so, on both: Redis's windows are key expiries, which
 * `advance` shortens by the time that passes (nothing sleeps, so a busy machine cannot end a
 * window early between two calls; the windows are long for the same reason).
 */
import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { createMemoryRateLimiter, createRedisRateLimiter, type RateLimiter } from '../../server/store/rate-limit';
import { startRedisServer, type TestRedisServer } from '../helpers/redis-server';

interface Harness {
  limiter: RateLimiter;
  /** Let `ms` pass: the fake clock moves for memory; for Redis every key's expiry comes `ms` nearer. */
  advance(ms: number): Promise<void>;
  cleanup(): Promise<void>;
}

let server: TestRedisServer | undefined;
let redis: Redis | undefined;

const factories = [
  {
    name: 'memory',
    setup: async () => {},
    teardown: async () => {},
    create: async (): Promise<Harness> => {
      let t = 1_000_000;
      const limiter = createMemoryRateLimiter({ now: () => t });
      return { limiter, advance: async (ms) => void (t += ms), cleanup: () => limiter.close() };
    },
  },
  {
    name: 'redis',
    setup: async () => {
      server = await startRedisServer();
      redis = new Redis(server.url);
    },
    teardown: async () => {
      await redis?.quit();
      await server?.stop();
    },
    create: async (): Promise<Harness> => {
      const prefix = `test:${randomUUID()}`;
      const limiter = createRedisRateLimiter({ redis: redis!, prefix });
      return {
        limiter,
        async advance(ms) {
          for (const key of await redis!.keys(`${prefix}:*`)) {
            const ttl = await redis!.pttl(key);
            if (ttl < 0) continue;
            if (ttl <= ms) await redis!.del(key);
            else await redis!.pexpire(key, ttl - ms);
          }
        },
        async cleanup() {
          const keys = await redis!.keys(`${prefix}:*`);
          if (keys.length > 0) await redis!.del(...keys);
          await limiter.close();
        },
      };
    },
  },
];

describe.each(factories)('RateLimiter ($name)', (factory) => {
  let h: Harness;
  beforeAll(() => factory.setup());
  afterAll(() => factory.teardown());
  beforeEach(async () => (h = await factory.create()));
  afterEach(() => h.cleanup());

  it('allows `limit` hits per window, then refuses until the window ends', async () => {
    const hits = [];
    for (let i = 0; i < 4; i++) hits.push(await h.limiter.hit('ip:1', 3, 20_000));
    expect(hits).toEqual([true, true, true, false]);
    await h.advance(25_000);
    expect(await h.limiter.hit('ip:1', 3, 20_000)).toBe(true);
  });

  it('counts keys separately', async () => {
    expect(await h.limiter.hit('a', 1, 100_000)).toBe(true);
    expect(await h.limiter.hit('a', 1, 100_000)).toBe(false);
    expect(await h.limiter.hit('b', 1, 100_000)).toBe(true);
  });

  it('admits exactly `limit` of many concurrent hits', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => h.limiter.hit('burst', 5, 100_000)));
    expect(results.filter(Boolean)).toHaveLength(5);
  });

  it('checks several keys in one call, each with its own limit and window, charging none after a refusal', async () => {
    const visitorAndIp = [
      { key: 'v:1', limit: 2, windowMs: 100_000 },
      { key: 'ip:1', limit: 3, windowMs: 20_000 },
    ];
    expect(await h.limiter.hitAll(visitorAndIp)).toBe(true);
    expect(await h.limiter.hitAll(visitorAndIp)).toBe(true);
    // The visitor key is over its limit: refused, and the IP key is not charged for it.
    expect(await h.limiter.hitAll(visitorAndIp)).toBe(false);
    expect(await h.limiter.hit('ip:1', 3, 20_000)).toBe(true);
    // A second visitor from the same IP: its own key is fresh, the shared IP key is now full.
    expect(await h.limiter.hitAll([{ key: 'v:2', limit: 2, windowMs: 100_000 }, visitorAndIp[1]])).toBe(false);
    await h.advance(25_000);
    // The IP window (20 s) ended; the visitor's (100 s) did not.
    expect(await h.limiter.hitAll([{ key: 'v:2', limit: 2, windowMs: 100_000 }, visitorAndIp[1]])).toBe(true);
    expect(await h.limiter.hitAll(visitorAndIp)).toBe(false);
  });

  it('peeks at a window without counting: its hits and the ms until it ends', async () => {
    expect(await h.limiter.peek('peek')).toEqual({ hits: 0, resetInMs: 0 });
    await h.limiter.hit('peek', 2, 100_000);
    await h.limiter.hit('peek', 2, 100_000);
    const w = await h.limiter.peek('peek');
    expect(w.hits).toBe(2);
    expect(w.resetInMs).toBeGreaterThan(80_000);
    expect(w.resetInMs).toBeLessThanOrEqual(100_000);
    // Peeking did not count: still 2, and the refused third hit makes it 3 (refused hits count).
    expect(await h.limiter.peek('peek')).toMatchObject({ hits: 2 });
    expect(await h.limiter.hit('peek', 2, 100_000)).toBe(false);
    expect(await h.limiter.peek('peek')).toMatchObject({ hits: 3 });
    await h.advance(100_050);
    expect(await h.limiter.peek('peek')).toEqual({ hits: 0, resetInMs: 0 });
  });

  it('reserves before the work and counts only what settles as counted', async () => {
    const acct = { key: 'res:acct', limit: 3, windowMs: 100_000 };
    const ip = { key: 'res:ip', limit: 5, windowMs: 100_000 };
    // Three open reservations fill the account's limit; nothing is counted yet.
    for (let i = 0; i < 3; i++) expect(await h.limiter.reserve([acct, ip])).toEqual({ ok: true });
    expect(await h.limiter.peek(acct.key)).toEqual({ hits: 0, resetInMs: 0 });
    // Refused, reserving nothing on either key, with 0 ms: only reservations fill it.
    expect(await h.limiter.reserve([acct, ip])).toEqual({ ok: false, retryInMs: 0 });
    // Two succeed (given back), one fails (counted on both keys).
    await h.limiter.settle([acct, ip], false);
    await h.limiter.settle([acct, ip], false);
    await h.limiter.settle([acct, ip], true);
    expect(await h.limiter.peek(acct.key)).toMatchObject({ hits: 1 });
    expect(await h.limiter.peek(ip.key)).toMatchObject({ hits: 1 });
    // The IP key alone: 1 counted, 4 more places.
    for (let i = 0; i < 4; i++) expect(await h.limiter.reserve([ip])).toEqual({ ok: true });
    const refused = await h.limiter.reserve([acct, ip]);
    expect(refused).toEqual({ ok: false, retryInMs: 0 });
    for (let i = 0; i < 4; i++) await h.limiter.settle([ip], true);
    // Now the IP key's limit is reached by counted hits: the wait is the window's rest.
    const locked = await h.limiter.reserve([acct, ip]);
    expect(locked.ok).toBe(false);
    if (!locked.ok) {
      expect(locked.retryInMs).toBeGreaterThan(0);
      expect(locked.retryInMs).toBeLessThanOrEqual(100_000);
    }
    expect(await h.limiter.peek(acct.key)).toMatchObject({ hits: 1 });
    await h.advance(100_050);
    expect(await h.limiter.reserve([acct, ip])).toEqual({ ok: true });
    await h.limiter.settle([acct, ip], false);
    expect(await h.limiter.peek(ip.key)).toEqual({ hits: 0, resetInMs: 0 });
  });

  it('of many concurrent reservations, exactly `limit` are granted', async () => {
    const check = { key: 'res:burst', limit: 7, windowMs: 100_000 };
    const results = await Promise.all(Array.from({ length: 30 }, () => h.limiter.reserve([check])));
    expect(results.filter((r) => r.ok)).toHaveLength(7);
    await Promise.all(Array.from({ length: 7 }, () => h.limiter.settle([check], true)));
    expect(await h.limiter.peek(check.key)).toMatchObject({ hits: 7 });
    expect((await h.limiter.reserve([check])).ok).toBe(false);
  });

  it('admits exactly `limit` of many concurrent multi-key hits', async () => {
    const checks = [{ key: 'multi:v', limit: 50, windowMs: 100_000 }, { key: 'multi:ip', limit: 5, windowMs: 100_000 }];
    const results = await Promise.all(Array.from({ length: 20 }, () => h.limiter.hitAll(checks)));
    expect(results.filter(Boolean)).toHaveLength(5);
  });
});

test('the memory limiter drops expired windows', async () => {
  let t = 0;
  const limiter = createMemoryRateLimiter({ now: () => t });
  for (let i = 0; i < 1000; i++) await limiter.hit(`k${i}`, 1, 100);
  expect(limiter.size()).toBe(1000);
  t += 150;
  await limiter.hit('fresh', 1, 100);
  expect(limiter.size()).toBe(1);
});

test('the Redis limiter rejects an answer its script does not document', async () => {
  const own = await startRedisServer();
  const conn = new Redis(own.url);
  try {
    // Defined before the limiter, which keeps a command already on the connection.
    conn.defineCommand('rateLimitHit', { lua: 'return #KEYS + 1' });
    const limiter = createRedisRateLimiter({ redis: conn, prefix: `test:${randomUUID()}` });
    await expect(limiter.hitAll([{ key: 'a', limit: 1, windowMs: 1000 }])).rejects.toThrow('Redis script rateLimitHit returned 2');
  } finally {
    await conn.quit();
    await own.stop();
  }
});
