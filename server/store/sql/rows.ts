/**
 * What several aggregates share: the SQL time conversion, the one-row query helper and the
 * message row, which conversations (their events), messages and the group commit all map.
 *
 * Times cross the boundary as ms since the epoch: written with `to_timestamp(ms / 1000)`
 * (exact to the millisecond), read back as Date and converted with `getTime()`.
 */
import type { AuthorKind, MessageKind, SystemEvent } from '../../../shared/protocol';
import type { NewMessage, SqlClient, StoredMessage } from './types';

/** A ms-since-epoch parameter as a timestamptz. */
export const ts = (param: string) => `to_timestamp(${param}::float8 / 1000)`;

/** Numbered parameters for a statement built from optional filters: `p(value)` returns its `$n`. */
export function parameters() {
  const params: unknown[] = [];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  return { params, p };
}

/** The first row of a statement's result, or null. */
export const queryOne = async <R>(sql: Pick<SqlClient, 'query'>, text: string, params: unknown[]): Promise<R | null> =>
  (await sql.query<R>(text, params)).rows[0] ?? null;

export interface MessageRow {
  conversation_id: string;
  seq: number;
  client_id: string | null;
  author_kind: AuthorKind;
  author_id: string | null;
  kind: MessageKind;
  body: string;
  event: SystemEvent | null;
  created_at: Date;
}

export const MSG_COLS = 'conversation_id, seq, client_id, author_kind, author_id, kind, body, event, created_at';

// Both builders produce one object shape (event always present, maybe undefined).
export const toMessage = (r: MessageRow): StoredMessage => ({
  conversationId: r.conversation_id,
  seq: r.seq,
  clientId: r.client_id,
  author: r.author_kind,
  authorId: r.author_id,
  kind: r.kind,
  text: r.body,
  event: r.event ?? undefined,
  at: r.created_at.getTime(),
});

/** A message as stored under `seq`, built from what was sent (no read back). */
export const storedMessage = (m: NewMessage, seq: number): StoredMessage => ({
  conversationId: m.conversationId,
  seq,
  clientId: m.clientId,
  author: m.author,
  authorId: m.authorId,
  kind: m.kind,
  text: m.text,
  event: m.event,
  at: m.at,
});

