/**
 * For files that watch earlier chats being counted (as after an upgrade): their own PGlite with a
 * generated history the reports have never counted (nine days of closed chats up to `END`, noon of
 * `DAY` in `TZ`), and a server on a manual clock at `END` whose background fill goes at the pace
 * asked for.
 */
import type { ChatServerOptions } from '../../server/chat-server';
import type { SqlClient } from '../../server/store/sql/types';
import { openTestStore, startTestServer, type TestServer, type TestStore } from './chat';
import { manualClock } from './clock';
import { local, TZ } from './report-data';
import { generateReportHistory } from './report-history';

/** "Today" on the server's clock. */
export const DAY = '2026-03-10';
export const END = local(`${DAY}T12:00:00`);
/** Closed chats in the history. */
export const HISTORY_CHATS = 80;

/** Generates the history into `sql`. */
export const seedHistory = (sql: Pick<SqlClient, 'query'>) => generateReportHistory(sql, { conversations: HISTORY_CHATS, end: END, spanMs: 9 * 86_400_000, agents: 3 });

/** How many chats closed on `DAY` (in `TZ`): the last the fill counts, oldest first. */
export async function closedToday(sql: Pick<SqlClient, 'query'>): Promise<number> {
  const { rows } = await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM conversations WHERE closed_at >= $1 AND closed_at < $2', [
    new Date(local(`${DAY}T00:00:00`)).toISOString(),
    new Date(local('2026-03-11T00:00:00')).toISOString(),
  ]);
  return rows[0].n;
}

/**
 * Registers the file's hooks: the store (seeded before the server starts unless `seeded: false`,
 * then the test seeds it with `seedHistory`) and the server, both closed after the file.
 */
export function useUncountedHistory(o: { historyFill: ChatServerOptions['historyFill']; seeded?: boolean }): () => { db: TestStore; t: TestServer } {
  let db: TestStore | undefined;
  let t: TestServer | undefined;
  beforeAll(async () => {
    db = await openTestStore();
    if (o.seeded !== false) await seedHistory(db.sql);
    t = await startTestServer({ store: db, clock: manualClock(END), timeZone: () => TZ, historyFill: o.historyFill });
  }, 180_000);
  afterAll(async () => {
    await t?.close();
    await db?.store.close();
    await db?.sql.close();
  });
  return () => (db && t ? { db, t } : fail('the store and server start in beforeAll'));
}
