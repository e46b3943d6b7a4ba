/**
 * What the reports' steps have counted (server/store/sql/reports.ts), read for checks: the facts
 * against what the roll-ups hold of them, everything in order, and the same counted from nothing.
 */
import { METRIC } from '../../server/domain/report-figures';
import { createReportStore } from '../../server/store/sql/reports';
import type { SqlClient } from '../../server/store/sql/types';

/** In one statement (one snapshot): facts, and what the roll-ups hold of them; expects them equal and returns how many facts. */
export async function invariant(sql: Pick<SqlClient, 'query'>) {
  const { rows } = await sql.query<Record<string, number>>(`
    SELECT (SELECT count(*) FROM conversation_facts)::int AS facts,
      (SELECT coalesce(sum(n), 0) FROM report_rollups WHERE dim = 't' AND grain = 'd' AND metric = ${METRIC.closed})::int AS closed,
      (SELECT coalesce(sum(n), 0) FROM report_rollups WHERE dim = 'a' AND grain = 'm' AND metric = ${METRIC.started})::int AS started,
      (SELECT coalesce(sum(cardinality(reply_ms)), 0) FROM conversation_facts)::int AS fact_replies,
      (SELECT coalesce(sum(n), 0) FROM report_rollups WHERE dim = 'c' AND grain = 'm' AND metric = ${METRIC.reply})::int AS replies,
      (SELECT coalesce(sum(handling_ms), 0) FROM conversation_facts)::float8 AS fact_handling,
      (SELECT coalesce(sum(total), 0) FROM report_rollups WHERE dim = 't' AND grain = 'd' AND metric = ${METRIC.handling})::float8 AS handling,
      (SELECT count(score) FROM conversation_facts)::int AS fact_ratings,
      (SELECT coalesce(sum(n), 0) FROM report_rollups WHERE dim = 'a' AND grain = 'd' AND metric = ${METRIC.rating})::int AS ratings`);
  const r = rows[0];
  expect([r.closed, r.started, r.replies, r.handling, r.ratings]).toEqual([r.facts, r.facts, r.fact_replies, r.fact_handling, r.fact_ratings]);
  return r.facts;
}

/** Every roll-up row and every fact, in order. */
export async function snapshot(sql: Pick<SqlClient, 'query'>) {
  const rollups = await sql.query(`SELECT dim, grain, period::text, key, metric, bucket, n, total::text FROM report_rollups WHERE n <> 0 ORDER BY 1, 2, 3, 4, 5, 6`);
  const facts = await sql.query('SELECT * FROM conversation_facts ORDER BY conversation_id');
  return { rollups: rollups.rows, facts: facts.rows };
}

/** The same counted from nothing, in `zone`, in one go (what was counted is replaced). */
export async function rebuilt(sql: Pick<SqlClient, 'query' | 'transaction'>, zone: string) {
  await sql.query('DELETE FROM report_rollup_zone');
  const store = createReportStore({ sql });
  while ((await store.fillStep(zone, 1000, { wait: true })) !== 'done');
  return snapshot(sql);
}
