/**
 * The reports' reads (the domain's ReportStore). A closed conversation's figures are computed
 * once from its messages into `conversation_facts` (migrations 17 and 23), and counted into
 * daily, weekly and monthly roll-ups (`report_rollups`, migrations 21, 23 and 25) per agent,
 * category, department and for everyone; a report sums the roll-up cells of its range
 * (rollup-segments.ts: whole months, whole weeks, then days), so a year reads a few thousand
 * rows. The message path writes nothing for reports: facts and roll-ups are brought up to date
 * in steps (`fillStep`), by a read when little waits and else by the background job
 * (server/domain/history-fill.ts).
 *
 * What changes a closed conversation's figures after its facts were written (a wrap-up filing
 * its category, a rating) marks it in `report_dirty` in the same statement. A step, in one
 * transaction under an advisory lock, takes a bounded batch of marks and new closes, subtracts
 * the old facts' cells from the roll-ups, rewrites the facts, and adds the new cells: a process
 * dying half-way rolls that step back and leaves its marks for the next one, and after every
 * commit the roll-ups equal the sum of the facts' cells.
 */
import type { ReportGroupBy } from '../../../shared/reports';
import type { ReportRange, ReportStore } from '../../domain/ports/reports';
import { COMPLAINT_HANDLED_MS, EXACT_SECONDS, FOLLOW_UP_DONE_MS, METRIC, STEPS_PER_DOUBLING, type ReportCell, type Metric } from '../../domain/report-figures';
import { rollupSegments, type Segment } from './rollup-segments';
import type { FillProgress, FillStep } from '../../domain/history-fill';
import { advisoryLock } from './advisory-lock';
import { ts } from './rows';
import type { SqlClient } from './types';

const MS = (a: string, b: string) => `(extract(epoch FROM ${a} - ${b}) * 1000)::bigint`;

/** How late a close may commit after a later one and still be picked up, ms. */
const LATE_CLOSE_MARGIN_MS = 15 * 60_000;
/** Arbitrary constant naming "report refresh" among this database's advisory locks. */
export const REFRESH_LOCK_KEY = 7_349_201_121;

/**
 * Which closed conversations lack facts, oldest close first, at most $2: those closed since the
 * latest close already filled ($1), less the margin for closes that committed late (another
 * process, a slow transaction); the first fill takes the whole history, step by step, in close
 * order (so the latest close filled is how far it got). Two steps, each with a known bound, so
 * the planner walks the close-time index and a read usually finds nothing to do.
 */
const LATEST_FILLED = `SELECT (extract(epoch FROM max(closed_at)) * 1000)::float8 AS at FROM conversation_facts`;
const PENDING = `
SELECT c.id FROM conversations c
WHERE c.closed_at >= ${ts('$1')} AND NOT EXISTS (SELECT 1 FROM conversation_facts f WHERE f.conversation_id = c.id)
ORDER BY c.closed_at
LIMIT $2`;
const COUNT_PENDING = `SELECT count(*)::int AS n FROM (${PENDING}) p`;
/**
 * Takes at most $1 marks. A marked conversation without facts that closed after the latest
 * filled close ($2) is left to PENDING (filled now, it would move that latest close past the
 * conversations still waiting, and they would never be found); the others are counted again.
 */
const TAKE_MARKS = `
WITH taken AS (
  DELETE FROM report_dirty WHERE conversation_id IN (SELECT conversation_id FROM report_dirty LIMIT $1) RETURNING conversation_id
)
SELECT t.conversation_id AS id,
  EXISTS (SELECT 1 FROM conversation_facts f WHERE f.conversation_id = t.conversation_id)
    OR EXISTS (SELECT 1 FROM conversations c WHERE c.id = t.conversation_id AND c.closed_at <= ${ts('$2')}) AS recount
FROM taken t`;
/** Whether the roll-ups are in zone $1, the marks (at most $2) and the latest close that has facts. */
const STATE = `
SELECT coalesce((SELECT time_zone = $1::text FROM report_rollup_zone), false) AS zone_ok,
  (SELECT count(*)::int FROM (SELECT 1 FROM report_dirty LIMIT $2) d) AS marks,
  (SELECT (extract(epoch FROM max(closed_at)) * 1000)::float8 FROM conversation_facts) AS latest`;
