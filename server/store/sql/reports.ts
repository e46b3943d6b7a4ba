/**
 * The reports' reads (the domain's ReportStore). A closed conversation's figures are computed
 * once from its messages into `conversation_facts` (migration 14), by the first report read
 * after it closed; every report then aggregates those rows (and joins the ratings, which may
 * still change). The message path writes nothing for reports.
 */
import type { DurationStats, ReportGroupBy } from '../../../shared/rest';
import type { ReportGroup, ReportRange, ReportStore } from '../../domain/ports/reports';
import { ts } from './rows';
import type { SqlClient } from './types';

const MS = (a: string, b: string) => `(extract(epoch FROM ${a} - ${b}) * 1000)::bigint`;

/** How late a close may commit after a later one and still be picked up, ms. */
const LATE_CLOSE_MARGIN_MS = 15 * 60_000;
/** Conversations per fill statement (the first fill takes the whole history in such steps). */
const FILL_BATCH = 5_000;

/**
 * Which closed conversations lack facts: those closed since the latest close already filled,
 * less the margin for closes that committed late (another process, a slow transaction); the
 * first fill takes the whole history. Two steps, each with a known bound, so the planner uses
 * the close-time index and a report usually finds nothing to do.
 */
const LATEST_FILLED = `SELECT (extract(epoch FROM max(closed_at)) * 1000)::float8 AS at FROM conversation_facts`;
const PENDING = `
SELECT c.id FROM conversations c
WHERE c.closed_at >= ${ts('$1')} AND NOT EXISTS (SELECT 1 FROM conversation_facts f WHERE f.conversation_id = c.id)
ORDER BY c.closed_at`;

/**
 * Facts of the given closed conversations ($1, ids), in one set-based pass over their messages:
 * the first queue and assignment events, the first agent text, the assignment in force at that
 * reply, and every reply time (a visitor text that follows a non-visitor text, or none, starts
 * a run; the next agent text ends it; runs never answered give no reply time).
 */
const FILL_FACTS = `
WITH todo AS (
  SELECT c.id, c.agent_id, c.close_category, c.opened_at, c.closed_at FROM conversations c
  WHERE c.id = ANY ($1::text[])
    AND NOT EXISTS (SELECT 1 FROM conversation_facts f WHERE f.conversation_id = c.id)
), msg AS (
  SELECT m.conversation_id, m.seq, m.author_kind, m.kind, m.created_at,
    CASE WHEN m.kind = 'event' THEN m.event->>'type' END AS type,
    min(m.created_at) FILTER (WHERE m.kind = 'text' AND m.author_kind = 'agent') OVER (PARTITION BY m.conversation_id) AS first_reply
  FROM messages m JOIN todo ON todo.id = m.conversation_id
), ev AS (
  SELECT conversation_id, min(first_reply) AS first_reply,
    min(created_at) FILTER (WHERE type = 'queued') AS first_queued,
    min(created_at) FILTER (WHERE type = 'assigned') AS first_assigned,
    max(created_at) FILTER (WHERE type = 'assigned' AND created_at <= first_reply) AS replying_assigned,
    bool_or(type = 'transferred') AS transferred
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
INSERT INTO conversation_facts (conversation_id, agent_id, category, opened_at, closed_at,
  queue_wait_ms, first_response_ms, reaction_ms, handling_ms, transferred, reply_ms)
SELECT c.id, c.agent_id, c.close_category, c.opened_at, c.closed_at,
  ${MS('e.first_assigned', 'coalesce(e.first_queued, c.opened_at)')},
  ${MS('e.first_reply', 'c.opened_at')},
  ${MS('e.first_reply', 'e.replying_assigned')},
  ${MS('c.closed_at', 'e.first_assigned')},
  coalesce(e.transferred, false),
  coalesce(r.reply_ms, '{}')
FROM todo c
LEFT JOIN ev e ON e.conversation_id = c.id
LEFT JOIN runs r ON r.conversation_id = c.id
ON CONFLICT (conversation_id) DO NOTHING`;

/** The group key of a row, bucketed in the zone $3 when by time. Only these fixed strings reach SQL. */
function keyOf(groupBy: ReportGroupBy, table: 'f' | 'c', at: string): string {
  if (groupBy === 'agent') return `${table}.agent_id`;
  if (groupBy === 'category') return table === 'f' ? 'f.category' : 'c.close_category';
  return `to_char(date_trunc('${groupBy}', ${at} AT TIME ZONE $3::text), 'YYYY-MM-DD')`;
}

const stats = (col: string) => `
  count(${col})::int AS ${col}_n, avg(${col})::float8 AS ${col}_mean,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY ${col}) AS ${col}_p50,
  percentile_cont(0.9) WITHIN GROUP (ORDER BY ${col}) AS ${col}_p90`;

const DURATIONS = ['queue_wait_ms', 'first_response_ms', 'reaction_ms', 'handling_ms'] as const;

