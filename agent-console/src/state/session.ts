/**
 * The console's live state over the /agent namespace: my conversations with their
 * messages, unread counts and unsent replies. Reconnects resume by seq per
 * conversation, page by page; replies keep their clientId until acknowledged, so nothing
 * is lost or stored twice, and a reply refused for good leaves the outbox.
 *
 * Every change publishes a new state object (new chats record, new chat, new arrays):
 * a snapshot a subscriber holds never changes afterwards.
 */
import type { Socket } from 'socket.io-client';
import type { AckedEvent, AckPayload, AckResult } from '../../../shared/client/acks';
import { contiguousThrough, mergeBySeq } from '../../../shared/client/merge';
import { drain, resent, withoutStored, withState } from '../../../shared/client/outbox';
import type {
  AgentClientToServerEvents,
  AgentSelf,
  AgentServerToClientEvents,
  ConversationWithMessages,
  Message,
} from '../../../shared/protocol';
import type { Chat, Pending } from './chats';

export type AgentSocket = Socket<AgentServerToClientEvents, AgentClientToServerEvents>;

export interface ConsoleState {
  readonly connection: 'connecting' | 'online' | 'offline';
  readonly me: AgentSelf | null;
  readonly chats: Readonly<Record<string, Chat>>;
  /** Set when a connect is refused (e.g. TOKEN_EXPIRED): the console signs out. */
  readonly refused: string | null;
  /**
   * A reconnect found presence rebuilt (the server restarted, or its Redis came back empty):
   * what the console shows was restored. Until `dismissRestarted()`.
   */
  readonly restarted: boolean;
}

export interface ConsoleSessionOptions {
  /** Opens the /agent namespace with `auth` (socket.io-client's `io`, bound to the server URL). */
  connect(auth: { token: string }): AgentSocket;
  token: string;
  /** Called for each conversation newly assigned to me (sound, notification). */
  onAssigned?(c: ConversationWithMessages): void;
  /** Called for each new visitor message in a conversation I already have (sound). */
  onVisitorMessage?(m: Message): void;
  newId?(): string;
  /** How long a call waits for its ack before it rejects. @default 10000 */
  ackTimeoutMs?: number;
}

type Map = AgentClientToServerEvents;
export type ConsoleSession = ReturnType<typeof createConsoleSession>;

