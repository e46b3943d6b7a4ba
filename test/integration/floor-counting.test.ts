/**
 * The lead's floor while earlier chats are still being counted (as after an upgrade), through
 * socket.io-client on a real server and PGlite: a history nobody has counted yet arrives; the
 * floor's today then says `counting` and its counts are partial (today's closes are counted
 * last); the background job it started counts the rest, and its completion pushes the floor a
 * today with `counting: null` and the report's complete figures, without anything else happening.
 */
import type { ReportResponse } from '../../shared/rest';
import { next, ok, openTestStore, startTestServer, type TestServer, type TestStore } from '../helpers/chat';
import { manualClock } from '../helpers/clock';
import { local, TZ } from '../helpers/report-data';
import { generateReportHistory } from '../helpers/report-history';

jest.setTimeout(120_000);

const END = local('2026-03-10T12:00:00');
const TODAY = '2026-03-10';
/** Closed chats over nine days, counted 4 a step: 20 steps, the last of them today's. */
const N = 80;

let db: TestStore;
let t: TestServer;

beforeAll(async () => {
  db = await openTestStore();
  // Not at start: the job starts when a read finds the history behind (here, the floor's).
  t = await startTestServer({ store: db, clock: manualClock(END), timeZone: () => TZ, historyFill: { atStart: false, reportBatch: 4, qualityBatch: 40, pauseMs: 20 } });
}, 60_000);
afterAll(async () => {
  await t?.close();
  await db?.store.close();
  await db?.sql.close();
});

test("today's figures say they are still being counted, and the job's end pushes them complete", async () => {
  const lead = await t.createUser({ role: 'lead', name: 'Lena' });
  const socket = await t.agent(lead.token);
  await ok(socket, 'session:sync', {});
  // Pushes of the empty floor done before the history arrives.
  await t.server.chat.idle();

  // An upgrade: closed chats the reports have never counted.
  await generateReportHistory(db.sql, { conversations: N, end: END, spanMs: 9 * 86_400_000, agents: 3 });
  const closedToday = (
    await db.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM conversations WHERE closed_at >= $1 AND closed_at < $2', [
      new Date(local(`${TODAY}T00:00:00`)).toISOString(),
      new Date(local('2026-03-11T00:00:00')).toISOString(),
    ])
  ).rows[0].n;
  expect(closedToday).toBeGreaterThan(0);

  const complete = next(socket, 'floor:figures', (f) => f.counting === null, 60_000);
  const { figures: during } = await ok(socket, 'floor:watch', {});
  expect(during.day).toBe(TODAY);
  expect(during.counting).toEqual({ done: expect.any(Number), total: N });
  expect(during.counting!.done).toBeLessThan(N);
  // Counted oldest first: today's closes are not in yet.
  expect(during.closed).toBeLessThan(closedToday);

  // The job the read started ends; its completion recounts the floor, which is pushed.
  const after = await complete;
  expect(after.closed).toBe(closedToday);
  const res = await fetch(`${t.url}/api/v1/reports?from=${TODAY}&to=${TODAY}&groupBy=day`, { headers: { authorization: `Bearer ${lead.token}` } });
  const report = (await res.json()) as ReportResponse;
  expect(report.counting).toBeNull();
  const r = report.total;
  expect(after).toMatchObject({
    counting: null,
    started: r.started,
    closed: r.closed,
    missed: r.missed,
    medianFirstResponseMs: r.firstResponse.medianMs,
    averageRating: r.averageRating,
    ratings: r.rated,
  });
  expect(after.ratings).toBeGreaterThan(0);
  // A fresh read agrees.
  expect((await ok(socket, 'floor:watch', {})).figures).toMatchObject({ counting: null, closed: closedToday });
});
