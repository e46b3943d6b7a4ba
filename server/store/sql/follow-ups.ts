/**
 * Complaints and follow-up tasks (the domain's FollowUpRepository). Uniqueness does the
 * idempotency: one complaint per conversation, one follow-up per (source, source id), so a
 * re-sent rating or a retried registration creates nothing twice.
 */
import { randomUUID } from 'node:crypto';
import type { ComplaintView, FollowUpView } from '../../../shared/rest';
import type { FollowUpRepository } from '../../domain/ports/chat-store';
import { queryOne, ts } from './rows';
import type { SqlClient } from './types';

interface ComplaintRow {
  id: string;
  conversation_id: string;
  category: string;
  severity: ComplaintView['severity'];
  owner_id: string | null;
  created_by: string;
  created_at: Date;
  due_at: Date;
}
interface FollowUpRow {
  id: string;
  source: FollowUpView['source'];
  source_id: string;
  conversation_id: string | null;
  visitor_id: string;
  assignee_id: string | null;
  subject: string;
  created_at: Date;
  due_at: Date;
  closed_at: Date | null;
  outcome: string | null;
}

const toComplaint = (r: ComplaintRow): ComplaintView => ({
  id: r.id,
  conversationId: r.conversation_id,
  category: r.category,
  severity: r.severity,
  ownerId: r.owner_id,
  createdBy: r.created_by,
  createdAt: r.created_at.getTime(),
  dueAt: r.due_at.getTime(),
});
const toFollowUp = (r: FollowUpRow): FollowUpView => ({
  id: r.id,
  source: r.source,
  sourceId: r.source_id,
  conversationId: r.conversation_id,
  visitorId: r.visitor_id,
  assigneeId: r.assignee_id,
  subject: r.subject,
  createdAt: r.created_at.getTime(),
  dueAt: r.due_at.getTime(),
  closedAt: r.closed_at?.getTime() ?? null,
  outcome: r.outcome,
});

const FU_COLS = 'id, source, source_id, conversation_id, visitor_id, assignee_id, subject, created_at, due_at, closed_at, outcome';
const INSERT_FOLLOW_UP = `INSERT INTO follow_ups (id, source, source_id, conversation_id, visitor_id, assignee_id, subject, created_at, due_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, ${ts('$8')}, ${ts('$9')})
  ON CONFLICT (source, source_id) DO NOTHING RETURNING ${FU_COLS}`;
// The complaint and its follow-up in one statement: both or neither.
const INSERT_COMPLAINT = `WITH c AS (
  INSERT INTO complaints (id, conversation_id, category, severity, owner_id, created_by, created_at, due_at)
  VALUES ($1, $2, $3, $4, $5, $6, ${ts('$7')}, ${ts('$8')})
  ON CONFLICT (conversation_id) DO NOTHING RETURNING *
), f AS (
  INSERT INTO follow_ups (id, source, source_id, conversation_id, visitor_id, assignee_id, subject, created_at, due_at)
  SELECT $9, 'complaint', c.id, c.conversation_id, $10, $11, $12, c.created_at, ${ts('$13')} FROM c
  RETURNING ${FU_COLS}
)
SELECT row_to_json(c.*) AS complaint, (SELECT row_to_json(f.*) FROM f) AS follow_up FROM c`;
const CLOSE_FOLLOW_UP = `UPDATE follow_ups SET closed_at = ${ts('$3')}, outcome = $2
  WHERE id = $1 AND closed_at IS NULL RETURNING ${FU_COLS}`;

/** row_to_json gives times as ISO strings: back to the row shape. */
const dates = <R>(o: Record<string, unknown>, keys: string[]): R =>
  Object.fromEntries(Object.entries(o).map(([k, v]) => [k, keys.includes(k) && typeof v === 'string' ? new Date(v) : v])) as R;

export function createFollowUpStore({ sql }: { sql: SqlClient }): FollowUpRepository {
  return {
    async addComplaint(c, f) {
      const row = await queryOne<{ complaint: Record<string, unknown>; follow_up: Record<string, unknown> }>(sql, INSERT_COMPLAINT, [
        randomUUID(), c.conversationId, c.category, c.severity, c.ownerId, c.createdBy, c.createdAt, c.dueAt,
        randomUUID(), f.visitorId, f.assigneeId, f.subject, f.dueAt,
      ]);
      if (!row) return { status: 'exists' };
      return {
        status: 'created',
        complaint: toComplaint(dates<ComplaintRow>(row.complaint, ['created_at', 'due_at'])),
        followUp: toFollowUp(dates<FollowUpRow>(row.follow_up, ['created_at', 'due_at', 'closed_at'])),
      };
    },
    async listComplaints(limit) {
      const { rows } = await sql.query<ComplaintRow>('SELECT * FROM complaints ORDER BY created_at DESC, id LIMIT $1', [limit]);
      return rows.map(toComplaint);
    },
    async addFollowUp(f) {
      const row = await queryOne<FollowUpRow>(sql, INSERT_FOLLOW_UP, [
        randomUUID(), f.source, f.sourceId, f.conversationId, f.visitorId, f.assigneeId, f.subject, f.createdAt, f.dueAt,
      ]);
      return row && toFollowUp(row);
    },
    async listFollowUps(q) {
      const params: unknown[] = [q.limit];
      let where = q.open ? 'closed_at IS NULL' : 'closed_at IS NOT NULL';
      if (q.assigneeOrUnassigned !== undefined) {
        params.push(q.assigneeOrUnassigned);
        where += ' AND (assignee_id = $2 OR assignee_id IS NULL)';
      }
      const { rows } = await sql.query<FollowUpRow>(`SELECT ${FU_COLS} FROM follow_ups WHERE ${where} ORDER BY due_at, id LIMIT $1`, params);
      return rows.map(toFollowUp);
    },
    async getFollowUp(id) {
      const row = await queryOne<FollowUpRow>(sql, `SELECT ${FU_COLS} FROM follow_ups WHERE id = $1`, [id]);
      return row && toFollowUp(row);
    },
    async closeFollowUp(id, outcome, at) {
      const row = await queryOne<FollowUpRow>(sql, CLOSE_FOLLOW_UP, [id, outcome, at]);
      return row && toFollowUp(row);
    },
  };
}
