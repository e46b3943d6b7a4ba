/**
 * Conversations: opening (alone or with the visitor's first message), assignment, closing,
 * and the lists the console and the visitor's history read.
 */
import { randomUUID } from 'node:crypto';
import type { AuthorKind, CloseCategory, ConversationStatus, SystemEvent } from '../../../shared/protocol';
import { eventMessage } from '../../domain/chat/events';
import { MSG_COLS, parameters, queryOne, storedMessage, ts } from './rows';
import type { SqlChatStore, ConversationFilter, ConversationRecord, ConversationSummary, SqlClient } from './types';

export interface ConversationRow {
  id: string;
  visitor_id: string;
  status: ConversationStatus;
  agent_id: string | null;
  opened_at: Date;
  first_response_at: Date | null;
  closed_at: Date | null;
  closed_by: AuthorKind | null;
  close_category: CloseCategory | null;
  close_summary: string | null;
  last_seq: number;
  priority: number;
  department_id: string | null;
}

export const CONV_COLS =
  'id, visitor_id, status, agent_id, opened_at, first_response_at, closed_at, closed_by, close_category, close_summary, last_seq, priority, department_id';

export const toConversation = (r: ConversationRow): ConversationRecord => ({
  id: r.id,
  visitorId: r.visitor_id,
  status: r.status,
  agentId: r.agent_id,
  openedAt: r.opened_at.getTime(),
  firstResponseAt: r.first_response_at?.getTime() ?? null,
  closedAt: r.closed_at?.getTime() ?? null,
  closedBy: r.closed_by,
  closeCategory: r.close_category,
  closeSummary: r.close_summary,
  lastSeq: r.last_seq,
  priority: r.priority,
  departmentId: r.department_id,
});

/**
 * A new conversation's priority and department, from its visitor (`$2`) at its opening time
 * (`$3`): PRIORITY.vip (server/domain/chat/priority.ts) while their VIP tier is unexpired, and the
 * department the host page or the widget named.
 */
const FROM_VISITOR = `COALESCE((SELECT CASE WHEN v.tier = 'vip' AND v.tier_expires_at > ${ts('$3')} THEN 1 ELSE 0 END
    FROM visitors v WHERE v.id = $2::text), 0),
  (SELECT v.department_id FROM visitors v WHERE v.id = $2::text)`;

// The conflict target names the partial unique index: a concurrent opener inserts nothing.
const INSERT_CONVERSATION = `INSERT INTO conversations (id, visitor_id, status, opened_at, priority, department_id)
  SELECT $1, $2, 'queued', ${ts('$3')}, ${FROM_VISITOR}
  ON CONFLICT (visitor_id) WHERE status <> 'closed' DO NOTHING
  RETURNING ${CONV_COLS}`;
/**
 * A visitor's first message opens their conversation in one statement: the conversation (with
 * `last_seq` 2), its `opened` event (seq 1), the message (seq 2) and the visitor's last-seen
 * time. Nothing is written when the visitor already has an active conversation (the partial
 * unique index) or already sent this clientId (a re-send whose conversation has closed).
 * `stored` is false when a concurrent re-send stored the same clientId first.
 */
const OPEN_WITH_MESSAGE = `WITH resent AS (
  SELECT 1 FROM messages WHERE author_id = $2::text AND client_id = $4::text
), conv AS (
  INSERT INTO conversations (id, visitor_id, status, opened_at, last_seq, priority, department_id)
  SELECT $1::text, $2::text, 'queued', ${ts('$3')}, 2, ${FROM_VISITOR} WHERE NOT EXISTS (SELECT 1 FROM resent)
  ON CONFLICT (visitor_id) WHERE status <> 'closed' DO NOTHING
  RETURNING ${CONV_COLS}
), visitor AS (
  INSERT INTO visitors (id, created_at, last_seen_at) SELECT visitor_id, opened_at, opened_at FROM conv
  ON CONFLICT (id) DO UPDATE SET last_seen_at = GREATEST(visitors.last_seen_at, EXCLUDED.last_seen_at)
  RETURNING name
), ins AS (
  INSERT INTO messages (${MSG_COLS})
  SELECT id, 1, NULL, 'system', NULL, 'event', '', $6::text::jsonb, opened_at FROM conv
  UNION ALL
  SELECT id, 2, $4::text, 'visitor', $2::text, 'text', $5::text, NULL, opened_at FROM conv
  ON CONFLICT (author_id, client_id) DO NOTHING
  RETURNING seq
)
SELECT conv.*, (SELECT name FROM visitor) AS visitor_name, EXISTS (SELECT 1 FROM ins WHERE seq = 2) AS stored FROM conv`;

/**
 * Sets (or clears: back to the queue) the assignee and records its event in one statement.
 * The seq comes from the same row update, under the row lock appends take too. Nothing
 * happens to a closed conversation.
 */
