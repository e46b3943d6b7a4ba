/**
 * The wire protocol: every Socket.IO event, payload and ack shared by the
 * server, the widget and the agent console. A wrong payload fails `tsc`.
 * docs/protocol.md describes the same contract in prose.
 */
import type { ErrorBody } from './errors';
import type { ComplaintView, LeftMessageView } from './rest';
import type { HistoryCounting } from './reports';

export type { ErrorBody, ErrorCode } from './errors';

/** Namespaces: shoppers connect to one, agents and leads to the other. */
export const VISITOR_NAMESPACE = '/visitor';
export const AGENT_NAMESPACE = '/agent';

/** Every ack is a result union; a failed call never changes stored data. */
export type Result<T> = { ok: true; data: T } | { ok: false; error: ErrorBody };
export type Ack<T> = (result: Result<T>) => void;

export type Role = 'agent' | 'lead';
export type AgentStatus = 'online' | 'away' | 'offline';
export type ConversationStatus = 'queued' | 'open' | 'closed';
export type AuthorKind = 'visitor' | 'agent' | 'system';
/** `text` is chat, `note` is internal (never sent to the visitor), `event` is a system event. */
export type MessageKind = 'text' | 'note' | 'event';

/** System events recorded in the transcript (`MessageKind` `event`). */
export type SystemEvent =
  | { type: 'opened' }
  | { type: 'queued'; position: number }
  | { type: 'assigned'; agentId: string; agentName: string }
  /** `reason` `slow_answer`: the routines moved it, its agent had not answered in time (no `note` then). */
  | { type: 'transferred'; fromAgentId: string | null; toAgentId: string | null; note?: string; toDepartment?: DepartmentRef; reason?: 'slow_answer' }
  | { type: 'agent_disconnected'; agentId: string }
  | { type: 'requeued'; fromAgentId: string; reason: 'agent_offline' | 'agent_disconnected' }
  | { type: 'closed'; by: AuthorKind; byId: string | null; reason?: CloseReason }
  /** While queued, the FAQ answer that best matched the shopper's first question was offered to them ("This may help"). */
  | { type: 'faq_offered'; entryId: string; question: string; answer: string }
  /** The shopper answered that offer "I still need a person": they keep their place in the queue. */
  | { type: 'faq_declined' };

/**
 * Why a conversation closed when nobody chose to close it, or said more than who closed it: the
 * visitor went quiet (the idle routine), left the page while queued and stayed away past the
 * missed-chat grace (a *missed* chat), the FAQ answer offered while queued solved it
 * (self-served), or the shopper left a message instead of waiting in the queue.
 */
export type CloseReason = 'visitor_idle' | 'visitor_left' | 'faq_solved' | 'left_message';

/**
 * Whether the shopper is on the page (`on_page`), has it in the background (`hidden`; also a page
 * closed or a connection lost within the short grace, e.g. while moving to the next page), or left
 * (gone past that grace).
 */
export type VisitorPresenceState = 'on_page' | 'hidden' | 'left';

/** What a shopper's widget reports: its page shown, hidden, or closed (`pagehide`). */
export type VisitorPresenceReport = 'visible' | 'hidden' | 'gone';

/** A shopper's presence as agents see it beside a conversation. */
export interface VisitorPresence {
  conversationId: string;
  visitorId: string;
  state: VisitorPresenceState;
  /** When the shopper entered `state` (epoch ms); for `left`, when they went. */
  since: number;
  /** The shopper had left (past the grace) and came back: "came back" while `on_page`. */
  returned: boolean;
}

/** System events as a visitor receives them: no agent ids, no transfer notes. */
export type VisitorSystemEvent =
  | { type: 'opened' }
  | { type: 'queued'; position: number }
  | { type: 'assigned'; agentName: string }
  | { type: 'transferred' }
  | { type: 'agent_disconnected' }
  | { type: 'requeued' }
  | { type: 'closed'; by: AuthorKind }
  | { type: 'faq_offered'; entryId: string; question: string; answer: string }
  | { type: 'faq_declined' };

