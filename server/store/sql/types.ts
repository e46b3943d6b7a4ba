/**
 * Durable records. One implementation, plain SQL that runs unchanged on PGlite
 * (embedded default) and on a PostgreSQL server (`DATABASE_URL`).
 */
import type {
  AuthorKind,
  CloseCategory,
  ConversationStatus,
  MessageKind,
  PageContext,
  Role,
  SystemEvent,
} from '../../../shared/protocol';

/** The `query(text, params)` shape shared by `pg.Pool` and PGlite. */
export interface SqlClient {
  query<R = Record<string, unknown>>(text: string, params?: unknown[]): Promise<{ rows: R[] }>;
  /** Runs `fn` in one transaction on one connection. */
  transaction<T>(fn: (tx: Pick<SqlClient, 'query'>) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /** 'pglite' or 'postgres', for health output. */
  readonly kind: 'pglite' | 'postgres';
}

export interface UserRecord {
  id: string;
  email: string;
  displayName: string;
  role: Role;
  capacity: number;
  active: boolean;
  /** Languages the user speaks (BCP 47 tags such as `zh-CN`, `en`), for the lead's planning. */
  languages: string[];
  createdAt: number;
}

/** A one-time link to set a password. Only the sha256 of its token is stored. */
export interface InvitationRecord {
  userId: string;
  purpose: 'invite' | 'reset';
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
}

export type AcceptInvitationResult =
  | { outcome: 'accepted'; user: UserRecord }
  | { outcome: 'invalid' | 'expired' | 'used' | 'inactive' };

/** Filters of `listConversations`; all optional, combined with AND. */
export interface ConversationFilter {
  status?: ConversationStatus;
  agentId?: string;
  visitorId?: string;
  /** opened_at >= from (ms since epoch). */
  from?: number;
  /** opened_at < to (ms since epoch). */
  to?: number;
  /** Text contained in any text or note message, case-insensitive (a plain substring, not a pattern). */
  text?: string;
  /** Keyset position: only conversations after this one in (opened_at desc, id desc) order. */
  after?: { openedAt: number; id: string };
  limit: number;
}

/** A conversation in a list, with the names a list shows. */
export interface ConversationSummary extends ConversationRecord {
  visitorName: string | null;
  agentName: string | null;
}

export interface ConversationRecord {
  id: string;
  visitorId: string;
  status: ConversationStatus;
  agentId: string | null;
  openedAt: number;
  firstResponseAt: number | null;
  closedAt: number | null;
  closedBy: AuthorKind | null;
  closeCategory: CloseCategory | null;
  closeSummary: string | null;
  lastSeq: number;
}

export interface NewMessage {
  conversationId: string;
  /** Idempotency key from the client; null for system events. */
  clientId: string | null;
  author: AuthorKind;
  authorId: string | null;
  kind: MessageKind;
  text: string;
  event?: SystemEvent;
  /** ms since epoch, from the injected clock. */
  at: number;
}

export interface StoredMessage extends NewMessage {
  seq: number;
}

export interface AppendResult {
  message: StoredMessage;
  /** True when (conversationId, clientId) was already stored: `message` is the original. */
  duplicate: boolean;
}

export interface VisitorRecord {
  id: string;
  name: string | null;
  email: string | null;
  /** The last page context the widget reported, or null if none yet. */
  context: PageContext | null;
  /** User-Agent header of the socket that last reported a context. */
  userAgent: string | null;
  createdAt: number;
  lastSeenAt: number;
}

/** A leave-a-message submission. */
export interface LeftMessageRecord {
  id: string;
  visitorId: string;
  name: string;
  email: string;
  text: string;
  /** The visitor's page context when the message was left. */
  context: PageContext | null;
  createdAt: number;
  handled: boolean;
}

export interface RatingRecord {
  conversationId: string;
  visitorId: string;
  /** 1 to 5. */
  score: number;
  comment: string | null;
  /** When the current rating was given (a new rating replaces the old one). */
  createdAt: number;
}

export interface ChatStore {
  /** Applies pending versioned migrations (safe to call from several processes at once). */
  migrate(): Promise<void>;

  // users
  createUser(u: {
    email: string;
    displayName: string;
    role: Role;
    passwordHash: string;
    capacity: number;
    /** @default [] */
    languages?: string[];
    /** @default true */
    active?: boolean;
  }): Promise<UserRecord>;
  /** Updates the password hash and role of an existing user (by email), or creates it. */
  upsertUser(u: {
    email: string;
    displayName: string;
    role: Role;
    passwordHash: string;
    capacity: number;
    /** @default [] */
    languages?: string[];
    /** @default true */
    active?: boolean;
  }): Promise<UserRecord>;
  getUser(id: string): Promise<UserRecord | null>;
  findUserByEmail(email: string): Promise<(UserRecord & { passwordHash: string }) | null>;
  listUsers(): Promise<UserRecord[]>;
  setUserCapacity(id: string, capacity: number): Promise<UserRecord | null>;
  /** Sets the fields given; null when there is no such user. Capacity goes through `setUserCapacity`. */
  updateUser(
    id: string,
    patch: { displayName?: string; role?: Role; languages?: string[]; active?: boolean },
  ): Promise<UserRecord | null>;
  /**
   * Stores a new one-time link for the user and deletes their earlier unused ones (a new link
   * replaces the old). `at` and `expiresAt` are ms since the epoch.
   */
  createInvitation(i: { tokenHash: string; userId: string; purpose: 'invite' | 'reset'; at: number; expiresAt: number }): Promise<void>;
  getInvitation(tokenHash: string): Promise<InvitationRecord | null>;
  /**
   * Atomically: if the link exists, is unused, unexpired at `at` and its user active, marks it
   * used and sets the user's password hash. Two concurrent calls: exactly one is accepted.
   */
  acceptInvitation(tokenHash: string, passwordHash: string, at: number): Promise<AcceptInvitationResult>;

