/**
 * What the year benches (bench/reports.ts, bench/quality.ts) share: a fresh database of each
 * kind in turn, timing, a statement tracer for `--trace`, and the median of five runs.
 */
import { performance } from 'node:perf_hooks';
import type { SqlClient } from '../../server/store/sql/types';
import { openTestStore } from '../../test/helpers/chat';
import { createTestDatabase } from '../../test/helpers/postgres';

export type BenchDatabase = 'pglite' | 'postgres';

/** `[conversations] [pglite|postgres|both] [--trace]`, as both benches take them. */
export const N = Number(process.argv[2] ?? 100_000);
export const WHICH = process.argv[3] ?? 'both';
/** `--trace`: also print each statement's time of one run of the year views. */
export const TRACE = process.argv.includes('--trace');
/** The generated year: this many agents, in this zone, the year before END (2026-12-31 local, noon). */
export const AGENTS = 20;
export const TZ = 'Asia/Shanghai';
export const END = Date.parse('2026-12-31T12:00:00+08:00');
export const YEAR_MS = 365 * 86_400_000;
type Sql = Pick<SqlClient, 'query' | 'transaction'>;

export const timed = async <T>(fn: () => Promise<T>): Promise<[number, T]> => {
  const t0 = performance.now();
  const r = await fn();
  return [performance.now() - t0, r];
};

/** A duration as the tables print it. */
export const ms = (t: number) => `${t.toFixed(0).padStart(7)} ms`;

/** Five runs' times, sorted: [2] is the median, [4] the worst. */
export async function fiveRuns<T>(fn: () => Promise<T>): Promise<{ times: number[]; last: T }> {
  const times: number[] = [];
  let last!: T;
  for (let i = 0; i < 5; i++) [times[i], last] = await timed(fn);
  return { times: times.sort((a, b) => a - b), last };
}

/** `sql` whose statements print their time while `on` is set (the benches' `--trace`). */
export function tracer(sql: Sql): { sql: Sql; on: boolean } {
  const t = { on: false, sql: undefined as unknown as Sql };
  const wrap = (client: Pick<SqlClient, 'query'>): Pick<SqlClient, 'query'> => ({
    async query(text, params) {
      const t0 = performance.now();
      const r = await client.query(text, params);
      if (t.on) console.log(`  ${ms(performance.now() - t0)}  ${text.replace(/\s+/g, ' ').slice(0, 90)}`);
      return r as never;
    },
  });
  t.sql = { ...wrap(sql), transaction: (fn) => sql.transaction((tx) => fn(wrap(tx))) };
  return t;
}

/**
 * Runs `bench` on a fresh embedded database, then on a fresh PostgreSQL one (or the one `which`
 * names), closing and dropping each after; exits 1 on an error.
 */
export function onEachDatabase(which: string, bench: (sql: SqlClient, kind: BenchDatabase) => Promise<void>): void {
  const run = async (kind: BenchDatabase) => {
    const pg = kind === 'postgres' ? await createTestDatabase() : undefined;
    const { sql, store } = await openTestStore(pg?.url);
    try {
      await bench(sql, kind);
    } finally {
      await store.close();
      await sql.close();
      await pg?.drop();
    }
  };
  (async () => {
    if (which !== 'postgres') await run('pglite');
    if (which !== 'pglite') await run('postgres');
  })().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
