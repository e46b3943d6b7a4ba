/**
 * Leave-a-message submissions, made while no agent is online: storing them (the chat store),
 * the answer a visitor sees next, and the team's inbox (open, answered, closed).
 */
import { randomUUID } from 'node:crypto';
import type { PageContext, SystemEvent } from '../../../shared/protocol';
import type { InboxFilter, InboxMessageRecord, InboxWrite, LeftMessageInbox, LeftMessageStatus } from '../../domain/ports/left-messages';
import { MSG_COLS, parameters, queryOne, ts } from './rows';
import type { SqlChatStore, LeftMessageRecord, SqlClient } from './types';

interface LeftMessageRow {
  id: string;
  visitor_id: string;
  name: string;
  email: string;
  body: string;
  context: PageContext | null;
  created_at: Date;
  handled: boolean;
}

const LEFT_COLS = 'id, visitor_id, name, email, body, context, created_at, handled';

const leftMessageFields = (r: Omit<LeftMessageRow, 'handled'>): Omit<LeftMessageRecord, 'handled'> => ({
  id: r.id,
  visitorId: r.visitor_id,
  name: r.name,
  email: r.email,
  text: r.body,
  context: r.context,
  createdAt: r.created_at.getTime(),
});
const toLeftMessage = (r: LeftMessageRow): LeftMessageRecord => ({ ...leftMessageFields(r), handled: r.handled });

// The context is copied in the same statement, so it is the one current at the insert.
const INSERT_LEFT_MESSAGE = `INSERT INTO left_messages (id, visitor_id, name, email, body, context, created_at)
  SELECT $1::text, $2::text, $3::text, $4::text, $5::text,
         (SELECT context FROM visitors WHERE id = $2::text), ${ts('$6')}
  RETURNING ${LEFT_COLS}`;
const LIST_LEFT_MESSAGES = `SELECT ${LEFT_COLS} FROM left_messages ORDER BY created_at DESC, id DESC LIMIT $1`;

export type LeftMessageStore = Pick<SqlChatStore, 'addLeftMessage' | 'listLeftMessages'>;

export function createLeftMessageStore({ sql }: { sql: SqlClient }): LeftMessageStore {
  return {
    async addLeftMessage(m) {
      const row = await queryOne<LeftMessageRow>(sql, INSERT_LEFT_MESSAGE, [randomUUID(), m.visitorId, m.name, m.email, m.text, m.at]);
      return toLeftMessage(row!);
    },
    async listLeftMessages(o) {
      return (await sql.query<LeftMessageRow>(LIST_LEFT_MESSAGES, [o?.limit ?? 100])).rows.map(toLeftMessage);
    },
  };
}

/**
 * The answer a visitor should see on their next session:sync: their most recently answered
 * left message's conversation, unless they have opened a conversation since the answer.
 */
const ANSWER_TO_SHOW = `SELECT l.conversation_id FROM left_messages l
  WHERE l.visitor_id = $1 AND l.conversation_id IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM conversations c WHERE c.visitor_id = $1 AND c.opened_at > l.answered_at)
  ORDER BY l.answered_at DESC LIMIT 1`;

export function createAnswerLookup({ sql }: { sql: SqlClient }): Pick<SqlChatStore, 'answerToShow'> {
  return {
    async answerToShow(visitorId) {
      return (await queryOne<{ conversation_id: string }>(sql, ANSWER_TO_SHOW, [visitorId]))?.conversation_id ?? null;
    },
  };
}

// ---------------------------------------------------------------- the inbox

interface InboxRow extends Omit<LeftMessageRow, 'handled'> {
  status: LeftMessageStatus;
  assignee_id: string | null;
  assignee_name: string | null;
  answer: string | null;
  answered_by: string | null;
  answered_by_name: string | null;
  answered_at: Date | null;
  closed_at: Date | null;
  conversation_id: string | null;
}

const INBOX_SELECT = `SELECT l.id, l.visitor_id, l.name, l.email, l.body, l.context, l.created_at, l.status,
    l.assignee_id, ua.display_name AS assignee_name, l.answer, l.answered_by, ub.display_name AS answered_by_name,
    l.answered_at, l.closed_at, l.conversation_id
  FROM left_messages l
  LEFT JOIN users ua ON ua.id = l.assignee_id
  LEFT JOIN users ub ON ub.id = l.answered_by`;

const toInboxMessage = (r: InboxRow): InboxMessageRecord => ({
  ...leftMessageFields(r),
  status: r.status,
  assigneeId: r.assignee_id,
  assigneeName: r.assignee_name,
  answer: r.answer,
  answeredBy: r.answered_by,
  answeredByName: r.answered_by_name,
  answeredAt: r.answered_at?.getTime() ?? null,
  closedAt: r.closed_at?.getTime() ?? null,
  conversationId: r.conversation_id,
});

