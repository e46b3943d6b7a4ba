/**
 * Several server processes in one test process: ChatServers sharing one store, one private
 * Redis (one key prefix) and one manual clock, each of which can die without a goodbye.
 */
import { randomUUID } from 'node:crypto';
import type { PresencePool } from '../../server/domain/ports/presence';
import type { ChatLimits } from '../../server/config';
import { startTestServer, type TestServer, type TestStore } from './chat';
import { manualClock, type ManualClock } from './clock';
import { faulty, type Faulty } from './faults';

/** A pool whose every call (but close) fails once `halt()` was called: a process that died mid-flight. */
export function haltable(pool: PresencePool): PresencePool & { halt(): void } {
  let dead = false;
  return new Proxy(pool, {
    get(target, name) {
      if (name === 'halt') return () => void (dead = true);
      const value: unknown = Reflect.get(target, name);
      if (typeof value !== 'function' || name === 'close') return value;
      return (...args: unknown[]) =>
        dead ? Promise.reject(new Error('process halted')) : (value as (...a: unknown[]) => unknown).apply(target, args);
    },
  }) as PresencePool & { halt(): void };
}

export interface Proc {
  t: TestServer;
  /** Dies without a goodbye: from now on no heartbeat and no disconnect reach the pool; its sockets drop. */
  crash(): Promise<void>;
  /** Fault injection at a named pool step (faults.ts). */
  faults: Faulty<PresencePool>;
}

export interface Processes {
  procs: Proc[];
  clock: ManualClock;
  close(): Promise<void>;
}

/** `n` processes on `redisUrl` under one fresh prefix, sharing `store` and one manual clock. */
export async function startProcesses(
  n: number,
  opts: { store: TestStore; redisUrl: string; limits: Partial<ChatLimits> },
): Promise<Processes> {
  const clock = manualClock();
  const prefix = `test:${randomUUID()}`;
  const procs: Proc[] = [];
  for (let i = 0; i < n; i++) {
    let pool!: PresencePool & { halt(): void };
    let faults!: Faulty<PresencePool>;
    const t = await startTestServer({
      store: opts.store,
      redisUrl: opts.redisUrl,
      prefix,
      clock,
      limits: opts.limits,
      wrapPool: (p) => (faults = faulty((pool = haltable(p)))),
    });
    procs.push({
      t,
      faults,
      async crash() {
        pool.halt();
        await t.close();
      },
    });
  }
  return {
    procs,
    clock,
    close: async () => void (await Promise.all(procs.map((p) => p.t.close().catch(() => {})))),
  };
}
