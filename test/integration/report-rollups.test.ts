/**
 * The reports' roll-ups (server/store/sql/reports.ts, migration 21) on real PGlite: they stay
 * equal to a rebuild from scratch whatever changes after a read (ratings, filed categories, late
 * closes), and a step that dies half-way leaves nothing counted twice or lost: the next one
 * repairs it. Migration 23 makes the steps count everything again. (Fills of many steps, on
 * both databases: history-fill.test.ts.)
 */
import { createPgliteClient } from '../../server/store/sql/client';
import { MIGRATIONS, migrate } from '../../server/store/sql/migrations';
import { createReportStore } from '../../server/store/sql/reports';
import type { ReportRange } from '../../server/domain/ports/reports';
import { METRIC, type ReportCell } from '../../server/domain/report-figures';
import type { SqlClient } from '../../server/store/sql/types';
import { openTestStore, type TestStore } from '../helpers/chat';
import { CHATS, DEPARTMENTS, insertChat, insertReportData, TZ } from '../helpers/report-data';

let db: TestStore;
const users = { ann: { id: 'u-ann' }, bob: { id: 'u-bob' } };

beforeAll(async () => {
  db = await openTestStore();
  for (const [name, u] of Object.entries(users)) {
    await db.sql.query(`INSERT INTO users (id, email, display_name, role, password_hash) VALUES ($1, $2, $3, 'agent', 'x')`, [u.id, `${name}@t.test`, name]);
  }
  await insertReportData(db.sql, users);
}, 180_000);
afterAll(async () => {
  await db?.store.close();
  await db?.sql.close();
});

const month = (groupBy: ReportRange['groupBy'], fromDay = '2026-03-01', toDay = '2026-03-31'): ReportRange => ({
  fromDay, toDay, from: Date.parse(`${fromDay}T00:00:00+08:00`), to: Date.parse(`${toDay}T00:00:00+08:00`) + 86_400_000, groupBy, timeZone: TZ,
});
const sorted = (cells: ReportCell[]) =>
  cells.map((c) => `${c.key}|${c.metric}|${c.bucket}|${c.n}|${c.total}`).sort();

/** Every grouping's cells, daily and monthly roll-ups both, once the steps have counted everything. */
async function everything(sql: Pick<SqlClient, 'query' | 'transaction'>) {
  const store = createReportStore({ sql });
  while ((await store.fillStep(TZ, 4, { wait: true })) !== 'done');
  const out: string[][] = [];
  for (const g of ['agent', 'department', 'category', 'day', 'week', 'month'] as const) {
    out.push(sorted(await store.cells(month(g))), sorted(await store.cells(month(g, '2026-02-20', '2026-03-10'))));
  }
  return out;
}
/** The same, counted again from nothing (as a new time zone would). */
async function rebuilt() {
  await db.sql.query('DELETE FROM report_rollup_zone');
  return everything(db.sql);
}

test('roll-ups equal a rebuild from scratch after ratings, filed categories and late closes', async () => {
  const first = await everything(db.sql);
  expect(first).toEqual(await rebuilt());
  // Changes after the read: a rating given, one changed, a category filed, a late close.
  await db.store.upsertRating({ conversationId: 'c7', visitorId: 'v-c7', score: 4, comment: null, at: Date.now() });
  await db.store.upsertRating({ conversationId: 'c1', visitorId: 'v-c1', score: 1, comment: null, at: Date.now() });
  await db.sql.query(`UPDATE conversations SET close_category = 'payment', wrapup_due_at = now() WHERE id = 'c5'`);
  await db.store.fileWrapUp('c5', { category: 'after_sales', summary: 'late parcel' }, Date.now());
  await insertChat(db.sql, users, { ...CHATS[4], id: 'c10', opened: '2026-03-05T09:00:00' });
  const after = await everything(db.sql);
  expect(after).not.toEqual(first);
  expect(after).toEqual(await rebuilt());
  const categories = await createReportStore({ sql: db.sql }).cells(month('category'));
  expect(categories.filter((c) => c.metric === 1).map((c) => [c.key, c.n]).sort()).toEqual([
    ['after_sales', 1], ['order', 3], ['other', 1], ['product', 1], [null, 4],
  ].sort());
});