const ZONE = 'SELECT time_zone FROM report_rollup_zone';
const SET_ZONE = `INSERT INTO report_rollup_zone (id, time_zone) VALUES (true, $1) ON CONFLICT (id) DO UPDATE SET time_zone = EXCLUDED.time_zone`;
const PROGRESS = `
SELECT (SELECT count(*) FROM conversation_facts)::int AS done,
  (SELECT count(*) FROM conversations WHERE closed_at IS NOT NULL)::int AS total`;

/**
 * Facts of the given closed conversations ($1, ids), in one set-based pass over their messages:
 * the first queue and assignment events, the first agent text, the assignment in force at that
 * reply, every reply time (a visitor text that follows a non-visitor text, or none, starts a
 * run; the next agent text ends it; runs never answered give no reply time), the rating, the
 * department it closed in, whether the FAQ offered an answer (a `faq_offered` event) and solved
 * it (its `closed` event's reason `faq_solved`)
 * and whether a rating was offered: the widget offers one for every closed chat an agent held,
 * and a rating proves an offer (a protocol client may rate any of its closed chats).
 * "Agent text" leaves out a routine's automatic ones.
 */
const FILL_FACTS = `
WITH todo AS (
  SELECT c.id, c.agent_id, c.close_category, c.department_id, c.opened_at, c.closed_at FROM conversations c
  WHERE c.id = ANY ($1::text[]) AND c.closed_at IS NOT NULL
), msg AS (
  SELECT m.conversation_id, m.seq, m.author_kind, m.kind, m.created_at,
    CASE WHEN m.kind = 'event' THEN m.event->>'type' END AS type,
    CASE WHEN m.kind = 'event' THEN m.event->>'reason' END AS reason,
    min(m.created_at) FILTER (WHERE m.kind = 'text' AND m.author_kind = 'agent') OVER (PARTITION BY m.conversation_id) AS first_reply
  -- A routine's automatic text (greeting, idle prompt) is sent in the agent's name but answers nothing.
  FROM messages m JOIN todo ON todo.id = m.conversation_id WHERE NOT (m.author_kind = 'agent' AND m.auto)
), ev AS (
  SELECT conversation_id, min(first_reply) AS first_reply,
    min(created_at) FILTER (WHERE type = 'queued') AS first_queued,
    min(created_at) FILTER (WHERE type = 'assigned') AS first_assigned,
    max(created_at) FILTER (WHERE type = 'assigned' AND created_at <= first_reply) AS replying_assigned,
    bool_or(type = 'transferred') AS transferred,
    bool_or(type = 'closed' AND reason = 'faq_solved') AS self_served,
    bool_or(type = 'faq_offered') AS faq_offered
  FROM msg GROUP BY conversation_id
), runs AS (
  SELECT conversation_id, array_agg(${MS('next_agent', 'created_at')} ORDER BY seq) AS reply_ms
  FROM (
    SELECT conversation_id, seq, author_kind, created_at,
      lag(author_kind) OVER w AS prev,
      min(created_at) FILTER (WHERE author_kind = 'agent') OVER (w ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) AS next_agent
    FROM msg WHERE kind = 'text' AND author_kind IN ('visitor', 'agent')
    WINDOW w AS (PARTITION BY conversation_id ORDER BY seq)
  ) x
  WHERE author_kind = 'visitor' AND prev IS DISTINCT FROM 'visitor' AND next_agent IS NOT NULL
  GROUP BY conversation_id
)
INSERT INTO conversation_facts (conversation_id, agent_id, category, department_id, opened_at, closed_at,
  queue_wait_ms, first_response_ms, reaction_ms, handling_ms, transferred, reply_ms, score, self_served, rating_offered, faq_offered)
SELECT c.id, c.agent_id, c.close_category, c.department_id, c.opened_at, c.closed_at,
  ${MS('e.first_assigned', 'coalesce(e.first_queued, c.opened_at)')},
  ${MS('e.first_reply', 'c.opened_at')},
  ${MS('e.first_reply', 'e.replying_assigned')},
  ${MS('c.closed_at', 'e.first_assigned')},
  coalesce(e.transferred, false),
  coalesce(r.reply_ms, '{}'),
  s.score,
  coalesce(e.self_served, false),
  c.agent_id IS NOT NULL OR s.score IS NOT NULL,
  coalesce(e.faq_offered, false)
FROM todo c
LEFT JOIN ratings s ON s.conversation_id = c.id
LEFT JOIN ev e ON e.conversation_id = c.id
LEFT JOIN runs r ON r.conversation_id = c.id`;

