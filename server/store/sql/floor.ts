/**
 * The floor's reads (the domain's FloorStore): live conversations' times from their events and
 * messages, through the messages' primary key (conversation, seq). Today's figures are the
 * reports' (store/sql/reports.ts).
 */
import type { ConversationTimes, FloorStore } from '../../domain/ports/floor';
import type { SqlClient } from './types';

// Per conversation, one pass over its messages for the event times and the last answer, then
// the oldest visitor text after that answer (a routine's automatic text is no answer).
const CONVERSATION_TIMES = `
SELECT c.id, c.opened_at, t.queued_at, t.assigned_at, w.waiting_since
FROM conversations c
LEFT JOIN LATERAL (
  SELECT
    max(m.created_at) FILTER (WHERE m.kind = 'event' AND (m.event->>'type' IN ('queued', 'requeued')
      OR (m.event->>'type' = 'transferred' AND m.event->>'toAgentId' IS NULL))) AS queued_at,
    max(m.created_at) FILTER (WHERE m.kind = 'event' AND m.event->>'type' = 'assigned') AS assigned_at,
    max(m.seq) FILTER (WHERE m.author_kind = 'agent' AND m.kind = 'text' AND NOT m.auto) AS answered_seq
  FROM messages m WHERE m.conversation_id = c.id
) t ON true
LEFT JOIN LATERAL (
  SELECT min(v.created_at) AS waiting_since FROM messages v
  WHERE v.conversation_id = c.id AND v.author_kind = 'visitor' AND v.kind = 'text' AND v.seq > coalesce(t.answered_seq, 0)
) w ON true
WHERE c.id = ANY ($1::text[])`;


interface TimesRow {
  id: string;
  opened_at: Date;
  queued_at: Date | null;
  assigned_at: Date | null;
  waiting_since: Date | null;
}

const ms = (d: Date | null) => (d ? d.getTime() : null);

export function createFloorStore({ sql }: { sql: Pick<SqlClient, 'query'> }): FloorStore {
  return {
    async conversationTimes(ids) {
      if (!ids.length) return [];
      const { rows } = await sql.query<TimesRow>(CONVERSATION_TIMES, [ids]);
      return rows.map(
        (r): ConversationTimes => ({
          conversationId: r.id,
          queuedAt: (r.queued_at ?? r.opened_at).getTime(),
          assignedAt: ms(r.assigned_at),
          waitingSince: ms(r.waiting_since),
        }),
      );
    },
  };
}
