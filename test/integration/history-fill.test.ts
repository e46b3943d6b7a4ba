/**
 * Counting the history in steps (server/domain/history-fill.ts; the steps of
 * server/store/sql/reports.ts and quality.ts) on real PGlite and PostgreSQL, with small steps
 * over a generated history: every step commits on its own (statements of others get in between,
 * and see roll-ups equal to the facts' cells); a step that dies loses nothing, and the resumed
 * fill ends where a rebuild from scratch does; a read during a long fill answers at once and says
 * how far counting got, and starts the job; a read with little waiting counts it itself; a new
 * time zone is counted again in steps; on PostgreSQL a step another process holds is skipped by
 * the job and waited for by a read; the start-up job fills a seeded database with no request.
 */
import pino from 'pino';
import { createHistoryFill, type HistoryFiller } from '../../server/domain/history-fill';
import { DEFAULT_QUALITY_SETTINGS } from '../../server/domain/quality/defaults';
import { createQualityService } from '../../server/domain/quality/service';
import { createReportService } from '../../server/domain/reports';
import { createQualityStore } from '../../server/store/sql/quality';
import { createReportStore, REFRESH_LOCK_KEY } from '../../server/store/sql/reports';
import type { SqlClient } from '../../server/store/sql/types';
import { openTestStore, startTestServer, until, type TestStore } from '../helpers/chat';
import { createTestDatabase } from '../helpers/postgres';
import { CHATS, insertChat, local, TZ } from '../helpers/report-data';
import { generateReportHistory } from '../helpers/report-history';
import { invariant, rebuilt, snapshot } from '../helpers/report-counts';

jest.setTimeout(120_000);

/** Conversations in the history, and per step: many steps. */
const N = 60;
const BATCH = 7;
const END = local('2026-03-10T12:00:00');
const HISTORY = { conversations: N, end: END, spanMs: 9 * 86_400_000, agents: 3 };
const clock = { now: () => END };
const lead = { id: 'lead', role: 'lead' as const };
const RANGE = { from: '2026-02-01', to: '2026-03-31' };

type Sql = Pick<SqlClient, 'query' | 'transaction'>;

/** Counts the transactions run through it. */
function counting(sql: Sql): { transactions: number; fileChanges: number; sql: Sql & Pick<SqlClient, 'afterFileChanges'> } {
  const c: { transactions: number; fileChanges: number; sql: Sql & Pick<SqlClient, 'afterFileChanges'> } = {
    transactions: 0,
    // How often the store asked for DATA_DIR to be made private again (after TRUNCATE, VACUUM).
    fileChanges: 0,
    sql: {
      query: (text, params) => sql.query(text, params),
      transaction: (fn) => (c.transactions++, sql.transaction(fn)),
      afterFileChanges: () => void c.fileChanges++,
    },
  };
  return c;
}

/** The job over these fillers, its log kept, and what it told of its progress (the floor's hook). */
function job(fillers: HistoryFiller[]) {
  const lines: { level: number; msg: string }[] = [];
  const logger = pino({ level: 'info' }, { write: (s: string) => void lines.push(JSON.parse(s)) });
  const told: [history: string, finished: boolean][] = [];
  return { fill: createHistoryFill({ fillers, logger, pauseMs: 5, progressed: (h, finished) => void told.push([h, finished]) }), lines, told };
}