/** The bucket of a duration in ms (report-figures.ts): whole seconds rounded up, then 2^(1/32) steps. */
const bucket = (ms: string) => `CASE WHEN ${ms} <= ${EXACT_SECONDS * 1000} THEN greatest(ceil(${ms} / 1000.0), 0)::int
  ELSE ${EXACT_SECONDS} + ceil(${STEPS_PER_DOUBLING} * ln(${ms} / ${EXACT_SECONDS * 1000}.0) / ln(2.0))::int END`;

/**
 * Every cell the facts `f` count, one row each: (at, agent, category, department, metric, bucket, ms).
 * `started` is counted at the opening, the rest at the close; a rating's bucket is its score.
 */
const CELLS_OF = (f: string) => `
  SELECT opened_at AS at, agent_id, category, department_id, ${METRIC.started} AS metric, 0 AS bucket, 0::bigint AS ms FROM ${f}
  UNION ALL SELECT closed_at, agent_id, category, department_id, ${METRIC.closed}, 0, 0 FROM ${f}
  UNION ALL SELECT closed_at, agent_id, category, department_id, ${METRIC.missed}, 0, 0 FROM ${f} WHERE first_response_ms IS NULL AND NOT self_served
  UNION ALL SELECT closed_at, agent_id, category, department_id, ${METRIC.selfServed}, 0, 0 FROM ${f} WHERE self_served
  UNION ALL SELECT closed_at, agent_id, category, department_id, ${METRIC.faqOffered}, 0, 0 FROM ${f} WHERE faq_offered
  UNION ALL SELECT closed_at, agent_id, category, department_id, ${METRIC.transferred}, 0, 0 FROM ${f} WHERE transferred
  UNION ALL SELECT closed_at, agent_id, category, department_id, ${METRIC.ratingOffered}, 0, 0 FROM ${f} WHERE rating_offered
  UNION ALL SELECT closed_at, agent_id, category, department_id, ${METRIC.rating}, score, score FROM ${f} WHERE score IS NOT NULL
  UNION ALL SELECT closed_at, agent_id, category, department_id, d.metric, ${bucket('d.ms')}, d.ms
    FROM ${f} CROSS JOIN LATERAL (VALUES (${METRIC.queueWait}, queue_wait_ms), (${METRIC.firstResponse}, first_response_ms),
      (${METRIC.reaction}, reaction_ms), (${METRIC.handling}, handling_ms)) AS d (metric, ms)
    WHERE d.ms IS NOT NULL
  UNION ALL SELECT closed_at, agent_id, category, department_id, ${METRIC.reply}, ${bucket('r.ms')}, r.ms FROM ${f} CROSS JOIN LATERAL unnest(reply_ms) AS r (ms)`;

/**
 * Adds ($3 = 1) or subtracts ($3 = -1) the cells of the facts of conversations $1 to the
 * roll-ups of the zone $2: per day, week (from Monday) and month, for everyone ('t'), per agent
 * ('a'), per category ('c') and per department ('d'); '' is none.
 */
const APPLY = `
INSERT INTO report_rollups AS r (dim, grain, period, key, metric, bucket, n, total)
SELECT d.dim, g.grain, date_trunc(g.unit, v.at AT TIME ZONE $2::text)::date,
  CASE d.dim WHEN 'a' THEN coalesce(v.agent_id, '') WHEN 'c' THEN coalesce(v.category, '') WHEN 'd' THEN coalesce(v.department_id, '') ELSE '' END,
  v.metric, v.bucket, $3::int * count(*), $3::int * sum(v.ms)
FROM (${CELLS_OF('(SELECT * FROM conversation_facts WHERE conversation_id = ANY ($1::text[])) f')}) v
CROSS JOIN (VALUES ('d', 'day'), ('w', 'week'), ('m', 'month')) AS g (grain, unit)
CROSS JOIN (VALUES ('t'), ('a'), ('c'), ('d')) AS d (dim)
GROUP BY 1, 2, 3, 4, 5, 6
ON CONFLICT (dim, grain, period, key, metric, bucket) DO UPDATE SET n = r.n + EXCLUDED.n, total = r.total + EXCLUDED.total`;

/**
 * A department that still exists, else null: a deleted department's chats join "(none)", as
 * its conversations do (ON DELETE SET NULL), although their facts and roll-ups keep its id.
 * Applied to the summed groups (cells()), not to every row summed.
 */
const liveDepartment = (id: string) => `(SELECT dep.id FROM departments dep WHERE dep.id = ${id})`;

