/**
 * What the domain needs from durable storage, one interface per aggregate. The store
 * (`server/store/sql/`) implements them; `ChatStore` is all of them together, as the
 * composition root hands them over. Expected outcomes are values (`null`, a `status`);
 * a rejected promise means the storage itself failed.
 */
import type { ComplaintView, FollowUpView } from '../../../shared/rest';
import type { AgentStatus, CloseCategory, CloseReason, PageContext, Role, SystemEvent, VisitorPresenceState } from '../../../shared/protocol';
import type {
  AcceptInvitationResult,
  AppendOutcome,
  ConversationFilter,
  ConversationRecord,
  ConversationSummary,
  InvitationRecord,
  LeftMessageRecord,
  NewMessage,
  RatingRecord,
  StoredMessage,
  UserRecord,
  VisitorRecord,
  StoredPresence,
} from './records';
import type { DepartmentRepository } from './departments';

export interface NewUser {
  email: string;
  displayName: string;
  role: Role;
  passwordHash: string;
  capacity: number;
  /** @default [] */
  languages?: string[];
  /** @default true */
  active?: boolean;
}

export interface UserRepository {
  /** `email_taken` when another user has this email (compared case-insensitively). */
  createUser(u: NewUser): Promise<{ status: 'created'; user: UserRecord } | { status: 'email_taken' }>;
  /** Updates the password hash and role of an existing user (by email), or creates it. */
  upsertUser(u: NewUser): Promise<UserRecord>;
  getUser(id: string): Promise<UserRecord | null>;
  findUserByEmail(email: string): Promise<(UserRecord & { passwordHash: string }) | null>;
  listUsers(): Promise<UserRecord[]>;
  setUserCapacity(id: string, capacity: number): Promise<UserRecord | null>;
  /** The status the agent last chose (kept across restarts and a Redis that came back empty). */
  setChosenStatus(id: string, status: AgentStatus): Promise<void>;
  /** The chosen status of each of these users who ever chose one. */
  chosenStatuses(ids: string[]): Promise<Map<string, AgentStatus>>;
  /** Sets the fields given; null when there is no such user. Capacity goes through `setUserCapacity`. */
  updateUser(
    id: string,
    patch: { displayName?: string; role?: Role; languages?: string[]; active?: boolean },
  ): Promise<UserRecord | null>;
  /**
   * Stores a new one-time link for the user and deletes their earlier unused ones (a new link
   * replaces the old).
   */
  createInvitation(i: { tokenHash: string; userId: string; purpose: 'invite' | 'reset'; at: number; expiresAt: number }): Promise<void>;
  getInvitation(tokenHash: string): Promise<InvitationRecord | null>;
  /**
   * Atomically: if the link exists, is unused, unexpired at `at` and its user active, marks it
   * used and sets the user's password hash, ending earlier sessions (`sessionsValidAfter` =
   * `at`). Two concurrent calls: exactly one is accepted.
   */
  acceptInvitation(tokenHash: string, passwordHash: string, at: number): Promise<AcceptInvitationResult>;
  /** Sets the password hash and ends earlier sessions (`sessionsValidAfter` = `at`); null when there is no such user. */
  setPassword(id: string, passwordHash: string, at: number): Promise<UserRecord | null>;
}

/** What a visitor told about themselves (or their host page did); an omitted field keeps its value. */
export interface VisitorProfile {
  name?: string;
  email?: string;
  /** A verified customer tier, until `expiresAt` (ms since epoch). */
  tier?: { tier: string; expiresAt: number };
  /** Where their next conversations go. */
  departmentId?: string;
}

export interface VisitorRepository {
  /** Sets the fields given (an omitted one keeps its value), creating the visitor if needed. */
  setVisitorProfile(visitorId: string, profile: VisitorProfile, at: number): Promise<void>;
  /** Replaces the page context, creating the visitor if needed. A null `userAgent` keeps the stored one. */
  setVisitorContext(visitorId: string, context: PageContext, userAgent: string | null, at: number): Promise<void>;
  getVisitor(id: string): Promise<VisitorRecord | null>;
  /**
   * Records the state a visitor's page reported, in one statement, creating the visitor if needed:
   * `since` moves only when the state changes (a second `left` keeps when they went); coming back
   * from a `left` at least `graceMs` old sets `returned`, leaving again clears it. A report older
   * than the visitor's last activity (`lastSeenAt`) is stale and ignored: null.
   */
  setVisitorPresence(visitorId: string, state: VisitorPresenceState, at: number, graceMs: number): Promise<StoredPresence | null>;
}

export interface LeftMessageRepository {
  /** Stores a submission with the visitor's current page context. */
  addLeftMessage(m: { visitorId: string; name: string; email: string; text: string; at: number }): Promise<LeftMessageRecord>;
  /**
   * The conversation holding the answer to the visitor's latest answered left message, unless
   * they have opened a conversation since it was answered; null otherwise.
   */
  answerToShow(visitorId: string): Promise<string | null>;
}

export interface RatingRepository {
  /** Stores the conversation's rating, replacing an earlier one. Ownership and status are the caller's checks. */
  upsertRating(r: { conversationId: string; visitorId: string; score: number; comment: string | null; at: number }): Promise<RatingRecord>;
  getRating(conversationId: string): Promise<RatingRecord | null>;
}

/** A visitor's first message, stored with the conversation it opens. */
export interface OpenedConversation {
  conversation: ConversationRecord;
  visitorName: string | null;
  /** The `opened` event, seq 1. */
  opened: StoredMessage;
  /** The message, seq 2; null when a concurrent re-send stored that clientId first. */
  message: StoredMessage | null;
}

