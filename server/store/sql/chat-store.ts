/**
 * `ChatStore` over any `SqlClient` (PGlite or PostgreSQL): plain SQL, no ORM.
 *
 * Times cross the boundary as ms since the epoch: written with `to_timestamp(ms / 1000)`
 * (exact to the millisecond), read back as Date and converted with `getTime()`.
 */
import { randomUUID } from 'node:crypto';
import type {
  AuthorKind,
  CloseCategory,
  ConversationStatus,
  MessageKind,
  PageContext,
  Role,
  SystemEvent,
} from '../../../shared/protocol';
import { eventMessage } from '../../domain/chat/events';
import { migrate } from './migrations';
import type {
  AcceptInvitationResult,
  AppendOutcome,
  NewUser,
  SqlChatStore,
  ConversationFilter,
  ConversationRecord,
  ConversationSummary,
  InvitationRecord,
  LeftMessageRecord,
  NewMessage,
  RatingRecord,
  SqlClient,
  StoredMessage,
  UserRecord,
  VisitorRecord,
} from './types';

/** Failures of the store itself (expected outcomes are values, see the domain's ports). */
export class StoreError extends Error {
  constructor(
    readonly reason: 'conversation_not_found' | 'closed',
    message: string = reason,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}

export interface ChatStoreOptions {
  /** The database. Not closed by `close()`: whoever created it closes it. */
  sql: SqlClient;
  /** Most messages written by one group-commit statement. @default 500 */
  maxBatch?: number;
}

// ---------------------------------------------------------------- rows and mapping

interface UserRow {
  id: string;
  email: string;
  display_name: string;
  role: Role;
  capacity: number;
  active: boolean;
  languages: string[];
  created_at: Date;
}
interface InvitationRow {
  user_id: string;
  purpose: 'invite' | 'reset';
  created_at: Date;
  expires_at: Date;
  used_at: Date | null;
}
interface ConversationRow {
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
}
interface MessageRow {
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

interface VisitorRow {
  id: string;
  name: string | null;
  email: string | null;
  context: PageContext | null;
  user_agent: string | null;
  created_at: Date;
  last_seen_at: Date;
}
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
interface RatingRow {
  conversation_id: string;
  visitor_id: string;
  score: number;
  comment: string | null;
  created_at: Date;
}

const USER_COLS = 'id, email, display_name, role, capacity, active, languages, created_at';
const CONV_COLS =
  'id, visitor_id, status, agent_id, opened_at, first_response_at, closed_at, closed_by, close_category, close_summary, last_seq';
const MSG_COLS = 'conversation_id, seq, client_id, author_kind, author_id, kind, body, event, created_at';
const VISITOR_COLS = 'id, name, email, context, user_agent, created_at, last_seen_at';
const LEFT_COLS = 'id, visitor_id, name, email, body, context, created_at, handled';
const RATING_COLS = 'conversation_id, visitor_id, score, comment, created_at';

const toUser = (r: UserRow): UserRecord => ({
  id: r.id,
  email: r.email,
  displayName: r.display_name,
  role: r.role,
  capacity: r.capacity,
  active: r.active,
  languages: r.languages,
  createdAt: r.created_at.getTime(),
});

const toInvitation = (r: InvitationRow): InvitationRecord => ({
  userId: r.user_id,
  purpose: r.purpose,
  createdAt: r.created_at.getTime(),
  expiresAt: r.expires_at.getTime(),
  usedAt: r.used_at?.getTime() ?? null,
});

const toConversation = (r: ConversationRow): ConversationRecord => ({
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
});

const toVisitor = (r: VisitorRow): VisitorRecord => ({
  id: r.id,
  name: r.name,
  email: r.email,
  context: r.context,
  userAgent: r.user_agent,
  createdAt: r.created_at.getTime(),
  lastSeenAt: r.last_seen_at.getTime(),
});

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

const toRating = (r: RatingRow): RatingRecord => ({
  conversationId: r.conversation_id,
  visitorId: r.visitor_id,
  score: r.score,
  comment: r.comment,
  createdAt: r.created_at.getTime(),
});

// Both builders produce one object shape (event always present, maybe undefined).
const toMessage = (r: MessageRow): StoredMessage => ({
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

const stored = (m: NewMessage, seq: number): StoredMessage => ({
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

export { eventMessage };

const normEmail = (email: string) => email.trim().toLowerCase();

const isUniqueViolation = (err: unknown) => (err as { code?: unknown } | null)?.code === '23505';
const isForeignKeyViolation = (err: unknown) => (err as { code?: unknown } | null)?.code === '23503';

// ---------------------------------------------------------------- statements

const ts = (param: string) => `to_timestamp(${param}::float8 / 1000)`;

const INSERT_USER = `INSERT INTO users (id, email, display_name, role, password_hash, capacity, languages, active)
  VALUES ($1, $2, $3, $4, $5, $6, $7::text[], $8) RETURNING ${USER_COLS}`;
const UPSERT_USER = `INSERT INTO users (id, email, display_name, role, password_hash, capacity, languages, active)
  VALUES ($1, $2, $3, $4, $5, $6, $7::text[], $8)
  ON CONFLICT (email) DO UPDATE SET password_hash = EXCLUDED.password_hash, role = EXCLUDED.role
  RETURNING ${USER_COLS}`;
const GET_USER = `SELECT ${USER_COLS} FROM users WHERE id = $1`;
const FIND_USER_BY_EMAIL = `SELECT ${USER_COLS}, password_hash FROM users WHERE email = $1`;
const LIST_USERS = `SELECT ${USER_COLS} FROM users ORDER BY email`;
const SET_CAPACITY = `UPDATE users SET capacity = $2 WHERE id = $1 RETURNING ${USER_COLS}`;
// Null parameters keep the stored value.
const UPDATE_USER = `UPDATE users SET
    display_name = COALESCE($2::text, display_name),
    role = COALESCE($3::text, role),
    languages = COALESCE($4::text[], languages),
    active = COALESCE($5::boolean, active)
  WHERE id = $1 RETURNING ${USER_COLS}`;

// A new link replaces the user's unused ones (one statement: both or neither).
const CREATE_INVITATION = `WITH replaced AS (
  DELETE FROM user_invitations WHERE user_id = $2 AND used_at IS NULL
)
INSERT INTO user_invitations (token_hash, user_id, purpose, created_at, expires_at)
  VALUES ($1, $2, $3, ${ts('$4')}, ${ts('$5')})`;
const INVITATION_COLS = 'user_id, purpose, created_at, expires_at, used_at';
const GET_INVITATION = `SELECT ${INVITATION_COLS} FROM user_invitations WHERE token_hash = $1`;
// The row lock makes a concurrent second accept wait, then see used_at set.
const LOCK_INVITATION = `SELECT i.user_id, i.purpose, i.created_at, i.expires_at, i.used_at, u.active
  FROM user_invitations i JOIN users u ON u.id = i.user_id WHERE i.token_hash = $1 FOR UPDATE OF i`;
const USE_INVITATION = `UPDATE user_invitations SET used_at = ${ts('$2')} WHERE token_hash = $1`;
const SET_PASSWORD_HASH = `UPDATE users SET password_hash = $2 WHERE id = $1 RETURNING ${USER_COLS}`;

const TOUCH_VISITOR = `INSERT INTO visitors (id, created_at, last_seen_at) VALUES ($1, ${ts('$2')}, ${ts('$2')})
  ON CONFLICT (id) DO UPDATE SET last_seen_at = GREATEST(visitors.last_seen_at, EXCLUDED.last_seen_at)
  RETURNING name`;
// Omitted fields (null) keep their value. jsonb goes in as text (`::text::jsonb`): PGlite would
// JSON-encode a string bound to a jsonb parameter a second time, pg would not.
const SET_VISITOR_PROFILE = `INSERT INTO visitors (id, created_at, last_seen_at, name, email)
  VALUES ($1, ${ts('$2')}, ${ts('$2')}, $3, $4)
  ON CONFLICT (id) DO UPDATE SET
    name = COALESCE(EXCLUDED.name, visitors.name),
    email = COALESCE(EXCLUDED.email, visitors.email),
    last_seen_at = GREATEST(visitors.last_seen_at, EXCLUDED.last_seen_at)`;
const SET_VISITOR_CONTEXT = `INSERT INTO visitors (id, created_at, last_seen_at, context, user_agent)
  VALUES ($1, ${ts('$2')}, ${ts('$2')}, $3::text::jsonb, $4)
  ON CONFLICT (id) DO UPDATE SET
    context = EXCLUDED.context,
    user_agent = COALESCE(EXCLUDED.user_agent, visitors.user_agent),
    last_seen_at = GREATEST(visitors.last_seen_at, EXCLUDED.last_seen_at)`;
const GET_VISITOR = `SELECT ${VISITOR_COLS} FROM visitors WHERE id = $1`;

// The context is copied in the same statement, so it is the one current at the insert.
const INSERT_LEFT_MESSAGE = `INSERT INTO left_messages (id, visitor_id, name, email, body, context, created_at)
  SELECT $1::text, $2::text, $3::text, $4::text, $5::text,
         (SELECT context FROM visitors WHERE id = $2::text), ${ts('$6')}
  RETURNING ${LEFT_COLS}`;
const LIST_LEFT_MESSAGES = `SELECT ${LEFT_COLS} FROM left_messages ORDER BY created_at DESC, id DESC LIMIT $1`;

const UPSERT_RATING = `INSERT INTO ratings (conversation_id, visitor_id, score, comment, created_at)
  VALUES ($1, $2, $3, $4, ${ts('$5')})
  ON CONFLICT (conversation_id) DO UPDATE SET
    score = EXCLUDED.score, comment = EXCLUDED.comment, created_at = EXCLUDED.created_at
  RETURNING ${RATING_COLS}`;
const GET_RATING = `SELECT ${RATING_COLS} FROM ratings WHERE conversation_id = $1`;

// The conflict target names the partial unique index: a concurrent opener inserts nothing.
const INSERT_CONVERSATION = `INSERT INTO conversations (id, visitor_id, status, opened_at)
  VALUES ($1, $2, 'queued', ${ts('$3')})
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
  INSERT INTO conversations (id, visitor_id, status, opened_at, last_seq)
  SELECT $1::text, $2::text, 'queued', ${ts('$3')}, 2 WHERE NOT EXISTS (SELECT 1 FROM resent)
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
const GET_CONVERSATION = `SELECT ${CONV_COLS} FROM conversations WHERE id = $1`;
const FIND_ACTIVE = `SELECT ${CONV_COLS} FROM conversations WHERE visitor_id = $1 AND status <> 'closed'`;
const LIST_ACTIVE = `SELECT ${CONV_COLS} FROM conversations WHERE status <> 'closed' ORDER BY opened_at, id`;
const LIST_ACTIVE_FOR_AGENT = `SELECT ${CONV_COLS} FROM conversations
  WHERE agent_id = $1 AND status <> 'closed' ORDER BY opened_at, id`;
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

/**
 * One page of conversations, newest first. The text filter is a substring test (strpos, no
 * pattern characters to escape) on lower-cased bodies: it works for Chinese, where there are
 * no word boundaries. It scans the messages of the candidate conversations; a trigram index
 * would be the next step on a large PostgreSQL database.
 */
function listConversationsQuery(f: ConversationFilter): { text: string; params: unknown[] } {
  const params: unknown[] = [];
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const where: string[] = [];
  if (f.status !== undefined) where.push(`c.status = ${p(f.status)}::text`);
  if (f.agentId !== undefined) where.push(`c.agent_id = ${p(f.agentId)}::text`);
  if (f.visitorId !== undefined) where.push(`c.visitor_id = ${p(f.visitorId)}::text`);
  if (f.from !== undefined) where.push(`c.opened_at >= ${ts(p(f.from))}`);
  if (f.to !== undefined) where.push(`c.opened_at < ${ts(p(f.to))}`);
  if (f.text !== undefined) {
    where.push(`EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.id AND m.kind <> 'event'
      AND strpos(lower(m.body), lower(${p(f.text)}::text)) > 0)`);
  }
  if (f.after !== undefined) where.push(`(c.opened_at, c.id) < (${ts(p(f.after.openedAt))}, ${p(f.after.id)}::text)`);
  const cols = CONV_COLS.split(', ').map((c) => `c.${c}`).join(', ');
  return {
    text: `SELECT ${cols}, v.name AS visitor_name, u.display_name AS agent_name
  FROM conversations c
  LEFT JOIN visitors v ON v.id = c.visitor_id
  LEFT JOIN users u ON u.id = c.agent_id
  ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
  ORDER BY c.opened_at DESC, c.id DESC LIMIT ${p(f.limit)}`,
    params,
  };
}

/**
 * Group commit: stores a batch (parallel arrays, one element per message) in one statement,
 * the `append_messages` function of migration 7 (a function so its plan is cached per session).
 * Seqs are allocated in the same statement by bumping `conversations.last_seq`, so several
 * processes may write one conversation concurrently (the row lock orders them). Rows are
 * locked in id order first, so two batches touching the same conversations cannot deadlock.
 * A conflicting clientId inserts nothing (its allocated seq is skipped: seqs increase, with
 * gaps). A closed conversation takes no more messages: the row lock orders this check after a
 * concurrent close, so a sender holding a stale conversation id learns it here, in the same
 * statement (no read before each write). Output: one row per message whose conversation
 * exists and is open, `stored` false for duplicates.
 */
const APPEND_BATCH = `SELECT ord, seq, stored FROM append_messages($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::float8[])`;

/** The originals of duplicates. A separate statement: it must see rows committed after the batch's snapshot. */
const GET_BY_CLIENT_IDS = `SELECT ${MSG_COLS}
  FROM messages JOIN unnest($1::text[], $2::text[]) AS d(author_id, client_id) USING (author_id, client_id)`;

const MESSAGES_AFTER = `SELECT ${MSG_COLS} FROM messages
  WHERE conversation_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`;
const FIND_BY_CLIENT_ID = `SELECT ${MSG_COLS} FROM messages WHERE author_id = $1 AND client_id = $2`;
const MESSAGES_AFTER_NO_NOTES = `SELECT ${MSG_COLS} FROM messages
  WHERE conversation_id = $1 AND seq > $2 AND kind <> 'note' ORDER BY seq LIMIT $3`;

// ---------------------------------------------------------------- store

interface PendingAppend {
  m: NewMessage;
  resolve(r: AppendOutcome): void;
  reject(err: unknown): void;
}

export function createChatStore(opts: ChatStoreOptions): SqlChatStore {
  const { sql } = opts;
  const maxBatch = opts.maxBatch ?? 500;

  let queue: PendingAppend[] = [];
  let writing: Promise<void> | null = null;
  let closed = false;

  /** Writes queued appends, one statement at a time, until the queue is empty. */
  async function drain(): Promise<void> {
    while (queue.length > 0) {
      let batch: PendingAppend[];
      if (queue.length <= maxBatch) {
        batch = queue;
        queue = [];
      } else {
        batch = queue.splice(0, maxBatch);
      }
      // A failed statement fails every append of its batch, and only those.
      await writeBatch(batch).catch((err: unknown) => {
        for (const p of batch) p.reject(err);
      });
    }
    writing = null;
  }

  /** Writes one batch and settles its promises (on a throw, the caller rejects them). */
  async function writeBatch(batch: PendingAppend[]): Promise<void> {
    // Identical (authorId, clientId) pairs in one batch share the first one's row.
    const unique: PendingAppend[] = [];
    let followers: { p: PendingAppend; leader: number }[] | undefined;
    let seen: Map<string, number> | undefined;
    for (const p of batch) {
      const { authorId, clientId } = p.m;
      if (clientId !== null && batch.length > 1) {
        const key = `${authorId}\n${clientId}`;
        const leader = (seen ??= new Map()).get(key);
        if (leader !== undefined) {
          (followers ??= []).push({ p, leader });
          continue;
        }
        seen.set(key, unique.length);
      }
      unique.push(p);
    }

    const n = unique.length;
    const conversationIds = new Array<string>(n);
    const clientIds = new Array<string | null>(n);
    const authors = new Array<string>(n);
    const authorIds = new Array<string | null>(n);
    const kinds = new Array<string>(n);
    const bodies = new Array<string>(n);
    const events = new Array<string | null>(n);
    const ats = new Array<number>(n);
    for (let i = 0; i < n; i++) {
      const m = unique[i].m;
      conversationIds[i] = m.conversationId;
      clientIds[i] = m.clientId;
      authors[i] = m.author;
      authorIds[i] = m.authorId;
      kinds[i] = m.kind;
      bodies[i] = m.text;
      events[i] = m.event === undefined ? null : JSON.stringify(m.event);
      ats[i] = m.at;
    }

    const results = new Array<AppendOutcome | undefined>(n);
    const { rows } = await sql.query<{ ord: number; seq: number; stored: boolean }>(APPEND_BATCH, [
      conversationIds, clientIds, authors, authorIds, kinds, bodies, events, ats,
    ]);
    let duplicates: number[] | undefined;
    for (const r of rows) {
      const i = r.ord - 1;
      if (r.stored) results[i] = { status: 'stored', message: stored(unique[i].m, r.seq) };
      else (duplicates ??= []).push(i);
    }
    if (duplicates) await resolveDuplicates(duplicates);
    // Rows the statement did not return had no open conversation to join.

    // A conversation closed or missing is an expected outcome, not a failure.
    for (let i = 0; i < n; i++) unique[i].resolve(results[i] ?? { status: 'not_open' });
    for (const { p, leader } of followers ?? []) {
      const r = results[leader];
      p.resolve(r && r.status !== 'not_open' ? { status: 'duplicate', message: r.message } : { status: 'not_open' });
    }

    async function resolveDuplicates(indexes: number[]) {
      const { rows } = await sql.query<MessageRow>(GET_BY_CLIENT_IDS, [
        indexes.map((i) => authorIds[i]),
        indexes.map((i) => clientIds[i]),
      ]);
      const byKey = new Map(rows.map((r) => [`${r.author_id}\n${r.client_id}`, r]));
      for (const i of indexes) {
        const original = byKey.get(`${authorIds[i]}\n${clientIds[i]}`);
        // Cannot happen (a conflict means a committed row), but never leave a promise pending.
        if (!original) throw new Error(`Duplicate message ${clientIds[i]} has no stored original`);
        results[i] = { status: 'duplicate', message: toMessage(original) };
      }
    }
  }

  const one = async <R>(text: string, params: unknown[]): Promise<R | null> =>
    (await sql.query<R>(text, params)).rows[0] ?? null;

  const writeUser = async (text: string, u: NewUser) => {
    const row = await one<UserRow>(text, [
      randomUUID(), normEmail(u.email), u.displayName, u.role, u.passwordHash, u.capacity,
      u.languages ?? [], u.active ?? true,
    ]);
    return toUser(row!);
  };

  const findActiveConversation = async (visitorId: string) => {
    const row = await one<ConversationRow>(FIND_ACTIVE, [visitorId]);
    return row && toConversation(row);
  };

  return {
    migrate: () => migrate(sql),

    async createUser(u) {
      try {
        return { status: 'created', user: await writeUser(INSERT_USER, u) };
      } catch (err) {
        if (isUniqueViolation(err)) return { status: 'email_taken' };
        throw err;
      }
    },
    upsertUser: (u) => writeUser(UPSERT_USER, u),
    async getUser(id) {
      const row = await one<UserRow>(GET_USER, [id]);
      return row && toUser(row);
    },
    async findUserByEmail(email) {
      const row = await one<UserRow & { password_hash: string }>(FIND_USER_BY_EMAIL, [normEmail(email)]);
      return row && { ...toUser(row), passwordHash: row.password_hash };
    },
    async listUsers() {
      return (await sql.query<UserRow>(LIST_USERS)).rows.map(toUser);
    },
    async setUserCapacity(id, capacity) {
      const row = await one<UserRow>(SET_CAPACITY, [id, capacity]);
      return row && toUser(row);
    },
    async updateUser(id, patch) {
      const row = await one<UserRow>(UPDATE_USER, [
        id, patch.displayName ?? null, patch.role ?? null, patch.languages ?? null, patch.active ?? null,
      ]);
      return row && toUser(row);
    },
    async createInvitation(i) {
      await sql.query(CREATE_INVITATION, [i.tokenHash, i.userId, i.purpose, i.at, i.expiresAt]);
    },
    async getInvitation(tokenHash) {
      const row = await one<InvitationRow>(GET_INVITATION, [tokenHash]);
      return row && toInvitation(row);
    },
    acceptInvitation(tokenHash, passwordHash, at) {
      return sql.transaction(async (tx): Promise<AcceptInvitationResult> => {
        const row = (await tx.query<InvitationRow & { active: boolean }>(LOCK_INVITATION, [tokenHash])).rows[0];
        if (!row) return { outcome: 'invalid' };
        if (row.used_at) return { outcome: 'used' };
        if (row.expires_at.getTime() <= at) return { outcome: 'expired' };
        if (!row.active) return { outcome: 'inactive' };
        await tx.query(USE_INVITATION, [tokenHash, at]);
        const user = (await tx.query<UserRow>(SET_PASSWORD_HASH, [row.user_id, passwordHash])).rows[0];
        return { outcome: 'accepted', user: toUser(user) };
      });
    },

    async touchVisitor(visitorId, at) {
      return (await one<{ name: string | null }>(TOUCH_VISITOR, [visitorId, at]))!;
    },
    async setVisitorProfile(visitorId, profile, at) {
      await sql.query(SET_VISITOR_PROFILE, [visitorId, at, profile.name ?? null, profile.email ?? null]);
    },
    async setVisitorContext(visitorId, context, userAgent, at) {
      await sql.query(SET_VISITOR_CONTEXT, [visitorId, at, JSON.stringify(context), userAgent]);
    },
    async getVisitor(id) {
      const row = await one<VisitorRow>(GET_VISITOR, [id]);
      return row && toVisitor(row);
    },

    async addLeftMessage(m) {
      const row = await one<LeftMessageRow>(INSERT_LEFT_MESSAGE, [randomUUID(), m.visitorId, m.name, m.email, m.text, m.at]);
      return toLeftMessage(row!);
    },
    async listLeftMessages(o) {
      return (await sql.query<LeftMessageRow>(LIST_LEFT_MESSAGES, [o?.limit ?? 100])).rows.map(toLeftMessage);
    },

    async upsertRating(r) {
      try {
        const row = await one<RatingRow>(UPSERT_RATING, [r.conversationId, r.visitorId, r.score, r.comment, r.at]);
        return toRating(row!);
      } catch (err) {
        if (isForeignKeyViolation(err)) throw new StoreError('conversation_not_found', `No conversation ${r.conversationId}`);
        throw err;
      }
    },
    async getRating(conversationId) {
      const row = await one<RatingRow>(GET_RATING, [conversationId]);
      return row && toRating(row);
    },

    async openConversation(visitorId, at) {
      // INSERT then SELECT are two statements: the active conversation that blocked the insert
      // may be closed in between, so try again (a few times at most in practice).
      for (let attempt = 0; attempt < 5; attempt++) {
        const row = await one<ConversationRow>(INSERT_CONVERSATION, [randomUUID(), visitorId, at]);
        if (row) return { conversation: toConversation(row), created: true };
        const active = await findActiveConversation(visitorId);
        if (active) return { conversation: active, created: false };
      }
      throw new Error(`Could not open a conversation for visitor ${visitorId}: it keeps closing`);
    },
    async openConversationWith(visitorId, at, first) {
      const opened: SystemEvent = { type: 'opened' };
      const row = await one<ConversationRow & { visitor_name: string | null; stored: boolean }>(OPEN_WITH_MESSAGE, [
        randomUUID(), visitorId, at, first.clientId, first.text, JSON.stringify(opened),
      ]);
      if (!row) return null;
      const conversation = toConversation(row);
      return {
        conversation,
        visitorName: row.visitor_name,
        opened: stored(eventMessage(conversation.id, opened, at), 1),
        message: row.stored
          ? stored({ conversationId: conversation.id, clientId: first.clientId, author: 'visitor', authorId: visitorId, kind: 'text', text: first.text, at }, 2)
          : null,
      };
    },
    async assignWithEvent(id, agentId, event, at) {
      const row = await one<{ seq: number }>(ASSIGN_WITH_EVENT, [id, agentId, JSON.stringify(event), at]);
      return row && stored(eventMessage(id, event, at), row.seq);
    },
    async closeWithEvent(id, by, byId, at, filing) {
      const event: SystemEvent = { type: 'closed', by, byId };
      const row = await one<ConversationRow & { event_seq: number }>(CLOSE_WITH_EVENT, [
        id, by, byId, at, filing?.category ?? null, filing?.summary ?? null, JSON.stringify(event),
      ]);
      return row && {
        conversation: toConversation(row),
        event: stored(eventMessage(id, event, at), row.event_seq),
      };
    },
    async getConversation(id) {
      const row = await one<ConversationRow>(GET_CONVERSATION, [id]);
      return row && toConversation(row);
    },
    findActiveConversation,
    async listActiveConversations(agentId?: string) {
      const { rows } =
        agentId === undefined
          ? await sql.query<ConversationRow>(LIST_ACTIVE)
          : await sql.query<ConversationRow>(LIST_ACTIVE_FOR_AGENT, [agentId]);
      return rows.map(toConversation);
    },
    async setAssignment(id, agentId) {
      await sql.query(SET_ASSIGNMENT, [id, agentId]);
    },
    async markFirstResponse(id, at) {
      await sql.query(MARK_FIRST_RESPONSE, [id, at]);
    },
    async closeConversation(id, by, byId, at, filing) {
      const params = [id, by, byId, at, filing?.category ?? null, filing?.summary ?? null];
      const row = await one<ConversationRow>(CLOSE_CONVERSATION, params);
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

    appendMessage(m) {
      if (closed) return Promise.reject(new StoreError('closed', 'The chat store is closed'));
      return new Promise<AppendOutcome>((resolve, reject) => {
        queue.push({ m, resolve, reject });
        // No write in flight: this call's statement is sent now (synchronously).
        // Otherwise the running drain picks it up when the current statement completes.
        writing ??= drain();
      });
    },
    appendMessages(ms) {
      if (closed) return Promise.reject(new StoreError('closed', 'The chat store is closed'));
      // Queued together, so the same statement takes them all (unless maxBatch splits them).
      const all = ms.map((m) => new Promise<AppendOutcome>((resolve, reject) => queue.push({ m, resolve, reject })));
      writing ??= drain();
      return Promise.all(all);
    },
    async findMessageByClientId(authorId, clientId) {
      const row = await one<MessageRow>(FIND_BY_CLIENT_ID, [authorId, clientId]);
      return row && toMessage(row);
    },
    async messagesAfter(conversationId, afterSeq, o) {
      // Notes only when asked for: forgetting the option must not leak them to a visitor.
      const text = o?.includeNotes === true ? MESSAGES_AFTER : MESSAGES_AFTER_NO_NOTES;
      return (await sql.query<MessageRow>(text, [conversationId, afterSeq, o?.limit ?? 500])).rows.map(toMessage);
    },

    /** Stops accepting appends and waits for queued ones to be written. Leaves `sql` open. */
    async close() {
      closed = true;
      await writing;
    },
  };
}