describe.each(['pglite', 'postgres'])('on %s', (database) => {
  let db: TestStore;
  let dropDatabase: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    const pg = database === 'postgres' ? await createTestDatabase() : undefined;
    dropDatabase = pg?.drop;
    db = await openTestStore(pg?.url);
    await generateReportHistory(db.sql, HISTORY);
  }, 180_000);
  afterAll(async () => {
    await db?.store.close();
    await db?.sql.close();
    await dropDatabase?.();
  });

  test('a long fill commits step by step: a plain query gets in between and sees roll-ups equal to the facts; VACUUM ends it', async () => {
    // Migration 24: room on the roll-ups' pages for HOT updates.
    expect((await db.sql.query(`SELECT reloptions FROM pg_class WHERE relname = 'report_rollups'`)).rows[0]).toEqual({ reloptions: ['fillfactor=70'] });
    const c = counting(db.sql);
    let behind = 0;
    const reports = createReportService({ store: createReportStore({ sql: c.sql }), clock, timeZone: () => TZ, fillBatch: BATCH, historyBehind: () => behind++ });
    const { fill, lines, told } = job([reports.filler]);
    fill.start();
    let running = true;
    const done = fill.idle().then(() => (running = false));
    // Plain statements while the job runs: each completes between two steps, never inside one.
    const seen: number[] = [];
    while (running) {
      await db.sql.query('SELECT 1');
      if (running) seen.push(await invariant(db.sql));
    }
    await done;
    const partial = seen.filter((n) => n > 0 && n < N);
    expect(partial.length).toBeGreaterThan(0);
    for (const n of seen) expect(n % BATCH === 0 || n === N).toBe(true);
    expect(await invariant(db.sql)).toBe(N);
    expect(c.transactions).toBeGreaterThanOrEqual(Math.ceil(N / BATCH));
    expect(behind).toBe(0);
    // The bulk fill ended with its VACUUM (outside a transaction), and nothing failed.
    expect(lines.filter((l) => l.level >= 50)).toEqual([]);
    expect(lines.map((l) => l.msg)).toContain('history counted');
    // Its end is told, once (the floor recounts today).
    expect(told.filter(([, finished]) => finished)).toEqual([['reports', true]]);
    expect(told.at(-1)).toEqual(['reports', true]);
  });

  test('a read with a few new closes counts them itself; with many, it answers at once, says how far counting got and starts the job', async () => {
    let behind = 0;
    const c = counting(db.sql);
    const reports = createReportService({ store: createReportStore({ sql: c.sql }), clock, timeZone: () => TZ, fillBatch: BATCH, historyBehind: () => behind++ });
    const users = { ann: { id: 'agent-1' }, bob: { id: 'agent-2' } };
    for (let i = 0; i < 8; i++) await insertChat(db.sql, users, { ...CHATS[0], department: undefined, id: `late-${i}`, opened: `2026-03-10T13:0${i}:00` });
    const report = await reports.report({ ...RANGE, groupBy: 'day', serviceLevelSeconds: 20 }, lead);
    expect(report.counting).toBeNull();
    expect(report.total.closed).toBe(N + 8);
    expect(c.transactions).toBe(2);
    expect(behind).toBe(0);

    // The floor's figures for today catch up the same way.
    const before = (await reports.today()).total.closed;
    await insertChat(db.sql, users, { ...CHATS[0], department: undefined, id: 'late-today', opened: '2026-03-10T14:00:00' });
    expect((await reports.today()).total.closed).toBe(before + 1);
    expect(await invariant(db.sql)).toBe(N + 9);
  });

  test('a step that dies between steps loses nothing: the resumed fill ends where a rebuild from scratch does', async () => {
    await db.sql.query('DELETE FROM report_rollup_zone');
    // The 4th transaction (the 1st empties: a new zone) dies after its facts were written, before its cells were added.
    let transactions = 0;
    const dying: Sql = {
      query: (text, params) => db.sql.query(text, params),
      transaction: (fn) => {
        const n = ++transactions;
        return db.sql.transaction((tx) =>
          fn({
            query: (text, params) => (n === 4 && text.includes('INSERT INTO report_rollups') ? Promise.reject(new Error('killed')) : tx.query(text, params)),
          }),
        );
      },
    };
    const first = job([createReportService({ store: createReportStore({ sql: dying }), clock, timeZone: () => TZ, fillBatch: BATCH }).filler]);
    first.fill.start();
    await first.fill.idle();
    expect(first.lines.filter((l) => l.level >= 50).map((l) => l.msg)).toEqual([expect.stringMatching(/^counting the history failed/)]);
    expect(await invariant(db.sql)).toBe(2 * BATCH);
    // Meanwhile: a counted conversation rated again, one not counted yet rated.
    await db.store.upsertRating({ conversationId: 'c3', visitorId: 'v3', score: 1, comment: null, at: END });
    await db.store.upsertRating({ conversationId: 'c50', visitorId: 'v50', score: 2, comment: null, at: END });

    const second = job([createReportService({ store: createReportStore({ sql: db.sql }), clock, timeZone: () => TZ, fillBatch: BATCH }).filler]);
    second.fill.start();
    await second.fill.idle();
    expect(second.lines.filter((l) => l.level >= 50)).toEqual([]);
    const resumed = await snapshot(db.sql);
    expect(resumed.facts.find((f) => f.conversation_id === 'c3')?.score).toBe(1);
    expect(resumed.facts.find((f) => f.conversation_id === 'c50')?.score).toBe(2);
    expect(resumed).toEqual(await rebuilt(db.sql, TZ));
  });

  test('a new time zone empties the counts in one short transaction, and the job counts them again in steps', async () => {
    let zone = TZ;
    let behind = 0;
    const c = counting(db.sql);
    const reports = createReportService({ store: createReportStore({ sql: c.sql }), clock, timeZone: () => zone, fillBatch: BATCH, historyBehind: () => behind++ });
    const ask = () => reports.report({ ...RANGE, groupBy: 'day', serviceLevelSeconds: 20 }, lead);
    expect((await ask()).counting).toBeNull();
    const all = (await db.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM conversations WHERE closed_at IS NOT NULL')).rows[0].n;

    zone = 'UTC';
    c.transactions = 0;
    const during = await ask();
    expect(during.counting).toEqual({ done: 0, total: all });
    expect(during.total.closed).toBe(0);
    expect(c.transactions).toBe(1);
    expect(behind).toBe(1);
    // The floor's today says the same.
    expect((await reports.today()).counting).toEqual({ done: 0, total: all });
    // The TRUNCATE gave the tables new files: DATA_DIR is made private again (embedded), once.
    expect(c.fileChanges).toBe(1);

    const { fill } = job([reports.filler]);
    fill.start();
    await fill.idle();
    expect(c.transactions).toBeGreaterThan(all / BATCH);
    // … and again after the VACUUM that ends the bulk fill.
    expect(c.fileChanges).toBe(2);
    const after = await ask();
    expect(after.counting).toBeNull();
    expect((await reports.today()).counting).toBeNull();
    expect(after.timeZone).toBe('UTC');
    expect(after.total.closed).toBe(all);
    expect(await snapshot(db.sql)).toEqual(await rebuilt(db.sql, 'UTC'));
  });

  test('quality: a first read scores nothing inline when many wait, and says how far; a transcript is shown scored but stored by the steps', async () => {
    let behind = 0;
    const c = counting(db.sql);
    const quality = createQualityService({
      store: createQualityStore({ sql: c.sql }),
      clock,
      rules: async () => DEFAULT_QUALITY_SETTINGS,
      timeZone: () => TZ,
      fillBatch: BATCH,
      historyBehind: () => behind++,
    });
    const all = (await db.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM conversations WHERE closed_at IS NOT NULL')).rows[0].n;
    const stored = async () => (await db.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM conversation_quality')).rows[0].n;

    const first = await quality.report(RANGE, lead);
    expect(first.counting).toEqual({ done: 0, total: all });
    expect(first.total.scored).toBe(0);
    expect(behind).toBe(1);
    // A chat the steps have not reached: scored for the reader, stored only when the steps get there.
    const one = await quality.conversation(lead, 'c50');
    expect(one.automatic?.findings.length).toBeGreaterThan(0);
    expect(await stored()).toBe(0);
    expect(c.transactions).toBe(0);

    const { fill, lines } = job([quality.filler]);
    fill.start();
    let running = true;
    const done = fill.idle().then(() => (running = false));
    const seen: number[] = [];
    while (running) seen.push(await stored());
    await done;
    expect(seen.some((n) => n > 0 && n < all)).toBe(true);
    expect(c.transactions).toBeGreaterThanOrEqual(Math.ceil(all / BATCH));
    expect(lines.filter((l) => l.level >= 50)).toEqual([]);
    const after = await quality.report(RANGE, lead);
    expect(after.counting).toBeNull();
    expect(after.total.scored).toBe(all);
    expect((await quality.conversation(lead, 'c50')).automatic?.score).toBe(one.automatic?.score);
  });

  // PGlite is one process and one session: its steps simply run one after the other.
  (database === 'postgres' ? test : test.skip)('another process holding the step: the job skips it (busy), a read waits for it', async () => {
    const store = createReportStore({ sql: db.sql });
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const taken = new Promise<void>((resolve) => (locked = resolve));
    const other = db.sql.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(${REFRESH_LOCK_KEY})`);
      locked();
      await held;
    });
    await taken;
    expect(await store.fillStep(TZ, BATCH, { wait: false })).toBe('busy');
    let waited = false;
    const read = store.fillStep(TZ, BATCH, { wait: true }).then((r) => ((waited = true), r));
    await db.sql.query('SELECT pg_sleep(0.2)');
    expect(waited).toBe(false);
    release();
    await other;
    expect(await read).not.toBe('busy');
  });

  test('the start-up job counts a seeded database without any request', async () => {
    const pg = database === 'postgres' ? await createTestDatabase() : undefined;
    const seeded = await openTestStore(pg?.url);
    try {
      await generateReportHistory(seeded.sql, HISTORY);
      const t = await startTestServer({ store: seeded, timeZone: () => TZ, historyFill: { reportBatch: BATCH, qualityBatch: BATCH } });
      try {
        const count = async (table: string) => (await seeded.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n;
        await until(async () => (await count('conversation_facts')) === N && (await count('conversation_quality')) === N, 60_000, 'the history counted');
        expect(await invariant(seeded.sql)).toBe(N);
        const { token } = await t.createUser({ role: 'lead', name: 'Lena' });
        const res = await fetch(`${t.url}/api/v1/reports?from=${RANGE.from}&to=${RANGE.to}&groupBy=month`, { headers: { authorization: `Bearer ${token}` } });
        const body = await res.json();
        expect(body.counting).toBeNull();
        expect(body.total.closed).toBe(N);
      } finally {
        await t.close();
      }
    } finally {
      await seeded.store.close();
      await seeded.sql.close();
      await pg?.drop();
    }
  });
});