const ASSIGN_WITH_EVENT = `WITH c AS (
  UPDATE conversations
  SET agent_id = $2::text, status = CASE WHEN $2::text IS NULL THEN 'queued' ELSE 'open' END, last_seq = last_seq + 1
  WHERE id = $1 AND status <> 'closed'
  RETURNING id, last_seq
)
INSERT INTO messages (${MSG_COLS})
SELECT id, last_seq, NULL, 'system', NULL, 'event', '', $3::text::jsonb, ${ts('$4')} FROM c
RETURNING seq`;

/** Closes a conversation and records its `closed` event, the transcript's last, in one statement. */
const CLOSE_WITH_EVENT = `WITH c AS (
  UPDATE conversations
  SET status = 'closed', closed_at = ${ts('$4')}, closed_by = $2, closed_by_id = $3, close_category = $5,
      close_summary = $6, last_seq = last_seq + 1
  WHERE id = $1 AND status <> 'closed'
  RETURNING ${CONV_COLS}
), e AS (
  INSERT INTO messages (${MSG_COLS})
  SELECT id, last_seq, NULL, 'system', NULL, 'event', '', $7::text::jsonb, closed_at FROM c
  RETURNING seq
)
SELECT c.*, (SELECT seq FROM e) AS event_seq FROM c`;
/** ORs priority bits into an active conversation's priority; returns the new one. */
const RAISE_PRIORITY = `UPDATE conversations SET priority = priority | $2::int
  WHERE id = $1 AND status <> 'closed' RETURNING priority`;
const SET_DEPARTMENT = `UPDATE conversations SET department_id = $2 WHERE id = $1 AND status <> 'closed' RETURNING id`;
const GET_CONVERSATION = `SELECT ${CONV_COLS} FROM conversations WHERE id = $1`;
const FIND_ACTIVE = `SELECT ${CONV_COLS} FROM conversations WHERE visitor_id = $1 AND status <> 'closed'`;
const LIST_ACTIVE = `SELECT ${CONV_COLS} FROM conversations WHERE status <> 'closed' ORDER BY opened_at, id`;
const SET_ASSIGNMENT = `UPDATE conversations
  SET agent_id = $2::text, status = CASE WHEN $2::text IS NULL THEN 'queued' ELSE 'open' END
  WHERE id = $1 AND status <> 'closed'`;
const MARK_FIRST_RESPONSE = `UPDATE conversations SET first_response_at = ${ts('$2')}
  WHERE id = $1 AND first_response_at IS NULL`;
const CLOSE_CONVERSATION = `UPDATE conversations
  SET status = 'closed', closed_at = ${ts('$4')}, closed_by = $2, closed_by_id = $3, close_category = $5, close_summary = $6
  WHERE id = $1 AND status <> 'closed' RETURNING ${CONV_COLS}`;
const LIST_VISITOR_CONVERSATIONS = `SELECT ${CONV_COLS} FROM conversations
  WHERE visitor_id = $1 ORDER BY opened_at DESC, id DESC LIMIT $2`;

/** The conversation columns of `c`, for joins. */
export const C_COLS = CONV_COLS.split(', ').map((c) => `c.${c}`).join(', ');

/**
 * The filters conversation lists and transcript search share, on `conversations c`, with
 * parameters numbered by `p`. The text filter is a substring test (strpos, no pattern
 * characters to escape) on lower-cased bodies of texts and notes.
 */
export function conversationConditions(
  f: Pick<ConversationFilter, 'agentId' | 'from' | 'to' | 'text' | 'after'>,
  p: (v: unknown) => string,
): string[] {
  const where: string[] = [];
  if (f.agentId !== undefined) where.push(`c.agent_id = ${p(f.agentId)}::text`);
  if (f.from !== undefined) where.push(`c.opened_at >= ${ts(p(f.from))}`);
  if (f.to !== undefined) where.push(`c.opened_at < ${ts(p(f.to))}`);
  if (f.text !== undefined) {
    // Text without letter case (Chinese, digits) is compared as it is: lower() of every body is
    // most of the scan's cost (bench/transcript-search.ts).
    const caseless = f.text.toLowerCase() === f.text.toUpperCase();
    const test = caseless ? `strpos(m.body, ${p(f.text)}::text)` : `strpos(lower(m.body), lower(${p(f.text)}::text))`;
    where.push(`EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.id AND m.kind <> 'event' AND ${test} > 0)`);
  }
  if (f.after !== undefined) where.push(`(c.opened_at, c.id) < (${ts(p(f.after.openedAt))}, ${p(f.after.id)}::text)`);
  return where;
}

/**
 * One page of conversations, newest first. The text filter is a substring test (strpos, no
 * pattern characters to escape) on lower-cased bodies: it works for Chinese, where there are
 * no word boundaries. It scans the messages of the candidate conversations; a trigram index
 * would be the next step on a large PostgreSQL database.
 */
function listConversationsQuery(f: ConversationFilter): { text: string; params: unknown[] } {
  const { params, p } = parameters();
  const where = conversationConditions(f, p);
  if (f.status !== undefined) where.push(`c.status = ${p(f.status)}::text`);
  if (f.visitorId !== undefined) where.push(`c.visitor_id = ${p(f.visitorId)}::text`);
  return {
    text: `SELECT ${C_COLS}, v.name AS visitor_name, u.display_name AS agent_name
  FROM conversations c
  LEFT JOIN visitors v ON v.id = c.visitor_id
  LEFT JOIN users u ON u.id = c.agent_id
  ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
  ORDER BY c.opened_at DESC, c.id DESC LIMIT ${p(f.limit)}`,
    params,
  };
}

