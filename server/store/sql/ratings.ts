/** Visitors' ratings: one per conversation, a second replacing the first. */
import { isForeignKeyViolation, StoreError } from './errors';
import { queryOne, ts } from './rows';
import type { SqlChatStore, RatingRecord, SqlClient } from './types';

interface RatingRow {
  conversation_id: string;
  visitor_id: string;
  score: number;
  comment: string | null;
  created_at: Date;
}

const RATING_COLS = 'conversation_id, visitor_id, score, comment, created_at';

const toRating = (r: RatingRow): RatingRecord => ({
  conversationId: r.conversation_id,
  visitorId: r.visitor_id,
  score: r.score,
  comment: r.comment,
  createdAt: r.created_at.getTime(),
});

// Marks the conversation for the reports' next refresh in the same statement (store/sql/reports.ts).
const UPSERT_RATING = `WITH rated AS (
  INSERT INTO ratings (conversation_id, visitor_id, score, comment, created_at)
  VALUES ($1, $2, $3, $4, ${ts('$5')})
  ON CONFLICT (conversation_id) DO UPDATE SET
    score = EXCLUDED.score, comment = EXCLUDED.comment, created_at = EXCLUDED.created_at
  RETURNING ${RATING_COLS}
), marked AS (
  INSERT INTO report_dirty (conversation_id) SELECT conversation_id FROM rated ON CONFLICT DO NOTHING
)
SELECT * FROM rated`;
const GET_RATING = `SELECT ${RATING_COLS} FROM ratings WHERE conversation_id = $1`;

export type RatingStore = Pick<SqlChatStore, 'upsertRating' | 'getRating'>;

export function createRatingStore({ sql }: { sql: SqlClient }): RatingStore {
  return {
    async upsertRating(r) {
      try {
        const row = await queryOne<RatingRow>(sql, UPSERT_RATING, [r.conversationId, r.visitorId, r.score, r.comment, r.at]);
        return toRating(row!);
      } catch (err) {
        if (isForeignKeyViolation(err)) throw new StoreError('conversation_not_found', `No conversation ${r.conversationId}`);
        throw err;
      }
    },
    async getRating(conversationId) {
      const row = await queryOne<RatingRow>(sql, GET_RATING, [conversationId]);
      return row && toRating(row);
    },
  };
}