/** The group key of a roll-up row. Only these fixed strings reach SQL. */
function rollupKey(g: ReportGroupBy): string {
  if (g === 'agent' || g === 'category' || g === 'department') return `nullif(key, '')`;
  if (g === 'day') return `to_char(period, 'YYYY-MM-DD')`;
  return `to_char(date_trunc('${g}', period::timestamp), 'YYYY-MM-DD')`;
}
const DIM: Record<ReportGroupBy, 't' | 'a' | 'c' | 'd'> = { agent: 'a', category: 'c', department: 'd', day: 't', week: 't', month: 't' };

/**
 * A range's cells from the roll-ups of dimension $5: one range scan of the primary key per
 * segment (rollup-segments.ts: whole months, then whole weeks, then days), its bounds from $6 on.
 * A UNION ALL of range scans, as an OR of them would scan the whole table.
 */
function rollupQuery(g: ReportGroupBy, segments: readonly Segment[]): string {
  const scans = segments.map(
    (s, i) => `SELECT period, key, metric, bucket, n, total FROM report_rollups
  WHERE dim = $5::bpchar AND grain = '${s.grain}' AND period >= $${6 + 2 * i}::date AND period < $${7 + 2 * i}::date`,
  );
  return `
SELECT ${rollupKey(g)} AS k, metric::int, bucket, sum(n)::int AS n, sum(total)::float8 AS total
FROM (${scans.join('\n  UNION ALL\n  ')}) r
GROUP BY 1, 2, 3 HAVING sum(n) <> 0`;
}

/** The group key of a cell computed from facts (one agent's report), bucketed in the zone $3. */
function cellKey(g: ReportGroupBy): string {
  if (g === 'agent') return 'v.agent_id';
  if (g === 'category') return 'v.category';
  if (g === 'department') return 'v.department_id';
  return `to_char(date_trunc('${g}', v.at AT TIME ZONE $3::text), 'YYYY-MM-DD')`;
}

/** One agent's cells straight from their facts ($4), which their index finds: the same cells, fewer rows. */
const agentQuery = (g: ReportGroupBy) => `
SELECT ${cellKey(g)} AS k, v.metric, v.bucket, count(*)::int AS n, sum(v.ms)::float8 AS total
FROM (${CELLS_OF(`(SELECT * FROM conversation_facts WHERE agent_id = $4::text AND closed_at >= ${ts('$1')} AND opened_at < ${ts('$2')}) f`)}) v
WHERE v.at >= ${ts('$1')} AND v.at < ${ts('$2')}
GROUP BY 1, 2, 3`;

/** Chats still queued or open count as started (by opening time) until they close and have facts. */
const openKey = (g: ReportGroupBy) =>
  g === 'agent' ? 'c.agent_id'
  : g === 'category' ? 'NULL::text'
  : g === 'department' ? 'c.department_id'
  : `to_char(date_trunc('${g}', c.opened_at AT TIME ZONE $3::text), 'YYYY-MM-DD')`;
const openQuery = (g: ReportGroupBy) => `
SELECT ${openKey(g)} AS k, ${METRIC.started} AS metric, 0 AS bucket, count(*)::int AS n, 0::float8 AS total
FROM conversations c
WHERE c.status IN ('queued', 'open') AND c.opened_at >= ${ts('$1')} AND c.opened_at < ${ts('$2')}
  AND ($4::text IS NULL OR c.agent_id = $4::text) AND $3::text <> ''
GROUP BY 1`;

/**
 * Complaints and follow-up tasks of the range, counted when read (they are few next to chats):
 * a complaint by its chat's agent, close category and department, a follow-up by its assignee
 * and its chat's close category and department; each with whether it was done in time (a
 * complaint: its follow-up closed).
 */
const taskKey = (g: ReportGroupBy, agent: string, at: string) =>
  g === 'agent' ? agent
  : g === 'category' ? 'c.close_category'
  : g === 'department' ? 'c.department_id'
  : `to_char(date_trunc('${g}', ${at} AT TIME ZONE $3::text), 'YYYY-MM-DD')`;
