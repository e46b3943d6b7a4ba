/**
 * CPU time of the backing services on this machine, read from /proc: every `postgres`
 * process (the machine's PostgreSQL, shared with anything else using it) and every
 * `redis-server` (the bench's private one, plus the machine's mostly idle one). Linux only;
 * elsewhere the figures are 0.
 */
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

export interface BackendCpu {
  postgresMs: number;
  redisMs: number;
}

export function backendCpu(): BackendCpu {
  const out: BackendCpu = { postgresMs: 0, redisMs: 0 };
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return out;
  }
  for (const pid of pids) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    const open = stat.indexOf('(');
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(open + 1, close);
    const key = comm === 'postgres' ? 'postgresMs' : comm === 'redis-server' ? 'redisMs' : null;
    if (!key) continue;
    // Fields after "(comm)": state is field 3; utime and stime are fields 14 and 15.
    const fields = stat.slice(close + 2).split(' ');
    out[key] += ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  }
  return out;
}

/** Cores used by PostgreSQL and Redis between two readings `wallMs` apart. */
export function backendCores(before: BackendCpu, after: BackendCpu, wallMs: number) {
  return {
    postgresCores: Math.max(0, after.postgresMs - before.postgresMs) / wallMs,
    redisCores: Math.max(0, after.redisMs - before.redisMs) / wallMs,
  };
}