export function createConsoleSession(opts: ConsoleSessionOptions) {
  const newId = opts.newId ?? (() => crypto.randomUUID());
  const ackTimeout = opts.ackTimeoutMs ?? 10_000;
  let state: ConsoleState = { connection: 'connecting', me: null, chats: {}, refused: null, restarted: false };
  /** The presence epoch of the last sync (AgentSession.presenceEpoch). */
  let epoch: string | null = null;
  const listeners = new Set<(s: ConsoleState) => void>();
  let active: string | null = null;
  const flushing = new Set<string>();

  const publish = (patch: Partial<ConsoleState>) => {
    state = { ...state, ...patch };
    listeners.forEach((fn) => fn(state));
  };
  /** Replaces one chat (if I still have it) with `change(chat)`. */
  const update = (id: string, change: (chat: Chat) => Chat) => {
    const chat = state.chats[id];
    if (chat) publish({ chats: { ...state.chats, [id]: change(chat) } });
  };

  const socket = opts.connect({ token: opts.token });

  /** Typed from the event map (shared/client/acks.ts): a wrong event, payload or result use fails tsc. */
  function call<E extends AckedEvent<Map>>(event: E, ...payload: AckPayload<Map, E>): Promise<AckResult<Map, E>>;
  function call(event: AckedEvent<Map>, ...payload: AckPayload<Map, AckedEvent<Map>>): Promise<unknown> {
    return socket.timeout(ackTimeout).emitWithAck(event, ...payload);
  }

  /** The chat with the stored messages added; visitor messages off screen count as unread. */
  function withMessages(chat: Chat, incoming: Message[]): Chat {
    const { messages, added } = mergeBySeq(chat.messages, incoming);
    if (!added.length) return chat;
    const unread = added.filter((m) => m.author === 'visitor' && m.conversationId !== active).length;
    return { ...chat, messages, unread: chat.unread + unread, outbox: withoutStored(chat.outbox, added) };
  }

  function upserted(c: ConversationWithMessages): Chat {
    const existing = state.chats[c.conversation.id];
    const chat: Chat = existing
      ? { ...existing, view: c.conversation }
      : { view: c.conversation, messages: [], unread: 0, outbox: [], refused: [], visitorTyping: false };
    return withMessages(chat, c.messages);
  }

  /** After a page read forward: where the next one starts, or undefined when nothing follows. */
  const behindAfter = (page: { messages: Message[]; hasMore: boolean }) => (page.hasMore ? page.messages.at(-1)?.seq : undefined);

  async function sync() {
    // By what is missing, not the highest seq held (shared/client/merge.ts).
    const since = Object.fromEntries(Object.values(state.chats).map((c) => [c.view.id, c.behind ?? contiguousThrough(c.messages)]));
    const r = await call('session:sync', { since });
    if (!r.ok) return;
    // Chats that left me while I was away (grace expired, transferred by a lead) go.
    const chats: Record<string, Chat> = {};
    for (const c of r.data.conversations) {
      const chat = upserted(c);
      // What failed is tried again; refusals for good already left the outbox.
      chats[c.conversation.id] = { ...chat, outbox: resent(chat.outbox), behind: behindAfter(c) };
    }
    // Ended chats awaiting their wrap-up are not among my live ones; they stay until filed or due.
    for (const c of Object.values(state.chats)) if (c.ended && !chats[c.view.id] && c.ended.wrapUpDueAt > Date.now()) chats[c.view.id] = c;
    const now = r.data.presenceEpoch;
    const restarted = state.restarted || (epoch !== null && now !== null && now !== epoch);
    epoch = now ?? epoch;
    publish({ me: r.data.me, chats, connection: 'online', restarted });
    for (const id of Object.keys(chats)) {
      void flush(id);
      void catchUp(id).catch(() => {}); // no ack: the next sync resumes from `behind`
    }
  }

  /** Reads the rest of a conversation after `behind`, page by page, in order. */
  async function catchUp(conversationId: string) {
    for (let afterSeq = state.chats[conversationId]?.behind; afterSeq !== undefined; afterSeq = state.chats[conversationId]?.behind) {
      const r = await call('conversation:history', { conversationId, afterSeq });
      if (!r.ok) {
        if (r.error.code !== 'RATE_LIMITED') return; // the conversation left me: it goes with the next sync or event
        await new Promise((wake) => setTimeout(wake, 1000));
        continue;
      }
      update(conversationId, (c) => ({ ...withMessages(c, r.data.messages), behind: behindAfter(r.data) }));
    }
  }

  /** Sends a conversation's waiting replies in order (shared/client/outbox.ts). */
  async function flush(conversationId: string) {
    if (flushing.has(conversationId)) return;
    flushing.add(conversationId);
    try {
      await drain<Pending, { seq: number; at: number }>({
        next: () => (state.connection === 'online' ? state.chats[conversationId]?.outbox.find((p) => p.state === 'sending') : undefined),
        send: (p) =>
          call('message:send', { conversationId, clientId: p.clientId, text: p.text, ...(p.note ? { note: true } : {}) }),
        connected: () => socket.connected,
        failed: (p) => update(conversationId, (c) => ({ ...c, outbox: withState(c.outbox, p.clientId, 'failed') })),
        refused: (p, error) =>
          update(conversationId, (c) => ({ ...c, outbox: withoutStored(c.outbox, [p]), refused: [...c.refused, { ...p, state: 'refused', error }] })),
        stored: (p, ack) =>
          update(conversationId, (c) => {
            const mine: Message = {
              conversationId,
              seq: ack.seq,
              clientId: p.clientId,
              author: 'agent',
              authorId: state.me?.id ?? null,
              authorName: state.me?.name ?? null,
              kind: p.note ? 'note' : 'text',
              text: p.text,
              at: ack.at,
            };
            const merged = withMessages(c, [mine]);
            // Already merged from the broadcast: the entry still leaves the outbox.
            return { ...merged, outbox: withoutStored(merged.outbox, [p]) };
          }),
      });
    } finally {
      flushing.delete(conversationId);
    }
  }

  socket.on('connect', () => void sync().catch(() => setTimeout(() => socket.connected && void sync(), 2000)));
  socket.on('disconnect', (reason) => {
    publish({ connection: 'offline' });
    // The server signed this user out (deactivated, role or password changed): connecting again
    // either comes back with the new role or is refused with the reason, which ends the session.
    if (reason === 'io server disconnect') socket.connect();
  });
  socket.on('connect_error', (err: Error & { data?: { code?: string } }) => {
    if (err.data?.code) {
      socket.disconnect();
      publish({ connection: 'offline', refused: err.data.code });
    } else {
      publish({ connection: 'offline' });
    }
  });
  socket.on('conversation:assigned', (c) => {
    const isNew = !state.chats[c.conversation.id];
    publish({ chats: { ...state.chats, [c.conversation.id]: upserted(c) } });
    if (isNew) opts.onAssigned?.(c);
  });
  socket.on('conversation:removed', ({ conversationId, reason, wrapUpDueAt }) => {
    if (!state.chats[conversationId]) return;
    // Ended by the visitor: it stays, with its draft, until the wrap-up is filed (then `closed` follows).
    if (reason === 'ended') return update(conversationId, (c) => ({ ...c, ended: { wrapUpDueAt: wrapUpDueAt ?? Date.now() } }));
    const { [conversationId]: _gone, ...rest } = state.chats;
    publish({ chats: rest });
  });
  socket.on('conversation:updated', (view) => update(view.id, (c) => ({ ...c, view })));
  socket.on('conversation:presence', (p) => update(p.conversationId, (c) => ({ ...c, view: { ...c.view, visitorPresence: p } })));
  socket.on('message', (m) => {
    const chat = state.chats[m.conversationId];
    if (!chat) return;
    const next = withMessages(chat, [m]);
    if (next === chat) return;
    update(m.conversationId, () => (m.author === 'visitor' ? { ...next, visitorTyping: false, visitorDraft: undefined } : next));
    if (m.author === 'visitor') opts.onVisitorMessage?.(m);
  });
  socket.on('typing', ({ conversationId, typing, text, author }) => {
    if (author !== 'agent') update(conversationId, (c) => ({ ...c, visitorTyping: typing, visitorDraft: typing ? text : undefined }));
  });
  socket.on('agent:state', (me) => publish({ me }));

  return {
    /** The current snapshot; never changed after it was handed out. */
    get state(): ConsoleState {
      return state;
    },
    subscribe(fn: (s: ConsoleState) => void) {
      listeners.add(fn);
      return () => void listeners.delete(fn);
    },
    /** The conversation on screen: its unread count stays at zero. */
    setActive(id: string | null) {
      active = id;
      if (id && state.chats[id]?.unread) update(id, (c) => ({ ...c, unread: 0 }));
    },
    send(conversationId: string, text: string, note: boolean) {
      const t = text.trim();
      if (!state.chats[conversationId] || !t) return;
      const p: Pending = { clientId: newId(), text: t, note, state: 'sending' };
      update(conversationId, (c) => ({ ...c, outbox: [...c.outbox, p] }));
      void flush(conversationId);
    },
    /**
     * Reads back the page before the first message held (the transcript's "Show earlier"); false
     * when there is nothing earlier or the read failed.
     */
    async loadEarlier(conversationId: string): Promise<boolean> {
      const first = state.chats[conversationId]?.messages[0]?.seq ?? 1;
      if (first <= 1) return false;
      const r = await call('conversation:history', { conversationId, beforeSeq: first }).catch(() => null);
      if (r?.ok) update(conversationId, (c) => withMessages(c, r.data.messages));
      return !!r?.ok;
    },
    /** Sends a failed reply again, with the same clientId: stored once even if the first send was. */
    retry(conversationId: string, clientId: string) {
      update(conversationId, (c) => ({ ...c, outbox: withState(c.outbox, clientId, 'sending') }));
      void flush(conversationId);
    },
    typing(conversationId: string, typing: boolean) {
      if (socket.connected) socket.emit('typing', { conversationId, typing });
    },
    call,
    dismissRestarted() {
      publish({ restarted: false });
    },
    /** Listens to a server push besides those above (lead views: the floor, watching); returns the unsubscribe. */
    on<E extends keyof AgentServerToClientEvents>(event: E, fn: AgentServerToClientEvents[E]): () => void {
      // socket.io-client's typed `on` cannot follow a generic event name; the signature is the typed boundary.
      const s = socket as unknown as { on(e: string, f: unknown): void; off(e: string, f: unknown): void };
      s.on(event, fn);
      return () => s.off(event, fn);
    },
    disconnect() {
      socket.disconnect();
    },
  };
}
