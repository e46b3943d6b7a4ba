/**
 * The records the chat domain works with, as its ports hand them over. Times are ms since
 * the epoch. The store maps its rows to these; nothing here knows how they are kept.
 */
import type {
  AuthorKind,
  CloseCategory,
  ConversationStatus,
  MessageKind,
  PageContext,
  Role,
  SystemEvent,
  VisitorPresenceState,
} from '../../../shared/protocol';

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
  /** Tokens issued before this time (ms since the epoch) are refused: set when the password is set. */
  sessionsValidAfter: number | null;
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
  /** Queue priority bits (server/domain/chat/priority.ts), higher first. */
  priority: number;
  /** The department it waits for or was routed within; null: any agent. */
  departmentId: string | null;
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

/** Routines' messages carry client ids with this prefix (clients may not use it): the stored `auto` column derives from it. */
export const AUTO_CLIENT_ID_PREFIX = 'auto:';

export interface StoredMessage extends NewMessage {
  seq: number;
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
  /** As last reported (never reported: null); `left` counts as left only past the grace (visitor-presence.ts). */
  presence: StoredPresence | null;
  /** The department their next conversations go to (the last one chosen or named); null: none. */
  departmentId: string | null;
}

/** A visitor's presence as stored: the state reported last, since when, and whether they came back. */
export interface StoredPresence {
  state: VisitorPresenceState;
  since: number;
  /** They had been `left` past the grace and reported again. Cleared when they leave again. */
  returned: boolean;
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

/** What an append did. Expected outcomes are values: the caller decides what each means. */
export type AppendOutcome =
  | { status: 'stored'; message: StoredMessage }
  /** This (authorId, clientId) was stored before (maybe in another conversation): `message` is the original. */
  | { status: 'duplicate'; message: StoredMessage }
  /** The conversation is closed or missing: nothing was stored. */
  | { status: 'not_open' };
