/**
 * The console's live state over the /agent namespace: my conversations with their
 * messages, unread counts and unsent replies. Reconnects resume by seq per
 * conversation; replies keep their clientId until acknowledged, so nothing is lost
 * or stored twice.
 */
import { io, type Socket } from 'socket.io-client';
import type {
  AgentClientToServerEvents,
  AgentSelf,
  AgentServerToClientEvents,
  AgentSession,
  ConversationView,
  ConversationWithMessages,
  Message,
  Result,
} from '../../shared/protocol';

export type AgentSocket = Socket<AgentServerToClientEvents, AgentClientToServerEvents>;

export interface Pending {
  clientId: string;
  text: string;
  note: boolean;
  state: 'sending' | 'failed';
}

export interface Chat {
  view: ConversationView;
  messages: Message[];
  unread: number;
  outbox: Pending[];
  visitorTyping: boolean;
}

export interface ConsoleState {
  connection: 'connecting' | 'online' | 'offline';
  me: AgentSelf | null;
  chats: Record<string, Chat>;
  /** Set when a connect is refused (e.g. TOKEN_EXPIRED): the console signs out. */
  refused: string | null;
}

/** When the visitor started waiting for an answer: their oldest message after the last agent reply. */
export function waitingSince(chat: Chat): number | null {
  // From the end back to the last agent reply: only the messages since then count, so a long
  // transcript costs no more than a short one.
  let since: number | null = null;
  for (let i = chat.messages.length - 1; i >= 0; i--) {
    const m = chat.messages[i];
    if (m.kind !== 'text') continue;
    if (m.author === 'agent') break;
    if (m.author === 'visitor') since = m.at;
  }
  return since;
}

/** Longest-waiting first, then the rest by most recent activity. */
export function ordered(chats: Record<string, Chat>): Chat[] {
  // Each chat's keys once, not once per comparison.
  const keyed = Object.values(chats).map((chat) => ({
    chat,
    waiting: waitingSince(chat),
    active: chat.messages.at(-1)?.at ?? chat.view.openedAt,
  }));
  keyed.sort((a, b) =>
    a.waiting !== null || b.waiting !== null ? (a.waiting ?? Infinity) - (b.waiting ?? Infinity) : b.active - a.active,
  );
  return keyed.map((k) => k.chat);
}

export type ConsoleSession = ReturnType<typeof createConsoleSession>;

