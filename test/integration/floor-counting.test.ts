/**
 * The lead's floor while earlier chats are still being counted (as after an upgrade), through
 * socket.io-client on a real server and PGlite: a history nobody has counted yet arrives; the
 * floor's today then says `counting` and its counts are partial (today's closes are counted
 * last); the background job it started counts the rest, and its completion pushes the floor a
 * today with `counting: null` and the report's complete figures, without anything else happening.
 */
import type { ReportResponse } from '../../shared/reports';
import { next, ok } from '../helpers/chat';
import { closedToday, DAY, HISTORY_CHATS, seedHistory, useUncountedHistory } from '../helpers/uncounted-history';

jest.setTimeout(120_000);

// Not at start, and seeded by the test: the job starts when a read finds the history behind (here,
// the floor's). 20 steps of 4, the last of them today's.
const history = useUncountedHistory({ seeded: false, historyFill: { atStart: false, reportBatch: 4, qualityBatch: 40, pauseMs: 20 } });

test("today's figures say they are still being counted, and the job's end pushes them complete", async () => {
  const { db, t } = history();
  const lead = await t.createUser({ role: 'lead', name: 'Lena' });
  const socket = await t.agent(lead.token);
  await ok(socket, 'session:sync', {});
  // Pushes of the empty floor done before the history arrives.
  await t.server.chat.idle();

  // An upgrade: closed chats the reports have never counted.
  await seedHistory(db.sql);
  const closed = await closedToday(db.sql);
  expect(closed).toBeGreaterThan(0);

  const complete = next(socket, 'floor:figures', (f) => f.counting === null, 60_000);
  const { figures: during } = await ok(socket, 'floor:watch', {});
  expect(during.day).toBe(DAY);
  expect(during.counting).toEqual({ done: expect.any(Number), total: HISTORY_CHATS });
  expect(during.counting!.done).toBeLessThan(HISTORY_CHATS);
  // Counted oldest first: today's closes are not in yet.
  expect(during.closed).toBeLessThan(closed);

  // The job the read started ends; its completion recounts the floor, which is pushed.
  const after = await complete;
  expect(after.closed).toBe(closed);
  const res = await fetch(`${t.url}/api/v1/reports?from=${DAY}&to=${DAY}&groupBy=day`, { headers: { authorization: `Bearer ${lead.token}` } });
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
  expect((await ok(socket, 'floor:watch', {})).figures).toMatchObject({ counting: null, closed });
});