export interface Message {
  conversationId: string;
  /** Per-conversation: 1, 2, 3, … without gaps (a re-sent clientId takes none). */
  seq: number;
  /** The sender's idempotency key; null for system events. */
  clientId: string | null;
  author: AuthorKind;
  /** Visitor id or agent id; null for system events. */
  authorId: string | null;
  /** Display name of an agent author (visitors see who answered). */
  authorName?: string | null;
  kind: MessageKind;
  /** Plain text, never HTML. Empty for events. */
  text: string;
  event?: SystemEvent;
  /** Milliseconds since the epoch. */
  at: number;
  /** Sent by a routine (greeting, closing text, idle prompt) in the agent's name, not typed. */
  auto?: true;
}

export interface AgentRef {
  id: string;
  name: string;
}

/**
 * How an agent files a closed conversation: the id of one of the team's close categories
 * (`TeamSettings.closeCategories`, named per language by the lead). These five are the ones a
 * new team starts with.
 */
export const CLOSE_CATEGORIES = ['inquiry', 'complaint', 'order', 'after_sales', 'other'] as const;
export type CloseCategory = string;

export interface ConversationView {
  id: string;
  visitorId: string;
  /** The name the shopper gave, if any. */
  visitorName: string | null;
  status: ConversationStatus;
  agent: AgentRef | null;
  /** 1-based position while queued, otherwise null. */
  queuePosition: number | null;
  openedAt: number;
  firstResponseAt: number | null;
  closedAt: number | null;
  closeCategory: CloseCategory | null;
  closeSummary: string | null;
  lastSeq: number;
  /** The shopper's presence (§5.1 `visitor:presence`); absent until their widget reported one. */
  visitorPresence?: VisitorPresence;
  /** Queue priority, higher first: 1 for a proven VIP tier, 2 for a complaint, 3 for both; 0 otherwise. */
  priority?: number;
  /** The department the conversation waits for or was routed within; null: any agent. */
  department?: DepartmentRef | null;
}

/** A department (售前 pre-sales, 售后 after-sales, ...) as conversations and agents name it. */
export interface DepartmentRef {
  id: string;
  name: string;
}

/** What an agent sees of the shopper beside a conversation. */
export interface VisitorInfo {
  id: string;
  name: string | null;
  email: string | null;
  /** Page, referrer, language, time zone and host-page data, as the widget last reported them. */
  context: PageContext | null;
  userAgent: string | null;
  firstSeenAt: number;
  lastSeenAt: number;
  /** Earlier conversations of this visitor, newest first (at most 20). */
  pastConversations: { id: string; status: ConversationStatus; openedAt: number; closedAt: number | null; agentName: string | null }[];
}

/** What a visitor sees of their conversation (no internal notes, no agent ids beyond the name). */
export interface VisitorConversationState {
  id: string;
  status: ConversationStatus;
  agentName: string | null;
  queuePosition: number | null;
  /**
   * Only while `queued`: the estimated seconds until an agent takes the conversation, from the
   * site's recent assignment rate; null when it cannot be estimated yet (too few recent
   * assignments, or no agent online).
   */
  estimatedWaitSec?: number | null;
  /** Only while `queued`: waiting longer than the team's limit, so offer the leave-a-message form. */
  longWait?: true;
}

export interface AgentSelf {
  id: string;
  name: string;
  email: string;
  role: Role;
  status: AgentStatus;
  capacity: number;
  load: number;
}

export interface AgentPresenceView {
  id: string;
  name: string;
  status: AgentStatus;
  capacity: number;
  load: number;
  connected: boolean;
}

/**
 * Most messages one reply or push carries per conversation; a client asks for the rest with
 * `conversation:history`. docs/protocol.md §4.8.
 */
export const PAGE_MESSAGES = 100;
/**
 * Most bytes of message text (UTF-8) one page carries: a page ends before the message that
 * would pass it (but always holds at least one message), so a page's JSON stays near 64 KB
 * whatever the script. docs/protocol.md §4.8.
 */
export const PAGE_TEXT_BYTES = 64_000;

/**
 * A run of consecutive messages, oldest first. `hasMore`: later messages follow the last one
 * here (ask with `afterSeq` set to its seq). Earlier ones exist when the first seq is above 1
 * (ask with `beforeSeq` set to it).
 */
export interface Page<M = Message> {
  messages: M[];
  hasMore: boolean;
}

/** A conversation with one page of its messages (§4.8: after `since`, or the latest page). */
export interface ConversationWithMessages extends Page {
  conversation: ConversationView;
}

