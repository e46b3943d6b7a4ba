/**
 * Wrap-ups (the domain's WrapUpRepository): a conversation the visitor ended waits for its
 * agent's category and summary until a due time. Each step is one conditional UPDATE, so two
 * processes (or an agent's two tabs) racing act once: the first changes the row, the second
 * matches none.
 */
import type { WrapUpRepository } from '../../domain/ports/chat-store';
import { queryOne, ts } from './rows';
import type { SqlClient } from './types';

const START = `UPDATE conversations SET wrapup_due_at = ${ts('$2')}
  WHERE id = $1 AND status = 'closed' AND agent_id IS NOT NULL AND wrapup_due_at IS NULL AND wrapup_ended_at IS NULL
  RETURNING id`;
// A report may already have counted the conversation (store/sql/reports.ts) with no category:
// it is marked in the same statement, and the reports' next refresh moves it to its category.
const FILE = `WITH filed AS (
  UPDATE conversations
  SET close_category = $2, close_summary = $3, wrapup_due_at = NULL, wrapup_ended_at = ${ts('$4')}
  WHERE id = $1 AND wrapup_due_at IS NOT NULL RETURNING id, agent_id
), marked AS (
  -- The report's roll-ups move the chat to its category on their next refresh (store/sql/reports.ts).
  INSERT INTO report_dirty (conversation_id) SELECT id FROM filed ON CONFLICT DO NOTHING
)
SELECT agent_id FROM filed`;
const EXPIRE = `UPDATE conversations SET wrapup_due_at = NULL, wrapup_ended_at = ${ts('$1')}
  WHERE wrapup_due_at <= ${ts('$1')} RETURNING id, agent_id`;
const PENDING = `SELECT id, wrapup_due_at FROM conversations WHERE id = $1 AND wrapup_due_at IS NOT NULL`;

export function createWrapUpStore({ sql }: { sql: SqlClient }): WrapUpRepository {
  return {
    async startWrapUp(id, dueAt) {
      return (await queryOne(sql, START, [id, dueAt])) !== null;
    },
    async fileWrapUp(id, filing, at) {
      const row = await queryOne<{ agent_id: string }>(sql, FILE, [id, filing.category, filing.summary, at]);
      return row && { agentId: row.agent_id };
    },
    async expireWrapUps(at) {
      const { rows } = await sql.query<{ id: string; agent_id: string }>(EXPIRE, [at]);
      return rows.map((r) => ({ conversationId: r.id, agentId: r.agent_id }));
    },
    async wrapUpDue(id) {
      const row = await queryOne<{ wrapup_due_at: Date }>(sql, PENDING, [id]);
      return row && row.wrapup_due_at.getTime();
    },
  };
}
