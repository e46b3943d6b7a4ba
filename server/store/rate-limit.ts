/**
 * Fixed-window rate limiting: at most `limit` hits per key in each window of `windowMs`,
 * the window starting at the key's first hit. In memory for the embedded mode, in Redis
 * (one Lua script, redis/lua/rate-limit-hit-n.lua) when several processes share the limits. Several
 * keys are checked in one call (one Redis round trip for a message's visitor and IP limits).
 */
import type { Redis, Result } from 'ioredis';
import { unexpectedReply } from './redis/error-codes';
import { defineScripts } from './redis/scripts';

export interface RateCheck {
  key: string;
  /** Hits allowed per window. */
  limit: number;
  windowMs: number;
}

export interface RateLimiter {
  /** Counts a hit; true when it is within the limit. */
  hit(key: string, limit: number, windowMs: number): Promise<boolean>;
  /**
   * Counts a hit on each key in turn, stopping at the first over its limit (later keys are
   * not charged); true when all are within their limits.
   */
  hitAll(checks: readonly RateCheck[]): Promise<boolean>;
  close(): Promise<void>;
}

declare module 'ioredis' {
  interface RedisCommander<Context> {
    /** redis/lua/rate-limit-hit-n.lua: numKeys, the keys, then windowMs and limit per key. */
    rateLimitHit(numKeys: number, ...keysThenArgs: (string | number)[]): Result<number, Context>;
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

  function count(key: string, limit: number, windowMs: number, t: number) {
    let w = windows.get(key);
    if (!w || w.resetAt <= t) {
      w = { hits: 0, resetAt: t + windowMs };
      windows.set(key, w);
    }
    w.hits += 1;
    return w.hits <= limit;
  }

  function sweep(t: number, windowMs: number) {
    // Drop expired windows at most once per window length, so memory is bounded by the
    // keys seen in the last two windows and a hit stays O(1) amortised.
    if (t >= sweepAt) {
      for (const [k, w] of windows) if (w.resetAt <= t) windows.delete(k);
      sweepAt = t + windowMs;
    }
  }

  return {
    hit(key, limit, windowMs) {
      return this.hitAll([{ key, limit, windowMs }]);
    },
    async hitAll(checks) {
      const t = now();
      for (const c of checks) {
        sweep(t, c.windowMs);
        if (!count(c.key, c.limit, c.windowMs, t)) return false;
      }
      return true;
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
   * Folder holding rate-limit-hit-n.lua; the production bundle copies it next to dist/server.js.
   * @default SCRIPTS_DIR of ./redis/scripts.ts
   */
  scriptsDir?: string;
}

export function createRedisRateLimiter(opts: RedisRateLimiterOptions): RateLimiter {
  const { redis, prefix } = opts;
  // No fixed numberOfKeys (`-n`): each call passes its own count first.
  defineScripts(redis, { rateLimitHit: 'rate-limit-hit-n' }, opts.scriptsDir);
  return {
    hit(key, limit, windowMs) {
      return this.hitAll([{ key, limit, windowMs }]);
    },
    async hitAll(checks) {
      const args: (string | number)[] = checks.map((c) => `${prefix}:rl:${c.key}`);
      for (const c of checks) args.push(c.windowMs, c.limit);
      const over = await redis.rateLimitHit(checks.length, ...args);
      // 0, or the 1-based index of the first key over its limit.
      if (!(Number.isInteger(over) && over >= 0 && over <= checks.length)) throw unexpectedReply('rateLimitHit', over);
      return over === 0;
    },
    async close() {},
  };
}