/**
 * Which page of a conversation's history: after `afterSeq` (oldest first, the way to catch up),
 * or the newest before `beforeSeq` (to show earlier messages); at most `limit` (1 to
 * PAGE_MESSAGES, default PAGE_MESSAGES). Neither: the oldest page.
 */
export type HistoryQuery = { conversationId: string; limit?: number } & (
  | { afterSeq?: number; beforeSeq?: never }
  | { beforeSeq: number; afterSeq?: never }
);

// ---------------------------------------------------------------- visitor

/** The pre-chat form's fields, in the order the widget shows them. */
export const PRE_CHAT_FIELDS = ['name', 'email', 'department', 'question'] as const;
export type PreChatField = (typeof PRE_CHAT_FIELDS)[number];

export interface VisitorSession {
  visitorId: string;
  /** Store it and send it as `auth.token` on the next connect to resume. */
  token: string;
  conversation: VisitorConversationState | null;
  /** Messages after `afterSeq`, oldest first, one page (§4.8; internal notes never included). */
  messages: VisitorMessage[];
  /** More messages follow the last one here: fetch them with `conversation:history`. */
  hasMore: boolean;
  /** True when at least one agent is online: otherwise offer the leave-a-message form. */
  agentsAvailable: boolean;
  /**
   * Present only when the team's business hours are switched on and it is closed now: when it
   * opens next (epoch ms). `agentsAvailable` is then false, so the widget offers the form.
   */
  reopensAt?: number;
  /** Present only when the lead has the widget offer a choice of department: the ones to choose from. */
  departments?: DepartmentRef[];
  /**
   * Present when the lead's pre-chat form has fields left to ask before this visitor's first
   * message: each one, and whether it is required. Name and email the visitor's profile already
   * holds (`visitor:profile`, the host page's `setVisitor`) are left out; `department` is here
   * exactly when `departments` is non-empty (required unless the form makes it optional). The
   * `question` is the first `message:send` itself.
   */
  preChat?: Partial<Record<PreChatField, 'optional' | 'required'>>;
  /** The limits this server enforces, so a client can keep within them instead of being refused. */
  limits: SessionLimits;
}

/** Limits in force, sent with every `session:sync` reply. */
export interface SessionLimits {
  /** Longest message text, in UTF-16 code units (`text.length`). */
  maxMessageLength: number;
  /** `message:send` calls allowed per second (per visitor, or per agent). */
  messagesPerSecond: number;
}

/**
 * A message as a visitor receives it: agents' ids are null (their name is in `authorName`),
 * events are `VisitorSystemEvent`s, internal notes never appear.
 */
export interface VisitorMessage extends Omit<Message, 'event'> {
  event?: VisitorSystemEvent;
}

/** Where the shopper is and what the host page told us; shown to agents. */
export interface PageContext {
  url?: string;
  title?: string;
  referrer?: string;
  /** BCP 47, e.g. `zh-CN`. */
  language?: string;
  /** IANA time zone, e.g. `Asia/Shanghai`. */
  timeZone?: string;
  /** Free-form pairs from the host page, e.g. `{ orderNumber: "A-1234" }` (at most 20, short strings). */
  data?: Record<string, string>;
}