  // visitors
  /** Records the visitor on first contact; refreshes last_seen_at afterwards. */
  touchVisitor(visitorId: string, at: number): Promise<{ name: string | null }>;
  /**
   * Sets the fields given (an omitted one keeps its value), creating the visitor row if
   * needed; refreshes last_seen_at.
   */
  setVisitorProfile(visitorId: string, profile: { name?: string; email?: string }, at: number): Promise<void>;
  /**
   * Replaces the visitor's page context, creating the row if needed; refreshes last_seen_at.
   * A null `userAgent` keeps the stored one.
   */
  setVisitorContext(visitorId: string, context: PageContext, userAgent: string | null, at: number): Promise<void>;
  getVisitor(id: string): Promise<VisitorRecord | null>;

  // leave-a-message
  /** Stores a submission, copying the visitor's current context (null when there is none). */
  addLeftMessage(m: { visitorId: string; name: string; email: string; text: string; at: number }): Promise<LeftMessageRecord>;
  /** Newest first, at most `limit` (@default 100). */
  listLeftMessages(opts?: { limit?: number }): Promise<LeftMessageRecord[]>;

  // ratings
  /** Stores the conversation's rating, replacing an earlier one. Ownership and status are the caller's checks. */
  upsertRating(r: { conversationId: string; visitorId: string; score: number; comment: string | null; at: number }): Promise<RatingRecord>;
  getRating(conversationId: string): Promise<RatingRecord | null>;

  // conversations
  /**
   * The visitor's conversation that is not closed, or a new `queued` one. At most one
   * non-closed conversation per visitor, even with concurrent callers (unique index).
   */
  openConversation(visitorId: string, at: number): Promise<{ conversation: ConversationRecord; created: boolean }>;
  /**
   * A visitor's first message, in one statement: opens the conversation with its `opened` event
   * (seq 1) and the message (seq 2), and touches the visitor. Null, writing nothing, when the
   * visitor has an active conversation or has already sent `first.clientId` (a re-send).
   * `message` is null when a concurrent re-send stored that clientId first.
   */
  openConversationWith(
    visitorId: string,
    at: number,
    first: { clientId: string; text: string },
  ): Promise<{ conversation: ConversationRecord; visitorName: string | null; opened: StoredMessage; message: StoredMessage | null } | null>;
  /**
   * Sets the assignee (null: back in the queue) and records `event` in one statement; null,
   * changing nothing, when the conversation is closed or missing.
   */
  assignWithEvent(id: string, agentId: string | null, event: SystemEvent, at: number): Promise<StoredMessage | null>;
  /**
   * Closes the conversation and records its `closed` event in one statement; null, changing
   * nothing, when it is already closed or missing.
   */
  closeWithEvent(
    id: string,
    by: 'visitor' | 'agent',
    byId: string,
    at: number,
    filing?: { category?: CloseCategory; summary?: string },
  ): Promise<{ conversation: ConversationRecord; event: StoredMessage } | null>;
  getConversation(id: string): Promise<ConversationRecord | null>;
  findActiveConversation(visitorId: string): Promise<ConversationRecord | null>;
  /** Non-closed conversations; `agentId` filters to one agent's. */
  listActiveConversations(agentId?: string): Promise<ConversationRecord[]>;
  /** `open` with the agent, or `queued` with null. Ignored for closed conversations. */
  setAssignment(id: string, agentId: string | null): Promise<void>;
  /** Sets first_response_at if it is still null. */
  markFirstResponse(id: string, at: number): Promise<void>;
  /** The closed conversation; null when it was already closed (or does not exist). */
  closeConversation(
    id: string,
    by: AuthorKind,
    byId: string | null,
    at: number,
    filing?: { category?: CloseCategory; summary?: string },
  ): Promise<ConversationRecord | null>;
  /** A visitor's conversations, newest first. */
  listVisitorConversations(visitorId: string, limit: number): Promise<ConversationRecord[]>;
  /** Newest first, keyset-paginated on (opened_at desc, id desc); at most `filter.limit`. */
  listConversations(filter: ConversationFilter): Promise<ConversationSummary[]>;

  // messages
  /**
   * Stores a message with the next per-conversation seq. Calls made while a write is in
   * flight are grouped into one statement (group commit); the promise resolves only after
   * the row is durably stored. Re-sending an (authorId, clientId) pair stores nothing and
   * resolves with the original, even if that went to another conversation. Rejects with
   * StoreError `conversation_not_found` when the conversation is missing or closed.
   */
  appendMessage(m: NewMessage): Promise<AppendResult>;
  /** Several appends written together (one statement), seqs in the order given; rejects if any is refused. */
  appendMessages(ms: NewMessage[]): Promise<AppendResult[]>;
  /** An author's message by client id, in any conversation (a re-send after a close). */
  findMessageByClientId(authorId: string, clientId: string): Promise<StoredMessage | null>;
  /** Messages with seq > afterSeq, oldest first, at most `limit`. `includeNotes` false hides internal notes. */
  messagesAfter(
    conversationId: string,
    afterSeq: number,
    opts?: { limit?: number; includeNotes?: boolean },
  ): Promise<StoredMessage[]>;

  close(): Promise<void>;
}
