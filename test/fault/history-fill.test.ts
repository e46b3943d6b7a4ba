/**
 * The history fill (server/domain/history-fill.ts; docs/reports.md, "steps") against real
 * process kills. A database seeded with a few thousand closed chats is counted by server
 * processes (test/fault/node.ts) in small steps: the first is SIGKILLed mid-fill, the second
 * inside a step (the crash seam `inside-report-step`: its batch's facts written, their cells not
 * yet added), a third finishes. What the killed steps left is whole steps only, the finished
 * facts and roll-ups equal a rebuild from scratch, and a lead's report gives the seeded totals.
 * On PostgreSQL and on embedded PGlite (DATA_DIR); on PostgreSQL also two processes filling at
 * once, one killed: the advisory lock keeps a batch from being counted twice.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTokenService } from '../../server/domain/auth';
import { createChatStore } from '../../server/store/sql/chat-store';
import { createPgliteClient } from '../../server/store/sql/client';
import type { SqlClient } from '../../server/store/sql/types';
import { openTestStore, until } from '../helpers/chat';
import { createTestDatabase } from '../helpers/postgres';
import { invariant, rebuilt, snapshot } from '../helpers/report-counts';
import { local, TZ } from '../helpers/report-data';
import { generateReportHistory } from '../helpers/report-history';
import { processTable, type ProcessTable, type ServerProcess } from './processes';
import { SECRET, SUITE_ENV } from './world';

jest.setTimeout(180_000);

/** Closed chats seeded, and per step: 60 steps for the reports, 60 for quality. */
const N = 3000;
const BATCH = 50;
const HISTORY = { conversations: N, end: local('2026-03-10T12:00:00'), spanMs: 60 * 86_400_000, agents: 20 };
const RANGE = { from: '2026-01-01', to: '2026-03-31' };
const LEAD = 'lead-1';
/** Counting a few thousand chats takes seconds; a busy machine stretches it. */
const FILL_TIMEOUT_MS = 90_000;

/** A database the processes share, and the test's own access to it while none has it open. */
interface Database {
  env: Record<string, string>;
  offline<T>(fn: (sql: SqlClient) => Promise<T>): Promise<T>;
  drop(): Promise<void>;
}

async function postgres(): Promise<Database> {
  const created = await createTestDatabase();
  const db = await openTestStore(created.url);
  return {
    env: { DATABASE_URL: created.url },
    offline: (fn) => fn(db.sql),
    async drop() {
      await db.store.close();
      await db.sql.close();
      await created.drop();
    },
  };
}

