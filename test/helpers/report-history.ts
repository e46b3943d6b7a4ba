/**
 * A generated history for the reports (bench/reports.ts on a year; the history-fill tests on a
 * few dozen chats): N closed conversations with ten rows each in messages, made inside the
 * database, spread evenly over `spanMs` before `end`, agents `agent-1`… .
 */
import type { SqlClient } from '../../server/store/sql/types';

/**
 * One row per conversation, ten per conversation in messages. Every 10th chat is missed (no
 * agent reply, no assignment), every 7th transferred, 40 % rated; five departments, every sixth
 * chat in none. Times vary with cheap hashes
 * of the row number so medians and percentiles have something to sort.
 */
const GENERATE = (agents: number) => [
  `INSERT INTO users (id, email, display_name, role, password_hash)
   SELECT 'agent-' || g, 'agent' || g || '@bench.test', 'Agent ' || g, 'agent', 'x' FROM generate_series(1, ${agents}) g`,
  `INSERT INTO departments (id, name, created_at) SELECT 'dep-' || g, 'Department ' || g, now() FROM generate_series(1, 5) g`,
  `INSERT INTO conversations (id, visitor_id, agent_id, status, opened_at, first_response_at, closed_at, closed_by, close_category, last_seq, department_id)
   SELECT 'c' || g, 'v' || g, CASE WHEN g % 10 = 0 THEN NULL ELSE 'agent-' || (g % ${agents} + 1) END, 'closed',
     to_timestamp($1::float8 / 1000) + g * ($2::float8 / $3) * interval '1 ms',
     CASE WHEN g % 10 = 0 THEN NULL ELSE to_timestamp($1::float8 / 1000) + g * ($2::float8 / $3) * interval '1 ms' + (5 + g % 37 + g % 11) * interval '1 s' END,
     to_timestamp($1::float8 / 1000) + g * ($2::float8 / $3) * interval '1 ms' + (600 + g % 900) * interval '1 s', 'agent',
     (ARRAY['order', 'product', 'delivery', 'payment', 'other'])[g % 5 + 1], 10,
     CASE WHEN g % 6 = 0 THEN NULL ELSE 'dep-' || (g % 5 + 1) END
   FROM generate_series(1, $3::int) g`,
  // Seq 1 visitor, 2 queued, 3 assigned, 4 agent, 5–6 visitor (a run of two), 7 agent, 8 visitor,
  // 9 agent, 10 closed; a missed chat has visitor texts and events only.
  `INSERT INTO messages (conversation_id, seq, author_kind, author_id, kind, body, event, created_at)
   SELECT c.id, s,
     CASE WHEN s IN (2, 3, 10) THEN 'system' WHEN s IN (4, 7, 9) AND c.agent_id IS NOT NULL THEN 'agent' ELSE 'visitor' END,
     CASE WHEN s IN (2, 3, 10) THEN NULL WHEN s IN (4, 7, 9) AND c.agent_id IS NOT NULL THEN c.agent_id ELSE c.visitor_id END,
     CASE WHEN s IN (2, 3, 10) THEN 'event' ELSE 'text' END,
     CASE WHEN s IN (2, 3, 10) THEN '' ELSE 'message ' || s END,
     CASE s
       WHEN 2 THEN '{"type":"queued","position":1}'::jsonb
       WHEN 3 THEN CASE WHEN c.agent_id IS NULL THEN '{"type":"queued","position":1}'::jsonb
                   WHEN n % 7 = 0 THEN jsonb_build_object('type', 'transferred', 'fromAgentId', 'agent-1', 'toAgentId', c.agent_id)
                   ELSE jsonb_build_object('type', 'assigned', 'agentId', c.agent_id, 'agentName', 'x') END
       WHEN 10 THEN '{"type":"closed","by":"agent","byId":null}'::jsonb
     END,
     c.opened_at + CASE s WHEN 1 THEN 0 WHEN 2 THEN 0 WHEN 3 THEN 2 + n % 13 WHEN 4 THEN 5 + n % 37 + n % 11
       WHEN 5 THEN 60 WHEN 6 THEN 70 WHEN 7 THEN 90 + n % 50 WHEN 8 THEN 200 WHEN 9 THEN 220 + n % 90 ELSE 600 + n % 900 END * interval '1 s'
   FROM (SELECT id, agent_id, visitor_id, opened_at, substr(id, 2)::int AS n FROM conversations) c
   CROSS JOIN generate_series(1, 10) s`,
  // Transferred chats get their assignment too (seq 11), before the first reply.
  `INSERT INTO messages (conversation_id, seq, author_kind, kind, body, event, created_at)
   SELECT c.id, 11, 'system', 'event', '', jsonb_build_object('type', 'assigned', 'agentId', c.agent_id, 'agentName', 'x'), c.opened_at + interval '3 s'
   FROM conversations c WHERE c.agent_id IS NOT NULL AND substr(c.id, 2)::int % 7 = 0`,
  `INSERT INTO ratings (conversation_id, visitor_id, score, created_at)
   SELECT id, visitor_id, (substr(id, 2)::int % 5) + 1, closed_at FROM conversations WHERE substr(id, 2)::int % 5 < 2`,
  'ANALYZE',
];


export interface HistoryShape {
  conversations: number;
  /** The last close is shortly before this instant (ms). */
  end: number;
  /** How far back the first opens (ms). */
  spanMs: number;
  /** @default 20 */
  agents?: number;
}

/** Inserts the users, conversations, messages and ratings of the generated history, then ANALYZE. */
export async function generateReportHistory(sql: Pick<SqlClient, 'query'>, h: HistoryShape): Promise<void> {
  for (const statement of GENERATE(h.agents ?? 20)) {
    await sql.query(statement, statement.includes('$3') ? [h.end - h.spanMs, h.spanMs, h.conversations] : []);
  }
}