export interface VisitorClientToServerEvents {
  /**
   * First call after every (re)connect: who am I, my conversation, what I missed (one page).
   * `afterSeq` counts in `conversationId` when given: for another conversation than the active
   * one, the page starts at the beginning.
   */
  'session:sync': (p: { afterSeq?: number; conversationId?: string }, ack: Ack<VisitorSession>) => void;
  /** One page of one of my conversations (closed ones included), to catch up or read back. */
  'conversation:history': (p: HistoryQuery, ack: Ack<Page<VisitorMessage>>) => void;
  /** The first message opens and routes a conversation. Idempotent per `clientId`. */
  'message:send': (p: { clientId: string; text: string }, ack: Ack<MessageAck>) => void;
  /** `text`: the draft so far, which agents see only when the team's typing preview is on. */
  'typing': (p: { typing: boolean; text?: string }) => void;
  /** The page became visible or hidden, or is being closed (`gone`, sent on `pagehide`). No ack. */
  'visitor:presence': (p: { state: VisitorPresenceReport }) => void;
  'conversation:close': (p: Record<string, never>, ack: Ack<{ conversationId: string }>) => void;
  /** Name and email the shopper gave (or the host page set). */
  'visitor:profile': (
    p: {
      name?: string;
      email?: string;
      /** A customer tier signed by the host page's server (README, "Customer tiers"); a forged one is refused. */
      tier?: string;
      /** Id of the department the shopper's next conversation goes to (one of `VisitorSession.departments`, or one the host page names). */
      department?: string;
    },
    ack: Ack<{ visitorId: string }>,
  ) => void;
  /** Page context, sent on connect and on navigation; replaces the previous one. */
  'visitor:context': (p: PageContext, ack: Ack<{ visitorId: string }>) => void;
  /** Leave-a-message form, when no agent is online. Stored for the team. */
  'offline:message': (p: { name: string; email: string; text: string }, ack: Ack<{ id: string }>) => void;
  /**
   * My answer to the FAQ answer offered while I wait (`faq_offered`): `solved` closes the
   * conversation as self-served (reason `faq_solved`, it leaves the queue); otherwise a
   * `faq_declined` event is recorded and I keep my place.
   */
  'faq:feedback': (
    p: { conversationId: string; solved: boolean },
    ack: Ack<{ conversationId: string; status: ConversationStatus }>,
  ) => void;
  /** Rate a closed conversation of mine, 1 to 5, with an optional comment. Rating again replaces it. */
  'conversation:rate': (
    p: { conversationId: string; score: number; comment?: string },
    ack: Ack<{ conversationId: string; score: number }>,
  ) => void;
}

export interface VisitorServerToClientEvents {
  /** A message from the agent (or from the visitor's other tab), or a system event. */
  'message': (m: VisitorMessage) => void;
  'conversation:state': (s: VisitorConversationState) => void;
  'typing': (p: { conversationId: string; typing: boolean }) => void;
}

// ---------------------------------------------------------------- agent and lead

export interface MessageAck {
  conversationId: string;
  seq: number;
  at: number;
  /** True when this clientId was already stored: the original ack is returned (no new seq). */
  duplicate: boolean;
}

export interface AgentSession {
  me: AgentSelf;
  /**
   * Every conversation currently assigned to me, each with one page: after `since[id]` when I
   * sent one, else the latest page.
   */
  conversations: ConversationWithMessages[];
  /** The limits this server enforces. */
  limits: SessionLimits;
  /**
   * The presence pool's life: it changes when presence was rebuilt (the embedded server
   * restarted, or Redis came back empty). A console that sees it change across a reconnect
   * tells the agent that the server restarted and what was restored. Null before the first
   * heartbeat.
   */
  presenceEpoch: string | null;
}

export interface LeadSnapshot {
  agents: AgentPresenceView[];
  /** Queued conversation ids, head first. */
  queue: string[];
  conversations: ConversationView[];
}

// ---------------------------------------------------------------- the lead's floor

/** A live conversation as the floor shows it: the view plus the times a lead needs. */
export interface FloorConversation extends ConversationView {
  /** When it last joined the queue (opened, requeued or sent back), while queued; else null. */
  queuedAt: number | null;
  /** When its current agent got it; null while queued. */
  assignedAt: number | null;
  /** The oldest visitor message no agent (or lead) has answered yet; null when answered. */
  waitingSince: number | null;
  /** Assigned longer than the routines' `slowAnswerSeconds` with no agent answer yet: the leads should look. */
  slowAnswer?: true;
}

/**
 * Today's headline figures, from the store (today: since midnight in `timeZone`). Times in ms.
 * `waitingNow` and `oldestQueuedAt` are live from the queue; the others count today's rows.
 */