export type ConversationStore = Pick<
  SqlChatStore,
  | 'openConversation' | 'openConversationWith' | 'assignWithEvent' | 'closeWithEvent' | 'getConversation'
  | 'findActiveConversation' | 'listActiveConversations' | 'setAssignment' | 'markFirstResponse'
  | 'closeConversation' | 'listVisitorConversations' | 'listConversations' | 'raisePriority' | 'setConversationDepartment'
>;

export function createConversationStore({ sql }: { sql: SqlClient }): ConversationStore {
  const findActiveConversation = async (visitorId: string) => {
    const row = await queryOne<ConversationRow>(sql, FIND_ACTIVE, [visitorId]);
    return row && toConversation(row);
  };

  return {
    async openConversation(visitorId, at) {
      // INSERT then SELECT are two statements: the active conversation that blocked the insert
      // may be closed in between, so try again (a few times at most in practice).
      for (let attempt = 0; attempt < 5; attempt++) {
        const row = await queryOne<ConversationRow>(sql, INSERT_CONVERSATION, [randomUUID(), visitorId, at]);
        if (row) return { conversation: toConversation(row), created: true };
        const active = await findActiveConversation(visitorId);
        if (active) return { conversation: active, created: false };
      }
      throw new Error(`Could not open a conversation for visitor ${visitorId}: it keeps closing`);
    },
    async openConversationWith(visitorId, at, first) {
      const opened: SystemEvent = { type: 'opened' };
      const row = await queryOne<ConversationRow & { visitor_name: string | null; stored: boolean }>(sql, OPEN_WITH_MESSAGE, [
        randomUUID(), visitorId, at, first.clientId, first.text, JSON.stringify(opened),
      ]);
      if (!row) return null;
      const conversation = toConversation(row);
      return {
        conversation,
        visitorName: row.visitor_name,
        opened: storedMessage(eventMessage(conversation.id, opened, at), 1),
        message: row.stored
          ? storedMessage({ conversationId: conversation.id, clientId: first.clientId, author: 'visitor', authorId: visitorId, kind: 'text', text: first.text, at }, 2)
          : null,
      };
    },
    async assignWithEvent(id, agentId, event, at) {
      const row = await queryOne<{ seq: number }>(sql, ASSIGN_WITH_EVENT, [id, agentId, JSON.stringify(event), at]);
      return row && storedMessage(eventMessage(id, event, at), row.seq);
    },
    async closeWithEvent(id, by, byId, at, filing) {
      const event: SystemEvent = { type: 'closed', by, byId, ...(filing?.reason ? { reason: filing.reason } : {}) };
      const row = await queryOne<ConversationRow & { event_seq: number }>(sql, CLOSE_WITH_EVENT, [
        id, by, byId, at, filing?.category ?? null, filing?.summary ?? null, JSON.stringify(event),
      ]);
      return row && {
        conversation: toConversation(row),
        event: storedMessage(eventMessage(id, event, at), row.event_seq),
      };
    },
    async raisePriority(id, bits) {
      return (await queryOne<{ priority: number }>(sql, RAISE_PRIORITY, [id, bits]))?.priority ?? null;
    },
    async setConversationDepartment(id, departmentId) {
      return (await queryOne(sql, SET_DEPARTMENT, [id, departmentId])) !== null;
    },
    async getConversation(id) {
      const row = await queryOne<ConversationRow>(sql, GET_CONVERSATION, [id]);
      return row && toConversation(row);
    },
    findActiveConversation,
    async listActiveConversations() {
      return (await sql.query<ConversationRow>(LIST_ACTIVE)).rows.map(toConversation);
    },
    async setAssignment(id, agentId) {
      await sql.query(SET_ASSIGNMENT, [id, agentId]);
    },
    async markFirstResponse(id, at) {
      await sql.query(MARK_FIRST_RESPONSE, [id, at]);
    },
    async closeConversation(id, by, byId, at, filing) {
      const params = [id, by, byId, at, filing?.category ?? null, filing?.summary ?? null];
      const row = await queryOne<ConversationRow>(sql, CLOSE_CONVERSATION, params);
      return row && toConversation(row);
    },
    async listVisitorConversations(visitorId, limit) {
      return (await sql.query<ConversationRow>(LIST_VISITOR_CONVERSATIONS, [visitorId, limit])).rows.map(toConversation);
    },
    async listConversations(filter) {
      const { text, params } = listConversationsQuery(filter);
      const { rows } = await sql.query<ConversationRow & { visitor_name: string | null; agent_name: string | null }>(text, params);
      return rows.map((r): ConversationSummary => ({ ...toConversation(r), visitorName: r.visitor_name, agentName: r.agent_name }));
    },
  };
}