const tasksQuery = (g: ReportGroupBy) => `
SELECT k, metric, 0 AS bucket, count(*)::int AS n, 0::float8 AS total FROM (
  SELECT ${taskKey(g, 'c.agent_id', 'cp.created_at')} AS k,
    CASE WHEN x.done THEN ARRAY[${METRIC.complaint}, ${METRIC.complaintHandled}] ELSE ARRAY[${METRIC.complaint}] END AS metrics
  FROM complaints cp JOIN conversations c ON c.id = cp.conversation_id
  CROSS JOIN LATERAL (SELECT EXISTS (SELECT 1 FROM follow_ups fu WHERE fu.source = 'complaint' AND fu.source_id = cp.id
    AND fu.closed_at <= cp.created_at + ${COMPLAINT_HANDLED_MS} * interval '1 ms') AS done) x
  WHERE cp.created_at >= ${ts('$1')} AND cp.created_at < ${ts('$2')} AND ($4::text IS NULL OR c.agent_id = $4::text)
  UNION ALL
  SELECT ${taskKey(g, 'fu.assignee_id', 'fu.created_at')},
    CASE WHEN fu.closed_at <= fu.created_at + ${FOLLOW_UP_DONE_MS} * interval '1 ms' THEN ARRAY[${METRIC.followUp}, ${METRIC.followUpDone}] ELSE ARRAY[${METRIC.followUp}] END
  FROM follow_ups fu LEFT JOIN conversations c ON c.id = fu.conversation_id
  WHERE fu.created_at >= ${ts('$1')} AND fu.created_at < ${ts('$2')} AND ($4::text IS NULL OR fu.assignee_id = $4::text)
) t CROSS JOIN LATERAL unnest(t.metrics) AS metric
GROUP BY 1, 2`;

type CellRows = { k: string | null; metric: number; b: number[]; n: number[]; t: number[] };

