/**
 * Durable records. One implementation, plain SQL that runs unchanged on PGlite
 * (embedded default) and on a PostgreSQL server (`DATABASE_URL`).
 */
import type { ChatStore } from '../../domain/ports/chat-store';
import type { AuthorKind, CloseCategory } from '../../../shared/protocol';
import type { AppendOutcome, ConversationRecord, LeftMessageRecord, NewMessage } from '../../domain/ports/records';

// The records are the domain's (its ports declare them); re-exported for the store's files.
export type * from '../../domain/ports/records';
export type { ChatStore, NewUser } from '../../domain/ports/chat-store';

/** The `query(text, params)` shape shared by `pg.Pool` and PGlite. */
export interface SqlClient {
  query<R = Record<string, unknown>>(text: string, params?: unknown[]): Promise<{ rows: R[] }>;
  /** Runs `fn` in one transaction on one connection. */
  transaction<T>(fn: (tx: Pick<SqlClient, 'query'>) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /** 'pglite' or 'postgres', for health output. */
  readonly kind: 'pglite' | 'postgres';
  /**
   * Embedded only: makes DATA_DIR private again (files 0600, folders 0700). Called after a
   * statement that writes new files while the server runs (TRUNCATE, VACUUM give tables new
   * files, which PGlite creates with the modes it asks for, whatever the umask).
   */
  afterFileChanges?(): void;
}

/** The SQL implementation of the domain's `ChatStore`, with what the store itself needs. */
export interface SqlChatStore extends ChatStore {
  /** Applies pending versioned migrations (safe to call from several processes at once). */
  migrate(): Promise<void>;
  /** Newest first, at most `limit` (@default 100). For the lead workspace and tests. */
  listLeftMessages(opts?: { limit?: number }): Promise<LeftMessageRecord[]>;
  // Used by the store's own tests only (the domain opens, closes and appends in one statement each).
  openConversation(visitorId: string, at: number): Promise<{ conversation: ConversationRecord; created: boolean }>;
  closeConversation(
    id: string,
    by: AuthorKind,
    byId: string | null,
    at: number,
    filing?: { category?: CloseCategory; summary?: string },
  ): Promise<ConversationRecord | null>;
  touchVisitor(visitorId: string, at: number): Promise<{ name: string | null }>;
  appendMessages(ms: NewMessage[]): Promise<AppendOutcome[]>;
  /** Stops accepting appends and waits for those in flight. Does not close the `SqlClient`. */
  close(): Promise<void>;
}
