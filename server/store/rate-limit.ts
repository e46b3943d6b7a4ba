/**
 * Fixed-window rate limiting: at most `limit` hits per key in each window of `windowMs`,
 * the window starting at the key's first hit. In memory for the embedded mode, in Redis
 * (one Lua script, lua/rate-limit-1.lua) when several processes share the limits.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Redis, Result } from 'ioredis';

export interface RateLimiter {
  /** Counts a hit; true when it is within the limit. */
  hit(key: string, limit: number, windowMs: number): Promise<boolean>;
  close(): Promise<void>;
}

declare module 'ioredis' {
  interface RedisCommander<Context> {
    rateLimitHit(key: string, windowMs: number): Result<number, Context>;
  }
}

export interface MemoryRateLimiterOptions {
  /**
   * Clock in ms, injectable so tests need not sleep.
   * @default Date.now
   */
  now?: () => number;
}

export function createMemoryRateLimiter(opts: MemoryRateLimiterOptions = {}): RateLimiter & { size(): number } {
  const now = opts.now ?? Date.now;
  const windows = new Map<string, { hits: number; resetAt: number }>();
  let sweepAt = 0;

  return {
    async hit(key, limit, windowMs) {
      const t = now();
      // Drop expired windows at most once per window length, so memory is bounded by the
      // keys seen in the last two windows and a hit stays O(1) amortised.
      if (t >= sweepAt) {
        for (const [k, w] of windows) if (w.resetAt <= t) windows.delete(k);
        sweepAt = t + windowMs;
      }
      let w = windows.get(key);
      if (!w || w.resetAt <= t) {
        w = { hits: 0, resetAt: t + windowMs };
        windows.set(key, w);
      }
      w.hits += 1;
      return w.hits <= limit;
    },
    /** Windows held in memory (for leak tests). */
    size: () => windows.size,
    async close() {
      windows.clear();
    },
  };
}

export interface RedisRateLimiterOptions {
  /** Connection for the script; the limiter does not own it (close() leaves it open). */
  redis: Redis;
  /** Namespace of the counters: `<prefix>:rl:<key>`. */
  prefix: string;
  /**
   * Folder holding rate-limit-1.lua; the production bundle copies it next to dist/server.js.
   * @default path.join(__dirname, 'lua')
   */
  scriptsDir?: string;
}

export function createRedisRateLimiter(opts: RedisRateLimiterOptions): RateLimiter {
  const { redis, prefix } = opts;
  if (typeof (redis as unknown as Record<string, unknown>).rateLimitHit !== 'function') {
    const lua = readFileSync(path.join(opts.scriptsDir ?? path.join(__dirname, 'lua'), 'rate-limit-1.lua'), 'utf8');
    redis.defineCommand('rateLimitHit', { numberOfKeys: 1, lua });
  }
  return {
    async hit(key, limit, windowMs) {
      return (await redis.rateLimitHit(`${prefix}:rl:${key}`, windowMs)) <= limit;
    },
    async close() {},
  };
}