export interface FloorFigures {
  /** The day counted, `YYYY-MM-DD` in `timeZone`. */
  day: string;
  /** IANA name: the site's time zone when one is configured, else the server's. */
  timeZone: string;
  /** Midnight of `day` in `timeZone`, ms since the epoch. */
  dayStart: number;
  waitingNow: number;
  /** When the longest-waiting queued visitor joined the queue; null with an empty queue. */
  oldestQueuedAt: number | null;
  /** Conversations opened today. */
  started: number;
  /** Conversations closed today. */
  closed: number;
  /** Closed today before any agent answered (the visitor left, or it was closed unanswered). */
  missed: number;
  /** Median time from opening to the first agent answer, of conversations opened today; null when none. */
  medianFirstResponseMs: number | null;
  /** Average score of ratings given today (1 to 5); null when none. */
  averageRating: number | null;
  /** How many ratings `averageRating` averages. */
  ratings: number;
  /**
   * Set while earlier chats are still being counted (after an upgrade or a change of time zone;
   * the history is counted oldest first, so today's closes come last): `started` to
   * `ratings` cover only the chats counted so far, `done` of `total` closed chats. Null once
   * every chat is counted; a `floor:figures` push follows when counting ends.
   */
  counting: HistoryCounting | null;
}

/** A text stored in a live conversation, as the floor sees it: who wrote and when, no text. */
export interface FloorActivity {
  conversationId: string;
  author: 'visitor' | 'agent';
  at: number;
}

/** The whole floor at one moment: what `floor:watch` answers; pushes keep it current. */
export interface FloorState {
  agents: AgentPresenceView[];
  /** Queued conversation ids, head first. */
  queue: string[];
  /** Every live (queued or open) conversation. */
  conversations: FloorConversation[];
  figures: FloorFigures;
  /** The server's clock when this was read, so clients can correct their own. */
  now: number;
}

export interface AgentClientToServerEvents {
  /** First call after every (re)connect. `since` maps conversation id to the last seq seen. */
  'session:sync': (p: { since?: Record<string, number> }, ack: Ack<AgentSession>) => void;
  'agent:status': (p: { status: AgentStatus }, ack: Ack<AgentSelf>) => void;
  'message:send': (
    p: { conversationId: string; clientId: string; text: string; note?: boolean },
    ack: Ack<MessageAck>,
  ) => void;
  'typing': (p: { conversationId: string; typing: boolean }) => void;
  'conversation:history': (p: HistoryQuery, ack: Ack<Page>) => void;
  /** `toAgentId: null` puts the conversation back at the front of the queue. */
  'conversation:transfer': (
    p: {
      conversationId: string;
      /** null: back to the queue (with `toDepartmentId`: to that department's agents). */
      toAgentId: string | null;
      toDepartmentId?: string;
      note?: string;
    },
    ack: Ack<{ conversationId: string; agentId: string | null }>,
  ) => void;
  /** Files a chat the visitor ended (`conversation:removed` reason `ended`): its agent or a lead. */
  'conversation:wrapup': (p: { conversationId: string; category: CloseCategory; summary?: string }, ack: Ack<{ conversationId: string }>) => void;
  /** Closes with an optional category and a short summary for reports and the next agent. */
  'conversation:close': (
    p: { conversationId: string; category?: CloseCategory; summary?: string },
    ack: Ack<{ conversationId: string }>,
  ) => void;
  /** The shopper behind one of my conversations: page context and earlier conversations. */
  'visitor:info': (p: { conversationId: string }, ack: Ack<VisitorInfo>) => void;
  /**
   * End of shift: my status becomes `away` (nothing new arrives), every conversation assigned to
   * me goes to `toAgentId` (online, with room) or, with null, back to the front of the queue,
   * the note recorded on each; then `offline`. Not all-or-nothing: a refused transfer stops it
   * with that error, what moved stays moved and I stay `away`.
   */
  'agent:handover': (
    p: { toAgentId: string | null; note?: string },
    ack: Ack<{ handedOver: string[]; toAgentId: string | null }>,
  ) => void;
  /** Lead only: subscribe to a conversation's live messages and typing; the ack has its latest page. */
  'conversation:watch': (p: { conversationId: string }, ack: Ack<ConversationWithMessages>) => void;
  'conversation:unwatch': (p: { conversationId: string }, ack: Ack<{ conversationId: string }>) => void;
  /** Lead only: agents, queue and live conversations. */
  'lead:snapshot': (p: Record<string, never>, ack: Ack<LeadSnapshot>) => void;
  /** Lead only: change an agent's capacity; takes effect on routing at once. */
  'agent:capacity': (p: { agentId: string; capacity: number }, ack: Ack<AgentPresenceView>) => void;
  /**
   * Lead only: set an agent's status; `offline` sends their conversations back to the front of
   * the queue (a colleague who left without ending their shift), `away` stops new ones.
   */
  'agent:set-status': (p: { agentId: string; status: AgentStatus }, ack: Ack<AgentPresenceView>) => void;
  /**
   * Lead only: the live floor. Answers its state and subscribes this socket to `floor:*` pushes
   * (with `agent:changed` and `queue:changed`, which every lead gets) until `floor:unwatch`.
   */
  'floor:watch': (p: Record<string, never>, ack: Ack<FloorState>) => void;
  'floor:unwatch': (p: Record<string, never>, ack: Ack<{ watching: false }>) => void;
  /**
   * Lead only: take a live conversation over, for myself (`toAgentId` omitted) or for an agent who
   * is online with free capacity; the agent who had it is told who took it.
   */
  'conversation:takeover': (
    p: { conversationId: string; toAgentId?: string },
    ack: Ack<{ conversationId: string; agentId: string }>,
  ) => void;
}