// $1 from, $2 to, $3 time zone, $4 service level ms, $5 agent id or null.
const closedQuery = (g: ReportGroupBy) => `
SELECT k, grouping(k) = 1 AS total,
  count(*)::int AS closed,
  (count(*) FILTER (WHERE first_response_ms IS NULL))::int AS missed,
  (count(*) FILTER (WHERE transferred))::int AS transferred,
  (count(*) FILTER (WHERE first_response_ms <= $4::bigint))::int AS within_sl,
  ${DURATIONS.map(stats).join(',')},
  count(score)::int AS rated, coalesce(sum(score), 0)::int AS rating_sum,
  (count(*) FILTER (WHERE score >= 4))::int AS good
FROM (
  SELECT ${keyOf(g, 'f', 'f.closed_at')} AS k, f.*, r.score
  FROM conversation_facts f LEFT JOIN ratings r ON r.conversation_id = f.conversation_id
  WHERE f.closed_at >= ${ts('$1')} AND f.closed_at < ${ts('$2')} AND ($5::text IS NULL OR f.agent_id = $5::text) AND $3::text <> ''
) q
GROUP BY GROUPING SETS ((k), ())`;

const replyQuery = (g: ReportGroupBy) => `
SELECT k, grouping(k) = 1 AS total, ${stats('reply_ms')}
FROM (
  SELECT ${keyOf(g, 'f', 'f.closed_at')} AS k, x.reply_ms
  FROM conversation_facts f CROSS JOIN LATERAL unnest(f.reply_ms) AS x (reply_ms)
  WHERE f.closed_at >= ${ts('$1')} AND f.closed_at < ${ts('$2')} AND ($4::text IS NULL OR f.agent_id = $4::text) AND $3::text <> ''
) q
GROUP BY GROUPING SETS ((k), ())`;

const startedQuery = (g: ReportGroupBy) => `
SELECT k, grouping(k) = 1 AS total, count(*)::int AS started
FROM (
  SELECT ${keyOf(g, 'c', 'c.opened_at')} AS k
  FROM conversations c
  WHERE c.opened_at >= ${ts('$1')} AND c.opened_at < ${ts('$2')} AND ($4::text IS NULL OR c.agent_id = $4::text) AND $3::text <> ''
) q
GROUP BY GROUPING SETS ((k), ())`;

type Row = Record<string, unknown> & { k: string | null; total: boolean };

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Math.round(Number(v)));
const durationOf = (r: Row | undefined, col: string): DurationStats => ({
  count: Number(r?.[`${col}_n`] ?? 0),
  meanMs: num(r?.[`${col}_mean`]),
  medianMs: num(r?.[`${col}_p50`]),
  p90Ms: num(r?.[`${col}_p90`]),
});
const id = (r: Row) => (r.total ? '\u0000total' : (r.k ?? '\u0000none'));

export function createReportStore({ sql }: { sql: Pick<SqlClient, 'query'> }): ReportStore {
  async function fillFacts(): Promise<void> {
    const latest = (await sql.query<{ at: number | null }>(LATEST_FILLED, [])).rows[0]?.at ?? null;
    const since = latest === null ? 0 : latest - LATE_CLOSE_MARGIN_MS;
    const { rows } = await sql.query<{ id: string }>(PENDING, [since]);
    for (let i = 0; i < rows.length; i += FILL_BATCH) {
      await sql.query(FILL_FACTS, [rows.slice(i, i + FILL_BATCH).map((r) => r.id)]);
    }
  }

  return {
    async groups(range: ReportRange): Promise<ReportGroup[]> {
      const { from, to, groupBy: g, timeZone, serviceLevelMs } = range;
      const agent = range.agentId ?? null;
      await fillFacts();
      // The time zone is used only when grouping by time; each query still names $3 (`<> ''`)
      // because PostgreSQL must infer every parameter's type.
      const [closed, replies, started] = await Promise.all([
        sql.query<Row>(closedQuery(g), [from, to, timeZone, serviceLevelMs, agent]),
        sql.query<Row>(replyQuery(g), [from, to, timeZone, agent]),
        sql.query<Row>(startedQuery(g), [from, to, timeZone, agent]),
      ]);
      const byId = (rows: Row[]) => new Map(rows.map((r) => [id(r), r]));
      const c = byId(closed.rows);
      const rp = byId(replies.rows);
      const s = byId(started.rows);
      const keys = new Map<string, Row>();
      for (const r of [...closed.rows, ...started.rows]) keys.set(id(r), r);
      if (!keys.size) keys.set('\u0000total', { k: null, total: true });
      return [...keys].map(([k, r]): ReportGroup => {
        const cr = c.get(k);
        return {
          total: r.total,
          key: r.total ? null : r.k,
          started: Number(s.get(k)?.started ?? 0),
          closed: Number(cr?.closed ?? 0),
          missed: Number(cr?.missed ?? 0),
          transferred: Number(cr?.transferred ?? 0),
          withinServiceLevel: Number(cr?.within_sl ?? 0),
          queueWait: durationOf(cr, 'queue_wait_ms'),
          firstResponse: durationOf(cr, 'first_response_ms'),
          reaction: durationOf(cr, 'reaction_ms'),
          handling: durationOf(cr, 'handling_ms'),
          reply: durationOf(rp.get(k), 'reply_ms'),
          rated: Number(cr?.rated ?? 0),
          ratingSum: Number(cr?.rating_sum ?? 0),
          ratingsFourOrFive: Number(cr?.good ?? 0),
        };
      });
    },

    async userNames(ids) {
      if (!ids.length) return new Map();
      const { rows } = await sql.query<{ id: string; display_name: string }>('SELECT id, display_name FROM users WHERE id = ANY ($1::text[])', [ids]);
      return new Map(rows.map((r) => [r.id, r.display_name]));
    },
  };
}