export interface ConversationRepository {
  /**
   * Opens the visitor's conversation with its `opened` event and the first message, in one
   * write. Null, writing nothing, when the visitor has an active conversation or has already
   * sent `first.clientId` (a re-send).
   */
  openConversationWith(visitorId: string, at: number, first: { clientId: string; text: string }): Promise<OpenedConversation | null>;
  /** Sets the assignee (null: queued) and records `event`, in one write; null when closed or missing. */
  assignWithEvent(id: string, agentId: string | null, event: SystemEvent, at: number): Promise<StoredMessage | null>;
  /** Closes and records the `closed` event, in one write; null when already closed or missing. */
  closeWithEvent(
    id: string,
    by: 'visitor' | 'agent',
    byId: string,
    at: number,
    filing?: { category?: CloseCategory; summary?: string; reason?: CloseReason },
  ): Promise<{ conversation: ConversationRecord; event: StoredMessage } | null>;
  getConversation(id: string): Promise<ConversationRecord | null>;
  /** ORs `bits` into an active conversation's priority; the new priority, or null when closed or missing. */
  raisePriority(id: string, bits: number): Promise<number | null>;
  /** Sets an active conversation's department; false when closed or missing. */
  setConversationDepartment(id: string, departmentId: string | null): Promise<boolean>;
  findActiveConversation(visitorId: string): Promise<ConversationRecord | null>;
  /** Non-closed conversations, oldest first. */
  listActiveConversations(): Promise<ConversationRecord[]>;
  /** `open` with the agent, or `queued` with null. Ignored for closed conversations. */
  setAssignment(id: string, agentId: string | null): Promise<void>;
  /** Sets the first response time if it is not set yet. */
  markFirstResponse(id: string, at: number): Promise<void>;
  /** A visitor's conversations, newest first. */
  listVisitorConversations(visitorId: string, limit: number): Promise<ConversationRecord[]>;
  /** Newest first, keyset-paginated on (openedAt desc, id desc); at most `filter.limit`. */
  listConversations(filter: ConversationFilter): Promise<ConversationSummary[]>;
}

export interface MessageRepository {
  /**
   * Stores a message with the next seq of its conversation; resolves once it is durable.
   * A re-sent (authorId, clientId) stores nothing and takes no seq: seqs are gap-free.
   */
  appendMessage(m: NewMessage): Promise<AppendOutcome>;
  /** Whether the conversation holds a message with this client id, by any author (a routine's once-per-conversation check). */
  hasClientId(conversationId: string, clientId: string): Promise<boolean>;
  /** An author's message by client id, in any conversation (a re-send after a close). */
  findMessageByClientId(authorId: string, clientId: string): Promise<StoredMessage | null>;
  /** Messages with seq > afterSeq, oldest first, at most `limit`; `includeNotes` false hides internal notes. */
  messagesAfter(conversationId: string, afterSeq: number, opts?: { limit?: number; includeNotes?: boolean }): Promise<StoredMessage[]>;
  /** The newest `limit` messages with seq < beforeSeq (any seq when null), oldest first; `includeNotes` as above. */
  messagesBefore(conversationId: string, beforeSeq: number | null, opts?: { limit?: number; includeNotes?: boolean }): Promise<StoredMessage[]>;
}

/**
 * A conversation the visitor ended waits for its agent's filing (category, summary) until a due
 * time; then it is filed uncategorised. Every step is conditional: of two racing callers one acts.
 */
export interface WrapUpRepository {
  /** Starts the wrap-up of a closed conversation that had an agent; false when it had none or one started before. */
  startWrapUp(id: string, dueAt: number): Promise<boolean>;
  /** Files the pending wrap-up; null when none is pending (filed, expired, or never started). */
  fileWrapUp(id: string, filing: { category: CloseCategory; summary: string | null }, at: number): Promise<{ agentId: string } | null>;
  /** Ends every pending wrap-up due by `at`, unfiled (uncategorised); returns those it ended. */
  expireWrapUps(at: number): Promise<{ conversationId: string; agentId: string }[]>;
  /** When the conversation's pending wrap-up is due; null when none is pending. */
  wrapUpDue(id: string): Promise<number | null>;
}

/** Complaints (one per conversation) and follow-up tasks (one per source). */
export interface FollowUpRepository {
  /** Registers the complaint and its follow-up in one write; `exists` when the conversation has one already. */
  addComplaint(
    c: Omit<ComplaintView, 'id'>,
    followUp: Omit<FollowUpView, 'id' | 'source' | 'sourceId' | 'closedAt' | 'outcome'>,
  ): Promise<{ status: 'created'; complaint: ComplaintView; followUp: FollowUpView } | { status: 'exists' }>;
  listComplaints(limit: number): Promise<ComplaintView[]>;
  /** Creates the follow-up unless its (source, sourceId) has one; returns it, or null when it existed. */
  addFollowUp(f: Omit<FollowUpView, 'id' | 'closedAt' | 'outcome'>): Promise<FollowUpView | null>;
  /** Open or closed ones, oldest due first; `assigneeOrUnassigned` limits them to that user's and unassigned ones. */
  listFollowUps(q: { open: boolean; assigneeOrUnassigned?: string; limit: number }): Promise<FollowUpView[]>;
  getFollowUp(id: string): Promise<FollowUpView | null>;
  /** Closes an open follow-up with its outcome; null when it is missing or closed already. */
  closeFollowUp(id: string, outcome: string, at: number): Promise<FollowUpView | null>;
}

export interface ChatStore
  extends UserRepository,
    DepartmentRepository,
    WrapUpRepository,
    FollowUpRepository,
    VisitorRepository,
    LeftMessageRepository,
    RatingRepository,
    ConversationRepository,
    MessageRepository {}