export function createConsoleSession(opts: {
  url: string;
  token: string;
  /** Called for each conversation newly assigned to me (sound, notification). */
  onAssigned?(c: ConversationWithMessages): void;
  newId?(): string;
}) {
  const newId = opts.newId ?? (() => crypto.randomUUID());
  const state: ConsoleState = { connection: 'connecting', me: null, chats: {}, refused: null };
  const listeners = new Set<(s: ConsoleState) => void>();
  let active: string | null = null;
  const flushing = new Set<string>();

  const changed = () => {
    const snapshot = { ...state, chats: { ...state.chats } };
    listeners.forEach((fn) => fn(snapshot));
  };

  const socket: AgentSocket = io(`${opts.url}/agent`, { auth: { token: opts.token }, transports: ['websocket'] });

  async function call<T>(event: string, payload: unknown, timeoutMs = 10_000): Promise<Result<T>> {
    return (socket.timeout(timeoutMs) as any).emitWithAck(event, payload);
  }

  function merge(chat: Chat, incoming: Message[]) {
    let added = 0;
    for (const m of incoming) {
      if (chat.messages.some((x) => x.seq === m.seq)) continue;
      chat.messages.push(m);
      added++;
      if (m.clientId) chat.outbox = chat.outbox.filter((p) => p.clientId !== m.clientId);
      if (m.author === 'visitor' && m.conversationId !== active) chat.unread++;
    }
    if (added) chat.messages.sort((a, b) => a.seq - b.seq);
    return added;
  }

  function upsert(c: ConversationWithMessages): Chat {
    const existing = state.chats[c.conversation.id];
    const chat: Chat = existing
      ? { ...existing, view: c.conversation, messages: [...existing.messages] }
      : { view: c.conversation, messages: [], unread: 0, outbox: [], visitorTyping: false };
    merge(chat, c.messages);
    state.chats[c.conversation.id] = chat;
    return chat;
  }

  async function sync() {
    const since = Object.fromEntries(Object.values(state.chats).map((c) => [c.view.id, c.messages.at(-1)?.seq ?? 0]));
    const r = await call<AgentSession>('session:sync', { since });
    if (!r.ok) return;
    state.me = r.data.me;
    const mine = new Set(r.data.conversations.map((c) => c.conversation.id));
    // Chats that left me while I was away (grace expired, transferred by a lead) go.
    for (const id of Object.keys(state.chats)) if (!mine.has(id)) delete state.chats[id];
    for (const c of r.data.conversations) upsert(c);
    state.connection = 'online';
    changed();
    for (const id of mine) void flush(id);
  }

  async function flush(conversationId: string) {
    if (flushing.has(conversationId)) return;
    flushing.add(conversationId);
    try {
      for (;;) {
        const chat = state.chats[conversationId];
        const p = chat?.outbox.find((x) => x.state === 'sending');
        if (!p || state.connection !== 'online') break;
        let r: Result<{ seq: number; at: number }>;
        try {
          r = await call('message:send', { conversationId, clientId: p.clientId, text: p.text, ...(p.note ? { note: true } : {}) });
        } catch {
          if (socket.connected) p.state = 'failed';
          changed();
          break;
        }
        const current = state.chats[conversationId];
        if (!current) break;
        if (!r.ok) {
          p.state = 'failed';
        } else {
          merge(current, [
            {
              conversationId,
              seq: r.data.seq,
              clientId: p.clientId,
              author: 'agent',
              authorId: state.me?.id ?? null,
              authorName: state.me?.name ?? null,
              kind: p.note ? 'note' : 'text',
              text: p.text,
              at: r.data.at,
            },
          ]);
          current.outbox = current.outbox.filter((x) => x.clientId !== p.clientId);
        }
        state.chats[conversationId] = { ...current };
        changed();
      }
    } finally {
      flushing.delete(conversationId);
    }
  }

  socket.on('connect', () => void sync().catch(() => setTimeout(() => socket.connected && void sync(), 2000)));
  socket.on('disconnect', () => {
    state.connection = 'offline';
    changed();
  });
  socket.on('connect_error', (err: Error & { data?: { code?: string } }) => {
    if (err.data?.code) {
      state.refused = err.data.code;
      socket.disconnect();
    }
    state.connection = 'offline';
    changed();
  });
  socket.on('conversation:assigned', (c) => {
    const isNew = !state.chats[c.conversation.id];
    upsert(c);
    changed();
    if (isNew) opts.onAssigned?.(c);
  });
  socket.on('conversation:removed', ({ conversationId }) => {
    delete state.chats[conversationId];
    changed();
  });
  socket.on('conversation:updated', (view) => {
    const chat = state.chats[view.id];
    if (chat) {
      state.chats[view.id] = { ...chat, view };
      changed();
    }
  });
  socket.on('message', (m) => {
    const chat = state.chats[m.conversationId];
    if (!chat) return;
    const copy = { ...chat, messages: [...chat.messages] };
    if (merge(copy, [m])) {
      if (m.author === 'visitor') copy.visitorTyping = false;
      state.chats[m.conversationId] = copy;
      changed();
    }
  });
  socket.on('typing', ({ conversationId, typing }) => {
    const chat = state.chats[conversationId];
    if (chat) {
      state.chats[conversationId] = { ...chat, visitorTyping: typing };
      changed();
    }
  });
  socket.on('agent:state', (me) => {
    state.me = me;
    changed();
  });

  return {
    get state() {
      return state;
    },
    subscribe(fn: (s: ConsoleState) => void) {
      listeners.add(fn);
      return () => void listeners.delete(fn);
    },
    /** The conversation on screen: its unread count stays at zero. */
    setActive(id: string | null) {
      active = id;
      const chat = id ? state.chats[id] : undefined;
      if (chat?.unread) {
        state.chats[id!] = { ...chat, unread: 0 };
        changed();
      }
    },
    send(conversationId: string, text: string, note: boolean) {
      const chat = state.chats[conversationId];
      const t = text.trim();
      if (!chat || !t) return;
      state.chats[conversationId] = { ...chat, outbox: [...chat.outbox, { clientId: newId(), text: t, note, state: 'sending' }] };
      changed();
      void flush(conversationId);
    },
    retry(conversationId: string, clientId: string) {
      const chat = state.chats[conversationId];
      if (!chat) return;
      state.chats[conversationId] = {
        ...chat,
        outbox: chat.outbox.map((p) => (p.clientId === clientId ? { ...p, state: 'sending' as const } : p)),
      };
      changed();
      void flush(conversationId);
    },
    typing(conversationId: string, typing: boolean) {
      if (socket.connected) socket.emit('typing', { conversationId, typing });
    },
    call,
    disconnect() {
      socket.disconnect();
    },
  };
}
