/**
 * The wire protocol: every Socket.IO event, payload and ack shared by the
 * server, the widget and the agent console. A wrong payload fails `tsc`.
 * docs/protocol.md describes the same contract in prose.
 */
import type { ErrorBody } from './errors';

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
  | { type: 'transferred'; fromAgentId: string | null; toAgentId: string | null; note?: string }
  | { type: 'agent_disconnected'; agentId: string }
  | { type: 'requeued'; fromAgentId: string; reason: 'agent_offline' | 'agent_disconnected' }
  | { type: 'closed'; by: AuthorKind; byId: string | null };

/** System events as a visitor receives them: no agent ids, no transfer notes. */
export type VisitorSystemEvent =
  | { type: 'opened' }
  | { type: 'queued'; position: number }
  | { type: 'assigned'; agentName: string }
  | { type: 'transferred' }
  | { type: 'agent_disconnected' }
  | { type: 'requeued' }
  | { type: 'closed'; by: AuthorKind };

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
}

export interface AgentRef {
  id: string;
  name: string;
}

/** How an agent files a closed conversation. */
export const CLOSE_CATEGORIES = ['inquiry', 'complaint', 'order', 'after_sales', 'other'] as const;
export type CloseCategory = (typeof CLOSE_CATEGORIES)[number];

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

export interface ConversationWithMessages {
  conversation: ConversationView;
  messages: Message[];
}

// ---------------------------------------------------------------- visitor

export interface VisitorSession {
  visitorId: string;
  /** Store it and send it as `auth.token` on the next connect to resume. */
  token: string;
  conversation: VisitorConversationState | null;
  /** Messages after `afterSeq`, oldest first (internal notes never included). */
  messages: VisitorMessage[];
  /** True when at least one agent is online: otherwise offer the leave-a-message form. */
  agentsAvailable: boolean;
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
  /** First call after every (re)connect: who am I, my conversation, what I missed. */
  'session:sync': (p: { afterSeq?: number }, ack: Ack<VisitorSession>) => void;
  /** The first message opens and routes a conversation. Idempotent per `clientId`. */
  'message:send': (p: { clientId: string; text: string }, ack: Ack<MessageAck>) => void;
  'typing': (p: { typing: boolean }) => void;
  'conversation:close': (p: Record<string, never>, ack: Ack<{ conversationId: string }>) => void;
  /** Name and email the shopper gave (or the host page set). */
  'visitor:profile': (p: { name?: string; email?: string }, ack: Ack<{ visitorId: string }>) => void;
  /** Page context, sent on connect and on navigation; replaces the previous one. */
  'visitor:context': (p: PageContext, ack: Ack<{ visitorId: string }>) => void;
  /** Leave-a-message form, when no agent is online. Stored for the team. */
  'offline:message': (p: { name: string; email: string; text: string }, ack: Ack<{ id: string }>) => void;
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
  /** Every conversation currently assigned to me, with messages after the seq I sent for it. */
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

export interface AgentClientToServerEvents {
  /** First call after every (re)connect. `since` maps conversation id to the last seq seen. */
  'session:sync': (p: { since?: Record<string, number> }, ack: Ack<AgentSession>) => void;
  'agent:status': (p: { status: AgentStatus }, ack: Ack<AgentSelf>) => void;
  'message:send': (
    p: { conversationId: string; clientId: string; text: string; note?: boolean },
    ack: Ack<MessageAck>,
  ) => void;
  'typing': (p: { conversationId: string; typing: boolean }) => void;
  'conversation:history': (
    p: { conversationId: string; afterSeq?: number; limit?: number },
    ack: Ack<{ messages: Message[] }>,
  ) => void;
  /** `toAgentId: null` puts the conversation back at the front of the queue. */
  'conversation:transfer': (
    p: { conversationId: string; toAgentId: string | null; note?: string },
    ack: Ack<{ conversationId: string; agentId: string | null }>,
  ) => void;
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
  /** Lead only: subscribe to a conversation's live messages and typing. */
  'conversation:watch': (p: { conversationId: string }, ack: Ack<ConversationWithMessages>) => void;
  'conversation:unwatch': (p: { conversationId: string }, ack: Ack<{ conversationId: string }>) => void;
  /** Lead only: agents, queue and live conversations. */
  'lead:snapshot': (p: Record<string, never>, ack: Ack<LeadSnapshot>) => void;
  /** Lead only: change an agent's capacity; takes effect on routing at once. */
  'agent:capacity': (p: { agentId: string; capacity: number }, ack: Ack<AgentPresenceView>) => void;
}

export interface AgentServerToClientEvents {
  /** A conversation was assigned to me, with its full history. */
  'conversation:assigned': (c: ConversationWithMessages) => void;
  /** A conversation left me (closed, transferred, requeued). */
  'conversation:removed': (p: { conversationId: string; reason: 'closed' | 'transferred' | 'requeued' }) => void;
  'conversation:updated': (c: ConversationView) => void;
  'message': (m: Message) => void;
  'typing': (p: { conversationId: string; typing: boolean }) => void;
  'agent:state': (s: AgentSelf) => void;
  /** Leads: the queue changed (head first). */
  'queue:changed': (p: { queue: string[] }) => void;
  /** Leads: an agent's status, capacity or load changed. */
  'agent:changed': (a: AgentPresenceView) => void;
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
