/**
 * The widget's chat logic, free of UI: connection, resume by seq (page by page), the outbox
 * of messages not yet acknowledged (kept across reloads and network loss, sent in order,
 * never twice; a message the server refuses for good leaves it), and the state the UI renders.
 */
import type { Socket } from 'socket.io-client';
import type { AckedEvent, AckPayload, AckResult } from '../../shared/client/acks';
import { mergeBySeq } from '../../shared/client/merge';
import { drain, resent, withoutStored, withState, type Outgoing } from '../../shared/client/outbox';
import type {
  Page,
  VisitorMessage,
  PageContext,
  VisitorClientToServerEvents,
  VisitorConversationState,
  VisitorPresenceReport,
  VisitorServerToClientEvents,
  VisitorSession,
} from '../../shared/protocol';

export type VisitorSocket = Socket<VisitorServerToClientEvents, VisitorClientToServerEvents>;

/** `localStorage`, or anything shaped like it. */
export interface KeyValue {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export interface Pending extends Outgoing {
  at: number;
}

export interface ChatState {
  connection: 'idle' | 'connecting' | 'online' | 'offline';
  visitorId: string | null;
  conversation: VisitorConversationState | null;
  /** Stored messages of the current conversation, by seq, without duplicates. */
  messages: VisitorMessage[];
  /** Typed but not yet acknowledged, oldest first. */
  outbox: Pending[];
  /** Refused by the server for good (too long, invalid): shown with an error, never sent again. */
  refused: Pending[];
  /** Longest message the server accepts (its session's `limits`). */
  max: number;
  agentsAvailable: boolean;
  /** When the team opens next (epoch ms): present only while business hours keep it closed. */
  reopensAt: number | null;
  agentTyping: boolean;
  /** The conversation that just closed, until the next one starts: each is offered its rating once. */
  toRate: string | null;
  /** The session's pre-chat form and departments (widget/src/prechat.tsx). */
  preChat?: VisitorSession['preChat'];
  departments?: VisitorSession['departments'];
  /** Profile fields given in this page (host page or form), empty ones included: not asked again. */
  known: Record<string, string>;
}

export interface ChatOptions {
  /** Opens the visitor namespace with `auth: { token }` (socket.io-client's `io`, bound to the server URL). */
  connect(auth: { token?: string }): VisitorSocket;
  storage: KeyValue;
  /** Namespaces storage keys, e.g. by server origin. */
  storageKey: string;
  context?(): PageContext;
  /** How long to wait for a message's ack before it is marked failed. @default 10000 */
  ackTimeoutMs?: number;
  newId?(): string;
}

const read = <T>(s: KeyValue, key: string, fallback: T): T => {
  try {
    const v = s.getItem(key);
    return v ? (JSON.parse(v) as T) : fallback;
  } catch {
    return fallback;
  }
};
const write = (s: KeyValue, key: string, value: unknown) => {
  try {
    if (value === null) s.removeItem(key);
    else s.setItem(key, JSON.stringify(value));
  } catch {
    // Private mode or a full quota: the chat works, it just will not survive a reload.
  }
};

/** A conversation the widget learned of from a message or an ack, before its state arrives. */
const queued = (id: string): VisitorConversationState => ({ id, status: 'queued', agentName: null, queuePosition: null });

export type Chat = ReturnType<typeof createChat>;

export function createChat(o: ChatOptions) {
  const tokenKey = `${o.storageKey}:token`;
  const outboxKey = `${o.storageKey}:outbox`;
  const ackTimeout = o.ackTimeoutMs ?? 10_000;
  const newId = o.newId ?? (() => crypto.randomUUID());

  const state: ChatState = {
    connection: 'idle',
    visitorId: null,
    conversation: null,
    messages: [],
    // Messages typed before a reload are still waiting: show them as sending.
    outbox: resent(read<Pending[]>(o.storage, outboxKey, [])),
    refused: [],
    max: 4000,
    agentsAvailable: true,
    reopensAt: null,
    agentTyping: false,
    toRate: null,
    known: {},
  };
  let socket: VisitorSocket | null = null;
  let flushing = false;
  /** The page's presence as last reported by the host page: told again after every (re)connect. */
  let shown: VisitorPresenceReport = 'visible';
  /**
   * Every seq up to this came in a sync reply or a page after it, so a resume (or a retried
   * sync) asks from here, for what is missing: a live message can overtake one whose fan-out
   * died with its process (and notes leave gaps).
   */
  let synced = 0;
  const listeners = new Set<(s: ChatState, incoming?: VisitorMessage) => void>();

  /** Tells subscribers; `incoming` is a new message from the other side (for unread counts and the host page). */
  const changed = (incoming?: VisitorMessage) => {
    write(o.storage, outboxKey, state.outbox.length ? state.outbox : null);
    const snapshot = { ...state };
    listeners.forEach((fn) => fn(snapshot, incoming));
  };

  /** Adds stored messages of the current conversation (shared/client/merge.ts); true when any was new. */
  function merge(incoming: VisitorMessage[]): boolean {
    const { messages, added } = mergeBySeq(
      state.messages,
      incoming.filter((m) => !state.conversation || m.conversationId === state.conversation.id),
    );
    state.messages = messages;
    state.outbox = withoutStored(state.outbox, added);
    return added.length > 0;
  }

  type Map = VisitorClientToServerEvents;
  /** Typed from the event map (shared/client/acks.ts): a wrong event, payload or result use fails tsc. */
  function call<E extends AckedEvent<Map>>(event: E, ...payload: AckPayload<Map, E>): Promise<AckResult<Map, E>>;
  function call(event: AckedEvent<Map>, ...payload: AckPayload<Map, AckedEvent<Map>>): Promise<unknown> {
    if (!socket) throw new Error('not connected');
    return socket.timeout(event === 'message:send' ? ackTimeout : 10_000).emitWithAck(event, ...payload);
  }

  function adoptConversation(c: VisitorConversationState | null) {
    if (c?.id !== state.conversation?.id) state.messages = [], synced = 0;
    state.conversation = c;
    // A closed conversation offers its rating; the next one (learned from an ack, a message or its
    // state, whichever comes first) takes the previous one's rating away.
    if (c) state.toRate = c.status === 'closed' ? c.id : null;
  }

  async function sync() {
    // The server starts from the beginning when the active conversation is not this one.
    const r = await call('session:sync', { conversationId: state.conversation?.id, afterSeq: synced });
    if (!r.ok) return;
    const s = r.data;
    write(o.storage, tokenKey, s.token);
    state.visitorId = s.visitorId;
    state.agentsAvailable = s.agentsAvailable;
    state.reopensAt = s.reopensAt ?? null;
    state.max = s.limits.maxMessageLength;
    state.preChat = s.preChat;
    state.departments = s.departments;
    adoptConversation(s.conversation);
    // What failed before is tried again; a refusal for good already left the outbox.
    state.outbox = resent(state.outbox);
    // One page per reply: fetch the rest in order. A failure throws, and the retried sync resumes at `synced`.
    for (let p: Page<VisitorMessage> = s; merge(p.messages), (synced = p.messages.at(-1)?.seq ?? synced), p.hasMore; ) {
      const h = await call('conversation:history', { conversationId: s.conversation!.id, afterSeq: synced });
      if (!h.ok) throw h.error;
      p = h.data;
    }
    state.connection = 'online';
    changed();
    socket!.emit('visitor:presence', { state: shown });
    sendContext();
    void flush();
  }

  function sendContext() {
    if (o.context) void call('visitor:context', o.context()).catch(() => {});
  }

  /** Sends waiting messages one at a time, in order; a lost ack is retried with the same clientId. */
  async function flush() {
    if (flushing) return;
    flushing = true;
    try {
      await drain({
        next: () => (state.connection === 'online' ? state.outbox.find((p) => p.state === 'sending') : undefined),
        send: (p) => call('message:send', { clientId: p.clientId, text: p.text }),
        connected: () => !!socket?.connected,
        failed(p) {
          state.outbox = withState(state.outbox, p.clientId, 'failed');
          changed();
        },
        refused(p) {
          state.outbox = withoutStored(state.outbox, [p]);
          state.refused = state.refused.concat({ ...p, state: 'refused' });
          changed();
        },
        stored(p, ack) {
          if (!state.conversation || state.conversation.id !== ack.conversationId) {
            // The first message opened a conversation; its state and history follow.
            adoptConversation(queued(ack.conversationId));
          }
          merge([{ ...ack, clientId: p.clientId, author: 'visitor', authorId: state.visitorId, kind: 'text', text: p.text }]);
          state.outbox = withoutStored(state.outbox, [p]);
          changed();
        },
      });
    } finally {
      flushing = false;
    }
  }

  function start() {
    if (socket) return;
    const token = read<string | undefined>(o.storage, tokenKey, undefined);
    socket = o.connect(token ? { token } : {});
    state.connection = 'connecting';
    changed();
    // A sync that fails (server busy) is retried while the connection lasts.
    const syncNow = () =>
      sync().catch(() => {
        if (socket?.connected) setTimeout(syncNow, 2000);
      });
    socket.on('connect', syncNow);
    socket.on('disconnect', () => {
      state.connection = 'offline';
      state.agentTyping = false;
      changed();
    });
    socket.on('connect_error', (err: Error & { data?: { code?: string } }) => {
      // A token from another server or an old secret: start afresh as a new visitor.
      if (/^TOKEN_(INVALID|EXPIRED)$/.test(err.data?.code!)) {
        write(o.storage, tokenKey, null);
        socket!.auth = {};
        socket!.connect();
        return;
      }
      state.connection = 'offline';
      changed();
    });
    socket.io.on('reconnect_attempt', () => {
      // The token may have been refreshed (or issued by another tab) since the first connect.
      const t = read<string | undefined>(o.storage, tokenKey, undefined);
      socket!.auth = t ? { token: t } : {};
    });
    socket.on('message', (m) => {
      if (!state.conversation && m.conversationId) adoptConversation(queued(m.conversationId));
      if (merge([m])) {
        if (m.author === 'agent') state.agentTyping = false;
        changed(m.author === 'agent' ? m : undefined);
      }
    });
    socket.on('conversation:state', (c) => {
      if (state.conversation && c.id !== state.conversation.id && c.status === 'closed') return;
      adoptConversation(c);
      if (c.status === 'closed') state.agentTyping = false;
      changed();
    });
    socket.on('typing', (p) => {
      state.agentTyping = p.typing;
      changed();
    });
  }

  return {
    get state(): ChatState {
      return state;
    },
    start,
    sendContext,
    subscribe(fn: (s: ChatState, incoming?: VisitorMessage) => void) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    /** Queues a message and sends it as soon as the connection allows. */
    send(text: string) {
      const t = text.trim();
      if (!t) return;
      if (state.conversation?.status === 'closed') adoptConversation(null);
      state.outbox = [...state.outbox, { clientId: newId(), text: t, at: Date.now(), state: 'sending' }];
      changed();
      start();
      void flush();
    },
    retry(clientId: string) {
      state.outbox = withState(state.outbox, clientId, 'sending');
      changed();
      void flush();
    },
    /** The page was shown, hidden or is being closed (`pagehide`): agents see whether the shopper is there. */
    presence(report: VisitorPresenceReport) {
      shown = report;
      if (socket?.connected) socket.emit('visitor:presence', { state: report });
    },
    typing(typing: boolean) {
      if (socket?.connected && state.conversation?.status !== 'closed') socket.emit('typing', { typing });
    },
    async end() {
      return call('conversation:close', {});
    },
    async rate(score: number, comment?: string) {
      if (!state.toRate) return null;
      // `toRate` stays until a new conversation starts, so the thanks can be shown in its place.
      return call('conversation:rate', { conversationId: state.toRate, score, ...(comment ? { comment } : {}) });
    },
    async leaveMessage(form: { name: string; email: string; text: string }) {
      start();
      return call('offline:message', form);
    },
    /** Sends the fields given (empty ones are only remembered as answered). */
    async setProfile(profile: { name?: string; email?: string; department?: string }) {
      const given = Object.fromEntries(Object.entries(profile).filter(([, v]) => v?.trim()));
      start();
      const r = Object.keys(given).length ? await call('visitor:profile', given) : { ok: true as const };
      if (r.ok) {
        state.known = { ...state.known, ...profile };
        changed();
      }
      return r;
    },
    /** Another tab stored a token: adopt it when this tab has no conversation of its own. */
    tokenChanged() {
      if (socket && !state.conversation) {
        socket.disconnect();
        socket = null;
        start();
      }
    },
    stop() {
      socket?.disconnect();
      socket = null;
    },
    /** Any acked call of the visitor map; rejects when not started. */
    call,
  };
}
