/**
 * Transcript search over conversations, live and closed. Text is a substring test
 * (`strpos(lower(body), lower(q))`: no pattern characters to escape, and it works for Chinese,
 * which has no spaces between words) over the messages of the conversations the other
 * filters leave; those filters use indexes (opened_at, agent, category, rating). Without a
 * narrowing filter the text test scans the messages once; bench/transcript-search.ts
 * measures it. The same statement serves pages and the export's chunks (keyset cursor).
 */
import { C_COLS, conversationConditions, toConversation, type ConversationRow } from './conversations';
import { parameters } from './rows';
import type { SqlClient } from './types';
import type { TranscriptFilter, TranscriptRow, TranscriptSearchStore } from '../../domain/ports/transcript-search';

interface Row extends ConversationRow {
  visitor_name: string | null;
  visitor_email: string | null;
  agent_name: string | null;
  assigned_at: Date | null;
  rating: number | null;
  rating_comment: string | null;
}

function searchQuery(f: TranscriptFilter, page: { after?: { openedAt: number; id: string }; limit: number }) {
  const { params, p } = parameters();
  const where = conversationConditions({ ...f, after: page.after }, p);
  if (f.status === 'live') where.push(`c.status <> 'closed'`);
  if (f.status === 'closed') where.push(`c.status = 'closed'`);
  if (f.category !== undefined) where.push(`c.close_category = ${p(f.category)}::text`);
  if (f.rating !== undefined) where.push(`r.score = ${p(f.rating)}::int`);
  if (f.visitor !== undefined) {
    where.push(`strpos(lower(concat_ws(' ', v.name, v.email, l.name, l.email)), lower(${p(f.visitor)}::text)) > 0`);
  }
  return {
    text: `SELECT ${C_COLS}, coalesce(v.name, l.name) AS visitor_name, coalesce(v.email, l.email) AS visitor_email,
    u.display_name AS agent_name, r.score AS rating, r.comment AS rating_comment,
    (SELECT min(a.created_at) FROM messages a
      WHERE a.conversation_id = c.id AND a.kind = 'event' AND a.event->>'type' = 'assigned') AS assigned_at
  FROM conversations c
  LEFT JOIN visitors v ON v.id = c.visitor_id
  LEFT JOIN left_messages l ON l.conversation_id = c.id
  LEFT JOIN users u ON u.id = c.agent_id
  LEFT JOIN ratings r ON r.conversation_id = c.id
  ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
  ORDER BY c.opened_at DESC, c.id DESC LIMIT ${p(page.limit)}`,
    params,
  };
}

export function createTranscriptSearchStore({ sql }: { sql: SqlClient }): TranscriptSearchStore {
  return {
    async search(filter, page) {
      const { text, params } = searchQuery(filter, page);
      const { rows } = await sql.query<Row>(text, params);
      return rows.map(
        (r): TranscriptRow => ({
          ...toConversation(r),
          visitorName: r.visitor_name,
          visitorEmail: r.visitor_email,
          agentName: r.agent_name,
          assignedAt: r.assigned_at?.getTime() ?? null,
          rating: r.rating,
          ratingComment: r.rating_comment,
        }),
      );
    },
  };
}
