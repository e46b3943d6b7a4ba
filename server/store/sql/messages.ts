/** Messages: appends (through the group commit) and the reads of a transcript. */
import type { GroupCommit } from './group-commit';
import { MSG_COLS, queryOne, toMessage, type MessageRow } from './rows';
import type { SqlChatStore, SqlClient } from './types';

const MESSAGES_AFTER = `SELECT ${MSG_COLS} FROM messages
  WHERE conversation_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`;
const MESSAGES_AFTER_NO_NOTES = `SELECT ${MSG_COLS} FROM messages
  WHERE conversation_id = $1 AND seq > $2 AND kind <> 'note' ORDER BY seq LIMIT $3`;
// Newest first (the primary key read backwards); reversed below.
const MESSAGES_BEFORE = `SELECT ${MSG_COLS} FROM messages
  WHERE conversation_id = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3`;
const MESSAGES_BEFORE_NO_NOTES = `SELECT ${MSG_COLS} FROM messages
  WHERE conversation_id = $1 AND seq < $2 AND kind <> 'note' ORDER BY seq DESC LIMIT $3`;
const HAS_CLIENT_ID = `SELECT 1 FROM messages WHERE conversation_id = $1 AND client_id = $2 LIMIT 1`;
const FIND_BY_CLIENT_ID = `SELECT ${MSG_COLS} FROM messages WHERE author_id = $1 AND client_id = $2`;

export type MessageStore = Pick<SqlChatStore, 'appendMessage' | 'appendMessages' | 'hasClientId' | 'findMessageByClientId' | 'messagesAfter' | 'messagesBefore'>;

export function createMessageStore({ sql, groupCommit }: { sql: SqlClient; groupCommit: GroupCommit }): MessageStore {
  return {
    appendMessage: (m) => groupCommit.append(m),
    appendMessages: (ms) => groupCommit.appendAll(ms),
    async hasClientId(conversationId, clientId) {
      return (await sql.query(HAS_CLIENT_ID, [conversationId, clientId])).rows.length > 0;
    },
    async findMessageByClientId(authorId, clientId) {
      const row = await queryOne<MessageRow>(sql, FIND_BY_CLIENT_ID, [authorId, clientId]);
      return row && toMessage(row);
    },
    async messagesAfter(conversationId, afterSeq, o) {
      // Notes only when asked for: forgetting the option must not leak them to a visitor.
      const text = o?.includeNotes === true ? MESSAGES_AFTER : MESSAGES_AFTER_NO_NOTES;
      return (await sql.query<MessageRow>(text, [conversationId, afterSeq, o?.limit ?? 500])).rows.map(toMessage);
    },
    async messagesBefore(conversationId, beforeSeq, o) {
      const text = o?.includeNotes === true ? MESSAGES_BEFORE : MESSAGES_BEFORE_NO_NOTES;
      const rows = (await sql.query<MessageRow>(text, [conversationId, beforeSeq ?? Number.MAX_SAFE_INTEGER, o?.limit ?? 500])).rows;
      return rows.reverse().map(toMessage);
    },
  };
}