/** Embedded: the server's PGlite in DATA_DIR/pglite, opened by the test only between processes (one process per directory). */
async function pglite(): Promise<Database> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fault-fill-'));
  return {
    env: { DATA_DIR: dir },
    async offline(fn) {
      const sql = await createPgliteClient({ dataDir: path.join(dir, 'pglite'), owner: 'the fill test' });
      try {
        return await fn(sql);
      } finally {
        await sql.close();
      }
    },
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Migrated, the generated history and a lead; what a report of it must say, from the chats themselves. */
async function seed(sql: SqlClient) {
  await createChatStore({ sql }).migrate();
  await generateReportHistory(sql, HISTORY);
  await sql.query(`INSERT INTO users (id, email, display_name, role, password_hash) VALUES ($1, 'lead@fill.test', 'Lena', 'lead', 'x')`, [LEAD]);
  const { rows } = await sql.query<{ closed: number; missed: number; transferred: number; rated: number }>(`
    SELECT count(*)::int AS closed, count(*) FILTER (WHERE agent_id IS NULL)::int AS missed,
      count(*) FILTER (WHERE agent_id IS NOT NULL AND substr(id, 2)::int % 7 = 0)::int AS transferred,
      (SELECT count(*) FROM ratings)::int AS rated
    FROM conversations WHERE closed_at IS NOT NULL`);
  return rows[0];
}

/** Reads through the process (its own database connection or PGlite): how far each history is counted. */
async function counted(p: ServerProcess) {
  const { rows } = await p.ask<{ rows: { facts: number; scored: number }[] }>(
    'sql',
    'query',
    'SELECT (SELECT count(*) FROM conversation_facts)::int AS facts, (SELECT count(*) FROM conversation_quality)::int AS scored',
    [],
  );
  return rows[0];
}

async function report(p: ServerProcess) {
  const token = createTokenService(SECRET, { now: () => Date.now() }).sign(LEAD, 'lead', 3600);
  const res = await fetch(`${p.url}/api/v1/reports?from=${RANGE.from}&to=${RANGE.to}&groupBy=month`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as { counting: unknown; total: Record<string, unknown> };
}

/** Error lines in a process's log (pino: level 50 and up). */
const errors = (p: ServerProcess) => p.output().split('\n').filter((l) => /"level":(50|60)/.test(l));

/** Waits until `p` has counted the whole history, reports and quality. */
const finished = (p: ServerProcess) =>
  until(async () => {
    const c = await counted(p);
    return c.facts === N && c.scored === N;
  }, FILL_TIMEOUT_MS, 'the history counted');

/** Once no process has it open: every chat counted, and the counts equal a rebuild from scratch. */
const equalToRebuild = (db: Database) =>
  db.offline(async (sql) => {
    expect(await invariant(sql)).toBe(N);
    expect(await snapshot(sql)).toEqual(await rebuilt(sql, TZ));
  });

/** Registers the hooks of the describe it is called in: a seeded database, and a process table on it. */
function useSeeded(open: () => Promise<Database>) {
  const w = {} as { db: Database; procs: ProcessTable; seeded: Awaited<ReturnType<typeof seed>> };
  beforeAll(async () => {
    w.db = await open();
    w.seeded = await w.db.offline(seed);
    w.procs = processTable({ ...SUITE_ENV, ...w.db.env, LOG_LEVEL: 'error', TIME_ZONE: TZ, FAULT_FILL_BATCH: String(BATCH) });
  }, 180_000);
  afterAll(async () => {
    await w.procs?.stopAll();
    await w.db?.drop();
  });
  return w;
}

describe.each([
  ['PostgreSQL', postgres],
  ['embedded PGlite', pglite],
])('on %s', (_name, open) => {
  const w = useSeeded(open);

  test('SIGKILL mid-fill, then inside a step: whole steps stay, the next process finishes, equal to a rebuild from scratch', async () => {
    const { db, procs } = w;
    // 1. Killed at some moment of the fill, once ten steps have committed.
    const first = await procs.start(0);
    await until(async () => (await counted(first)).facts >= 10 * BATCH, FILL_TIMEOUT_MS, 'ten steps counted');
    expect(await procs.kill(0, 'SIGKILL')).toBe('SIGKILL');
    const committed = await db.offline((sql) => invariant(sql));
    expect(committed).toBeLessThan(N);
    expect(committed % BATCH).toBe(0);

    // 2. Killed inside its first step, facts written and cells not: that step is rolled back whole.
    const second = await procs.start(0, { CHAT_CRASH_AT: 'inside-report-step' });
    expect(await second.exited).toBe('SIGKILL');
    expect(await db.offline((sql) => invariant(sql))).toBe(committed);

    // 3. The next process goes on from there and counts everything, reports and quality.
    const third = await procs.start(0);
    await finished(third);
    const body = await report(third);
    expect(body.counting).toBeNull();
    expect(body.total).toMatchObject({ started: N, ...w.seeded });
    expect(await procs.kill(0, 'SIGTERM')).toBe(0);
    expect(errors(third)).toEqual([]);
    await equalToRebuild(db);
  });
});

describe('on PostgreSQL, two processes filling at once', () => {
  const w = useSeeded(postgres);

  test('one killed mid-fill: the other finishes, and no batch is counted twice', async () => {
    const { db, procs } = w;
    const [, survivor] = await Promise.all([procs.start(0), procs.start(1)]);
    await until(async () => (await counted(survivor)).facts >= 10 * BATCH, FILL_TIMEOUT_MS, 'ten steps counted');
    expect(await procs.kill(0, 'SIGKILL')).toBe('SIGKILL');
    await finished(survivor);
    expect((await report(survivor)).counting).toBeNull();
    expect(await procs.kill(1, 'SIGTERM')).toBe(0);
    expect(errors(survivor)).toEqual([]);
    await equalToRebuild(db);
  });
});