test('a step that dies half-way changes nothing; the next one counts everything once', async () => {
  const before = await everything(db.sql);
  await db.store.upsertRating({ conversationId: 'c2', visitorId: 'v-c2', score: 5, comment: null, at: Date.now() });
  await insertChat(db.sql, users, { ...CHATS[0], id: 'c11', opened: '2026-03-06T09:00:00' });
  // The process "dies" after the old cells were subtracted and the facts rewritten, before the new cells are added.
  // The step takes the mark and the new close in one batch (batch of 4).
  let applied = 0;
  const dying: Pick<SqlClient, 'query' | 'transaction'> = {
    query: (text, params) => db.sql.query(text, params),
    transaction: (fn) =>
      db.sql.transaction((tx) =>
        fn({
          query(text, params) {
            if (text.includes('INSERT INTO report_rollups') && ++applied === 2) throw new Error('killed');
            return tx.query(text, params);
          },
        }),
      ),
  };
  await expect(createReportStore({ sql: dying }).fillStep(TZ, 4, { wait: true })).rejects.toThrow('killed');
  // Nothing of the dead refresh stays: the marks and the roll-ups are as before it.
  expect((await db.sql.query('SELECT conversation_id FROM report_dirty')).rows).toEqual([{ conversation_id: 'c2' }]);
  const repaired = await everything(db.sql);
  expect(repaired).not.toEqual(before);
  expect(repaired).toEqual(await rebuilt());
});

test('migration 23 empties facts, roll-ups and their zone: the steps count everything again, with departments', async () => {
  const sql = await createPgliteClient({});
  try {
    await migrate(sql, MIGRATIONS.filter((m) => m.version <= 22));
    for (const [name, u] of Object.entries(users)) {
      await sql.query(`INSERT INTO users (id, email, display_name, role, password_hash) VALUES ($1, $2, $3, 'agent', 'x')`, [u.id, `${name}@t.test`, name]);
    }
    await insertReportData(sql, users);
    // What a refresh before migration 23 left: facts without departments, their roll-ups and zone.
    await sql.query(`INSERT INTO conversation_facts (conversation_id, agent_id, opened_at, closed_at, transferred, reply_ms) SELECT id, agent_id, opened_at, closed_at, false, '{}' FROM conversations WHERE closed_at IS NOT NULL`);
    await sql.query(`INSERT INTO report_rollups (dim, grain, period, key, metric, bucket, n, total) VALUES ('t', 'd', '2026-03-02', '', 1, 0, 99, 0)`);
    await sql.query(`INSERT INTO report_rollup_zone (id, time_zone) VALUES (true, $1)`, [TZ]);
    await migrate(sql);
    const count = async (table: string) => (await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n;
    expect([await count('conversation_facts'), await count('report_rollups'), await count('report_rollup_zone')]).toEqual([0, 0, 0]);
    // March by department, closed: Sales c1, c4, c7, c14; support c2, c5, c12; none c3, c13.
    const store = createReportStore({ sql });
    // The steps count everything again (the background job's and a read's way); the first finds no zone and starts afresh.
    for (let steps = 0; (await store.fillStep(TZ, 150, { wait: true })) !== 'done'; steps++) expect(steps).toBeLessThan(5);
    const cells = await store.cells(month('department'));
    expect(cells.filter((c) => c.metric === METRIC.closed).map((c) => [c.key, c.n]).sort()).toEqual(
      [[DEPARTMENTS.sales.id, 4], [DEPARTMENTS.support.id, 3], [null, 2]].sort(),
    );
    expect(cells.filter((c) => c.metric === METRIC.selfServed).map((c) => [c.key, c.n])).toEqual([[DEPARTMENTS.support.id, 1]]);
  } finally {
    await sql.close();
  }
}, 180_000);