export function createReportStore({
  sql,
  afterFacts,
}: {
  sql: Pick<SqlClient, 'query' | 'transaction' | 'afterFileChanges'>;
  /** Test-only: called inside a step once its facts are written, before their cells are added (testing/crash-seam.ts kills the process there). */
  afterFacts?: () => void;
}): ReportStore {
  /**
   * A new zone moves every day's boundaries: facts, roll-ups and marks are emptied and the zone
   * recorded, in one short transaction; the steps then fill them again like a first fill.
   * TRUNCATE, not DELETE: it takes no longer on a year of roll-ups than on none, and leaves no
   * dead rows. It gives the tables new files, so a fresh install (nothing to empty) skips it.
   * Returns whether it truncated (the caller then calls `sql.afterFileChanges` once committed).
   */
  async function empty(tx: Pick<SqlClient, 'query'>, timeZone: string): Promise<boolean> {
    const { rows } = await tx.query<{ any: boolean }>(
      'SELECT EXISTS (SELECT 1 FROM conversation_facts) OR EXISTS (SELECT 1 FROM report_rollups) OR EXISTS (SELECT 1 FROM report_dirty) AS any',
    );
    if (rows[0]?.any) await tx.query('TRUNCATE conversation_facts, report_rollups, report_dirty');
    await tx.query(SET_ZONE, [timeZone]);
    return Boolean(rows[0]?.any);
  }

  return {
    async backlog(timeZone, atMost) {
      // Usually there is nothing to do: two reads say so, without a transaction or the lock.
      const state = (await sql.query<{ zone_ok: boolean; marks: number; latest: number | null }>(STATE, [timeZone, atMost])).rows[0];
      let { marks, latest } = state;
      if (!state.zone_ok) {
        const truncated = await sql.transaction(async (tx) => {
          await advisoryLock(tx, REFRESH_LOCK_KEY, true);
          // Another process may have done it meanwhile (and counted since).
          return (await tx.query<{ time_zone: string }>(ZONE)).rows[0]?.time_zone !== timeZone && (await empty(tx, timeZone));
        });
        if (truncated) sql.afterFileChanges?.();
        ({ marks, latest } = (await sql.query<{ marks: number; latest: number | null }>(STATE, [timeZone, atMost])).rows[0]);
      }
      if (marks >= atMost) return marks;
      const since = latest === null ? 0 : latest - LATE_CLOSE_MARGIN_MS;
      return marks + (await sql.query<{ n: number }>(COUNT_PENDING, [since, atMost - marks])).rows[0].n;
    },

    async fillStep(timeZone, limit, { wait }): Promise<FillStep> {
      let truncated = false;
      const step = await sql.transaction(async (tx): Promise<FillStep> => {
        if (!(await advisoryLock(tx, REFRESH_LOCK_KEY, wait))) return 'busy';
        // The pg client prepares these statements once per connection; after five runs PostgreSQL may
        // keep a generic plan, which for `= ANY ($1)` over a growing table scans it (measured: a
        // step's roll-up update 127 ms generic, 40 ms planned for its ids, docs/reports.md).
        await tx.query('SET LOCAL plan_cache_mode = force_custom_plan');
        if ((await tx.query<{ time_zone: string }>(ZONE)).rows[0]?.time_zone !== timeZone) {
          truncated = await empty(tx, timeZone);
          return 'more';
        }
        const latest = (await tx.query<{ at: number | null }>(LATEST_FILLED, [])).rows[0]?.at ?? null;
        const marks = (await tx.query<{ id: string; recount: boolean }>(TAKE_MARKS, [limit, latest])).rows;
        const since = latest === null ? 0 : latest - LATE_CLOSE_MARGIN_MS;
        const pending = marks.length < limit ? (await tx.query<{ id: string }>(PENDING, [since, limit - marks.length])).rows.map((r) => r.id) : [];
        // Counted again: their old cells out, new facts, new cells in. Pending ones have no cells to take out.
        const recount = marks.filter((m) => m.recount).map((m) => m.id);
        const ids = [...new Set([...recount, ...pending])];
        if (recount.length) {
          await tx.query(APPLY, [recount, timeZone, -1]);
          await tx.query('DELETE FROM conversation_facts WHERE conversation_id = ANY ($1::text[])', [recount]);
        }
        if (ids.length) {
          await tx.query(FILL_FACTS, [ids]);
          afterFacts?.();
          await tx.query(APPLY, [ids, timeZone, 1]);
        }
        return marks.length + pending.length < limit ? 'done' : 'more';
      });
      if (truncated) sql.afterFileChanges?.();
      return step;
    },

    async progress(): Promise<FillProgress> {
      const r = (await sql.query<{ done: number; total: number }>(PROGRESS)).rows[0];
      return { done: Math.min(r.done, r.total), total: r.total };
    },

    async tidy() {
      // Outside any transaction (VACUUM refuses to run in one); PGlite has no autovacuum. One
      // table per statement: on PGlite each holds the session, so other statements get in between.
      await sql.query('VACUUM (ANALYZE) report_rollups');
      await sql.query('VACUUM (ANALYZE) conversation_facts');
      // VACUUM writes visibility and free-space maps, new files.
      sql.afterFileChanges?.();
    },

    async cells(range: ReportRange): Promise<ReportCell[]> {
      const { from, to, groupBy: g, timeZone } = range;
      const agent = range.agentId ?? null;
      // One statement (one round trip): the counted cells, chats still open, complaints and follow-ups.
      // The time zone is used only when grouping by time; it is still named (`<> ''`) because
      // PostgreSQL must infer every parameter's type.
      const params: unknown[] = [from, to, timeZone, agent];
      let counted = agentQuery(g);
      if (agent === null) {
        const segments = rollupSegments(range.fromDay, range.toDay, g);
        params.push(DIM[g], ...segments.flatMap((s) => [s.from, s.to]));
        // An empty range still names $5 so that its type is known.
        counted = segments.length ? rollupQuery(g, segments) : `SELECT NULL::text AS k, 0 AS metric, 0 AS bucket, 0 AS n, 0::float8 AS total WHERE $5::bpchar IS NULL`;
      }
      const parts = [counted, openQuery(g), tasksQuery(g)];
      // A group's buckets of one metric travel as arrays in one row: a year by week is 53 × 14
      // rows instead of tens of thousands, and a row costs far more to send than an element.
      const { rows } = await sql.query<CellRows>(
        `SELECT ${g === 'department' ? liveDepartment('x.k') : 'x.k'} AS k, x.metric::int, array_agg(x.bucket) AS b, array_agg(x.n) AS n, array_agg(x.total) AS t
         FROM (${parts.map((q) => `(${q})`).join(' UNION ALL ')}) x GROUP BY x.k, x.metric`,
        params,
      );
      const cells: ReportCell[] = [];
      for (const r of rows) {
        const metric = Number(r.metric) as Metric;
        for (let i = 0; i < r.b.length; i++) cells.push({ key: r.k, metric, bucket: Number(r.b[i]), n: Number(r.n[i]), total: Number(r.t[i]) });
      }
      return cells;
    },

    async userNames(ids) {
      if (!ids.length) return new Map();
      const { rows } = await sql.query<{ id: string; display_name: string }>('SELECT id, display_name FROM users WHERE id = ANY ($1::text[])', [ids]);
      return new Map(rows.map((r) => [r.id, r.display_name]));
    },

    async departmentNames(ids) {
      if (!ids.length) return new Map();
      const { rows } = await sql.query<{ id: string; name: string }>('SELECT id, name FROM departments WHERE id = ANY ($1::text[])', [ids]);
      return new Map(rows.map((r) => [r.id, r.name]));
    },
  };
}