export interface AgentServerToClientEvents {
  /** A conversation was assigned to me, with its latest page of history. */
  'conversation:assigned': (c: ConversationWithMessages) => void;
  /**
   * A conversation left me (closed, transferred, requeued). `by`: someone else moved it (a lead
   * taking over); `to`, with `by`: who has it now, when it went to someone rather than the queue.
   */
  'conversation:removed': (p: {
    conversationId: string;
    /**
     * `ended`: the visitor closed it; it stays listed until filed (`conversation:wrapup`) or `wrapUpDueAt`.
     * `slow_answer`: the routines gave it to another agent (`to`) because I had not answered in time.
     */
    reason: 'closed' | 'transferred' | 'requeued' | 'ended' | 'slow_answer';
    wrapUpDueAt?: number;
    by?: AgentRef;
    to?: AgentRef;
  }) => void;
  'conversation:updated': (c: ConversationView) => void;
  /** The shopper of a live conversation went to the background, left or came back: to its agent and the leads. */
  'conversation:presence': (p: VisitorPresence) => void;
  /** Leads: a conversation was registered as a complaint (`POST /api/v1/complaints`). */
  'complaint:registered': (c: ComplaintView) => void;
  /** Leads: a shopper left a message (`offline:message`); `openCount`: open left messages now, the inbox badge. */
  'left-message:new': (p: { leftMessage: LeftMessageView; openCount: number }) => void;
  /** Leads: a left message was assigned, answered or closed (by anyone, REST §9.10). */
  'left-message:updated': (p: { leftMessage: LeftMessageView; openCount: number }) => void;
  'message': (m: Message) => void;
  /**
   * The visitor typing; `text` (the end of their draft) only when the team's typing preview is on.
   * Watching leads also get the agent's typing (`author: 'agent'`; omitted: the visitor).
   */
  'typing': (p: { conversationId: string; typing: boolean; text?: string; author?: 'visitor' | 'agent' }) => void;
  'agent:state': (s: AgentSelf) => void;
  /** Leads: the queue changed (head first). */
  'queue:changed': (p: { queue: string[] }) => void;
  /** Leads: an agent's status, capacity or load changed. */
  'agent:changed': (a: AgentPresenceView) => void;
  /** Floor watchers: a live conversation changed (queued, assigned, moved); `closed` ones leave the floor. */
  'floor:conversation': (c: FloorConversation) => void;
  /**
   * Floor watchers: visitors wrote (`waitingSince` starts if it was null) or agents or leads
   * answered (it ends) in live conversations, in order, gathered over a fraction of a second.
   */
  'floor:activity': (p: { activity: FloorActivity[] }) => void;
  /** Floor watchers: today's figures again, at most every few seconds while things happen or earlier chats are counted. */
  'floor:figures': (f: FloorFigures) => void;
}

/** Payload of the signed tokens (visitor and agent). */
export interface TokenClaims {
  sub: string;
  role: 'visitor' | Role;
  /** Expiry, seconds since the epoch. */
  exp: number;
  /**
   * Issued at, milliseconds since the epoch. A staff token issued before the user's password
   * was last set (reset link or change) is refused with TOKEN_EXPIRED.
   */
  iat?: number;
}

/** Socket.IO `connect_error` carries `err.message === code` and `err.data = { code, message }`. */
export type ConnectErrorData = ErrorBody;