const GET_INBOX_MESSAGE = `${INBOX_SELECT} WHERE l.id = $1`;
// left_messages_status_idx / left_messages_assignee_idx answer it from the index.
const COUNT_OPEN = `SELECT count(*)::int AS n FROM left_messages WHERE status = 'open' AND ($1::text IS NULL OR assignee_id = $1::text)`;
const ASSIGN = `UPDATE left_messages SET assignee_id = $2::text WHERE id = $1 AND status = 'open' RETURNING id`;
const CLOSE = `UPDATE left_messages SET status = 'closed', closed_at = ${ts('$2')}
  WHERE id = $1 AND status <> 'closed' AND ($3::text IS NULL OR assignee_id = $3::text) RETURNING id`;
/**
 * The answer and the visitor's closed conversation that carries it, in one statement: seqs 1–5
 * are `opened` and the left message (at the time it was left), then `assigned`, the answer and
 * `closed` (at the answer's time). Foreign keys are checked at the end of the statement, when
 * the conversation exists.
 */
const ANSWER = `WITH l AS (
  UPDATE left_messages SET status = 'answered', answer = $3::text, answered_by = $2::text,
    answered_at = ${ts('$4')}, conversation_id = $5::text
  WHERE id = $1 AND status = 'open' AND ($6::text IS NULL OR assignee_id = $6::text)
  RETURNING visitor_id, body, created_at, answered_at
), conv AS (
  INSERT INTO conversations (id, visitor_id, agent_id, status, opened_at, first_response_at, closed_at, closed_by, closed_by_id, last_seq)
  SELECT $5::text, visitor_id, $2::text, 'closed', created_at, answered_at, answered_at, 'agent', $2::text, 5 FROM l
  RETURNING id
), m AS (
  INSERT INTO messages (${MSG_COLS})
  SELECT $5::text, 1, NULL, 'system', NULL, 'event', '', $7::text::jsonb, created_at FROM l
  UNION ALL SELECT $5::text, 2, NULL, 'visitor', visitor_id, 'text', body, NULL, created_at FROM l
  UNION ALL SELECT $5::text, 3, NULL, 'system', NULL, 'event', '', $8::text::jsonb, answered_at FROM l
  UNION ALL SELECT $5::text, 4, NULL, 'agent', $2::text, 'text', $3::text, NULL, answered_at FROM l
  UNION ALL SELECT $5::text, 5, NULL, 'system', NULL, 'event', '', $9::text::jsonb, answered_at FROM l
  RETURNING seq
)
SELECT id FROM conv`;

function listQuery(f: InboxFilter): { text: string; params: unknown[] } {
  const { params, p } = parameters();
  const where: string[] = [];
  if (f.status !== undefined) where.push(`l.status = ${p(f.status)}::text`);
  if (f.assigneeId !== undefined) where.push(`l.assignee_id = ${p(f.assigneeId)}::text`);
  if (f.after !== undefined) where.push(`(l.created_at, l.id) < (${ts(p(f.after.createdAt))}, ${p(f.after.id)}::text)`);
  return {
    text: `${INBOX_SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
  ORDER BY l.created_at DESC, l.id DESC LIMIT ${p(f.limit)}`,
    params,
  };
}

export function createLeftMessageInbox({ sql }: { sql: SqlClient }): LeftMessageInbox {
  const get = async (id: string) => {
    const row = await queryOne<InboxRow>(sql, GET_INBOX_MESSAGE, [id]);
    return row && toInboxMessage(row);
  };
  /** A write that changed nothing: says why, from the row as it is now. */
  const refused = async (id: string, assignedTo: string | undefined): Promise<InboxWrite> => {
    const now = await get(id);
    if (!now) return { status: 'not_found' };
    if (assignedTo !== undefined && now.assigneeId !== assignedTo) return { status: 'not_assigned' };
    return { status: 'not_open' };
  };
  const outcome = async (changed: boolean, id: string, assignedTo?: string): Promise<InboxWrite> => {
    if (!changed) return refused(id, assignedTo);
    return { status: 'saved', message: (await get(id))! };
  };

  return {
    async list(filter) {
      const { text, params } = listQuery(filter);
      return (await sql.query<InboxRow>(text, params)).rows.map(toInboxMessage);
    },
    get,
    async assign(id, assigneeId) {
      return outcome((await sql.query(ASSIGN, [id, assigneeId])).rows.length > 0, id);
    },
    async answer(a) {
      const opened: SystemEvent = { type: 'opened' };
      const assigned: SystemEvent = { type: 'assigned', agentId: a.agentId, agentName: a.agentName };
      const closed: SystemEvent = { type: 'closed', by: 'agent', byId: a.agentId };
      const { rows } = await sql.query(ANSWER, [
        a.id, a.agentId, a.text, a.at, randomUUID(), a.assignedTo ?? null,
        JSON.stringify(opened), JSON.stringify(assigned), JSON.stringify(closed),
      ]);
      return outcome(rows.length > 0, a.id, a.assignedTo);
    },
    async close(id, at, assignedTo) {
      return outcome((await sql.query(CLOSE, [id, at, assignedTo ?? null])).rows.length > 0, id, assignedTo);
    },
    async countOpen(assigneeId) {
      return (await sql.query<{ n: number }>(COUNT_OPEN, [assigneeId ?? null])).rows[0].n;
    },
  };
}
