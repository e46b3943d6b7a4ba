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

export interface RateWindow {
  hits: number;
  /** Ms until the window ends and the key's count starts again from 0. */
  resetInMs: number;
}

export interface RateLimiter {
  /** Counts a hit; true when it is within the limit. */
  hit(key: string, limit: number, windowMs: number): Promise<boolean>;
  /**
   * Counts a hit on each key in turn, stopping at the first over its limit (later keys are
   * not charged); true when all are within their limits.
   */
  hitAll(checks: readonly RateCheck[]): Promise<boolean>;
  /**
   * Reads a key's current window without counting a hit: the hits so far and the ms until the
   * window ends (both 0 when no window is open). Lets a caller that counts only some outcomes
   * (failed logins) refuse before doing the work.
   */
  peek(key: string): Promise<RateWindow>;
  /**
   * For work whose outcome decides whether it counts (a login: only failures do), reserves one
   * attempt on every key before the work, so that attempts running in parallel cannot pass a
   * limit that counting afterwards would let them pass. Refused, reserving nothing, when on
   * some key the hits counted so far plus the reservations still open reach its limit.
   * `retryInMs` is then the time until that key's window ends, or 0 when open reservations
   * alone filled it (they are settled within moments). Every reservation is ended by
   * `settle`; one its process never settles lapses after `RESERVATION_TTL_MS`.
   */
  reserve(checks: readonly RateCheck[]): Promise<{ ok: true } | { ok: false; retryInMs: number }>;
  /** Ends a `reserve(checks)`: when `counted`, each key is charged a hit (every key, whatever its count). */
  settle(checks: readonly RateCheck[], counted: boolean): Promise<void>;
  close(): Promise<void>;
}

/** How long a reservation that is never settled (its process died) keeps counting. */
export const RESERVATION_TTL_MS = 60_000;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    /** redis/lua/rate-limit-hit-n.lua: numKeys, the keys, then windowMs and limit per key. */
    rateLimitHit(numKeys: number, ...keysThenArgs: (string | number)[]): Result<number, Context>;
    /** redis/lua/rate-limit-reserve-n.lua: numKeys, counter and reservations key per check, then the limits and the reservation TTL. */
    rateLimitReserve(numKeys: number, ...keysThenArgs: (string | number)[]): Result<[number, number], Context>;
    /** redis/lua/rate-limit-settle-n.lua: numKeys, counter and reservations key per check, then counted (0/1) and the windows. */
    rateLimitSettle(numKeys: number, ...keysThenArgs: (string | number)[]): Result<number, Context>;
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
  /** Open reservations per key; `lapseAt` moves with each new one (as the Redis key's expiry does). */
  const reserved = new Map<string, { n: number; lapseAt: number }>();
  let sweepAt = 0;

  const openWindow = (key: string, t: number) => {
    const w = windows.get(key);
    return w && w.resetAt > t ? w : undefined;
  };
  const openReservations = (key: string, t: number) => {
    const r = reserved.get(key);
    return r && r.lapseAt > t ? r.n : 0;
  };

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
    async peek(key) {
      const t = now();
      const w = openWindow(key, t);
      return w ? { hits: w.hits, resetInMs: w.resetAt - t } : { hits: 0, resetInMs: 0 };
    },
    async reserve(checks) {
      const t = now();
      for (const c of checks) {
        const w = openWindow(c.key, t);
        const hits = w?.hits ?? 0;
        if (hits + openReservations(c.key, t) >= c.limit) return { ok: false, retryInMs: w && hits >= c.limit ? w.resetAt - t : 0 };
      }
      for (const c of checks) reserved.set(c.key, { n: openReservations(c.key, t) + 1, lapseAt: t + RESERVATION_TTL_MS });
      return { ok: true };
    },
    async settle(checks, counted) {
      const t = now();
      for (const c of checks) {
        const r = reserved.get(c.key);
        if (r && --r.n <= 0) reserved.delete(c.key);
        if (counted) {
          sweep(t, c.windowMs);
          count(c.key, c.limit, c.windowMs, t);
        }
      }
    },
    /** Windows and reservations held in memory (for leak tests). */
    size: () => windows.size + reserved.size,
    async close() {
      windows.clear();
      reserved.clear();
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
  defineScripts(
    redis,
    { rateLimitHit: 'rate-limit-hit-n', rateLimitReserve: 'rate-limit-reserve-n', rateLimitSettle: 'rate-limit-settle-n' },
    opts.scriptsDir,
  );
  /** Each check's counter and its reservations' key. */
  const pairs = (checks: readonly RateCheck[]) => checks.flatMap((c) => [`${prefix}:rl:${c.key}`, `${prefix}:rl-reserved:${c.key}`]);
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
    async peek(key) {
      // The counter and its expiry, read together (the script sets the expiry with the first hit).
      const k = `${prefix}:rl:${key}`;
      const replies = await redis.multi().get(k).pttl(k).exec();
      if (!replies) throw new Error(`rate limit peek of ${k}: the transaction was discarded`);
      const [[getErr, raw], [ttlErr, ttl]] = replies;
      if (getErr || ttlErr) throw getErr ?? ttlErr;
      if (raw === null) return { hits: 0, resetInMs: 0 };
      const hits = Number(raw);
      // -2: the key expired between the two reads; -1 (no expiry) or a non-count never happen.
      if (ttl === -2) return { hits: 0, resetInMs: 0 };
      if (!(Number.isInteger(hits) && hits > 0 && typeof ttl === 'number' && ttl >= 0)) throw new Error(`rate limit peek of ${k}: count ${String(raw)}, PTTL ${String(ttl)}`);
      return { hits, resetInMs: ttl };
    },
    async reserve(checks) {
      const reply = await redis.rateLimitReserve(2 * checks.length, ...pairs(checks), ...checks.map((c) => c.limit), RESERVATION_TTL_MS);
      // [0, 0] reserved, or [1-based index of the key refused, ms to wait].
      const [over, retryInMs] = Array.isArray(reply) ? reply : [NaN, NaN];
      if (!(Number.isInteger(over) && over >= 0 && over <= checks.length && Number.isInteger(retryInMs) && retryInMs >= 0)) {
        throw unexpectedReply('rateLimitReserve', reply);
      }
      return over === 0 ? { ok: true } : { ok: false, retryInMs };
    },
    async settle(checks, counted) {
      const reply = await redis.rateLimitSettle(2 * checks.length, ...pairs(checks), counted ? 1 : 0, ...checks.map((c) => c.windowMs));
      if (reply !== 0) throw unexpectedReply('rateLimitSettle', reply);
    },
    async close() {},
  };
}
