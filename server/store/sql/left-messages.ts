/** Leave-a-message submissions, made while no agent is online. */
import { randomUUID } from 'node:crypto';
import type { PageContext } from '../../../shared/protocol';
import { queryOne, ts } from './rows';
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

const toLeftMessage = (r: LeftMessageRow): LeftMessageRecord => ({
  id: r.id,
  visitorId: r.visitor_id,
  name: r.name,
  email: r.email,
  text: r.body,
  context: r.context,
  createdAt: r.created_at.getTime(),
  handled: r.handled,
});

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
