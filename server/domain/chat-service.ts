/**
 * The chat domain: conversations, messages, routing outcomes and who must hear
 * about them. No Socket.IO, no Redis, no SQL here: the presence pool, the store
 * and the notifier are injected, so the same logic runs embedded or clustered.
 */
import type {
  AgentPresenceView,
  AgentSelf,
  AgentServerToClientEvents,
  AgentSession,
  AgentStatus,
  ConversationView,
  ConversationWithMessages,
  LeadSnapshot,
  Message,
  MessageAck,
  PageContext,
  SystemEvent,
  CloseCategory,
  VisitorConversationState,
  VisitorInfo,
  VisitorServerToClientEvents,
  VisitorSession,
} from '../../shared/protocol';
import type { ChatLimits } from '../config';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import type { PoolChange, PresencePool, AgentPresence } from '../store/presence/types';
import { PoolError } from '../store/presence/types';
import { StoreError, eventMessage } from '../store/sql/chat-store';
import type { AppendResult, ChatStore, ConversationRecord, NewMessage, StoredMessage, UserRecord } from '../store/sql/types';
import type { Clock } from './clock';
import { visitorMessage } from './transcripts';

/** Where domain events go; the transport implements it with Socket.IO rooms (which cross processes). */
export interface Notifier {
  /** To every socket of the visitor; never to socket `except` (the sender, who has the ack). */
  visitor<E extends keyof VisitorServerToClientEvents>(
    to: string | { visitorId: string; except?: string },
    event: E,
    ...args: Parameters<VisitorServerToClientEvents[E]>
  ): void;
  /**
   * Agent-namespace delivery to the union of: the agents named, the leads watching
   * `conversationId`, and all leads when `leads` is set; never to socket `except`.
   */
  agents<E extends keyof AgentServerToClientEvents>(
    to: { agentIds?: string[]; watchersOf?: string; leads?: boolean; except?: string },
    event: E,
    ...args: Parameters<AgentServerToClientEvents[E]>
  ): void;
}

export interface ChatMetrics {
  messageStored(author: Message['author'], kind: Message['kind']): void;
  /** Seconds from routing (or from joining the queue) to the agent being notified. */
  assigned(seconds: number, fromQueue: boolean): void;
  reconciled(repairs: number): void;
}

export interface Actor {
  kind: 'agent' | 'lead';
  id: string;
  /** The socket that acted, so its own echo can be skipped. */
  socketId?: string;
}

export interface ChatServiceDeps {
  store: ChatStore;
  pool: PresencePool;
  notifier: Notifier;
  clock: Clock;
  logger: Logger;
  limits: ChatLimits;
  metrics?: ChatMetrics;
}

export type ChatService = ReturnType<typeof createChatService>;

/** A conversation just opened by this process, with every message it holds so far. */
interface KnownConversation {
  conversation: ConversationRecord;
  visitorName: string | null;
  messages: Message[];
}

const MAX_CACHED = 20_000;
/** Upper bound of "the whole transcript" sent with an assignment, a watch or a sync. */
const FULL_HISTORY = 10_000;
/** Longest User-Agent stored; longer headers are cut. */
const MAX_USER_AGENT = 500;

export function createChatService(deps: ChatServiceDeps) {
  const { store, pool, notifier, clock, limits } = deps;
  const log = deps.logger.child({ module: 'chat' });
  const metrics = deps.metrics;

  // A conversation's visitor never changes: cache it to keep the message path to one store write.
  const visitorOf = new Map<string, string>();
  // The conversation each visitor last had open here. Possibly stale (closed by another process):
  // the append refuses a closed conversation, and only then is the active one looked up.
  const activeOf = new Map<string, string>();
  // Conversations whose first agent reply is already recorded, to skip a write per message.
  const firstResponded = new Set<string>();
  // Display names change rarely; refreshed after a minute.
  const users = new Map<string, { user: UserRecord; at: number }>();
  // When each conversation was routed or requeued, and which ones waited in the queue: for metrics.
  const routedAt = new Map<string, number>();
  const waited = new Set<string>();

  // Bounded caches: the oldest entry goes first; a miss only costs a store read.
  function remember<K, V>(map: Map<K, V>, key: K, value: V) {
    if (map.size >= MAX_CACHED) map.delete(map.keys().next().value as K);
    map.set(key, value);
  }
  function rememberIn<K>(set: Set<K>, key: K) {
    if (set.size >= MAX_CACHED) set.delete(set.values().next().value as K);
    set.add(key);
  }

  async function user(id: string): Promise<UserRecord | null> {
    const hit = users.get(id);
    if (hit && clock.now() - hit.at < 60_000) return hit.user;
    const u = await store.getUser(id);
    if (u) remember(users, id, { user: u, at: clock.now() });
    return u;
  }

  async function agentName(id: string | null): Promise<string | null> {
    if (!id) return null;
    return (await user(id))?.displayName ?? null;
  }

  async function conversationOrThrow(id: string): Promise<ConversationRecord> {
    const c = await store.getConversation(id);
    if (!c) throw new AppError('CONVERSATION_NOT_FOUND');
    remember(visitorOf, c.id, c.visitorId);
    return c;
  }

  async function visitorIdOf(conversationId: string): Promise<string> {
    return visitorOf.get(conversationId) ?? (await conversationOrThrow(conversationId)).visitorId;
  }

  async function toMessage(m: StoredMessage): Promise<Message> {
    return {
      conversationId: m.conversationId,
      seq: m.seq,
      clientId: m.clientId,
      author: m.author,
      authorId: m.authorId,
      authorName: m.author === 'agent' ? await agentName(m.authorId) : null,
      kind: m.kind,
      text: m.text,
      ...(m.event ? { event: m.event } : {}),
      at: m.at,
    };
  }

  async function history(conversationId: string, afterSeq: number, includeNotes: boolean, limit?: number) {
    const rows = await store.messagesAfter(conversationId, afterSeq, { includeNotes, limit });
    return Promise.all(rows.map(toMessage));
  }

  async function conversationView(c: ConversationRecord): Promise<ConversationView> {
    const agentId = c.status === 'closed' ? c.agentId : await pool.assignmentOf(c.id);
    const [name, visitor] = await Promise.all([agentName(agentId), store.getVisitor(c.visitorId)]);
    return {
      id: c.id,
      visitorId: c.visitorId,
      visitorName: visitor?.name ?? null,
      status: c.status === 'closed' ? 'closed' : agentId ? 'open' : 'queued',
      agent: agentId ? { id: agentId, name: name ?? agentId } : null,
      queuePosition: c.status === 'closed' || agentId ? null : await pool.queuePosition(c.id),
      openedAt: c.openedAt,
      firstResponseAt: c.firstResponseAt,
      closedAt: c.closedAt,
      closeCategory: c.closeCategory,
      closeSummary: c.closeSummary,
      lastSeq: c.lastSeq,
    };
  }

  function visitorState(v: ConversationView): VisitorConversationState {
    return { id: v.id, status: v.status, agentName: v.agent?.name ?? null, queuePosition: v.queuePosition };
  }

  /** Records a system event and tells the visitor (all events are visible to them) and the agent side. */
  async function recordEvent(conversationId: string, event: SystemEvent, agentIds: string[] = []) {
    const stored = await store
      .appendMessage(eventMessage(conversationId, event, clock.now()))
      .catch(unlessNotOpen);
    // Closed meanwhile (a close racing a transfer, a requeue, a drain): nothing more to say in it.
    if (!stored) throw new AppError('CONVERSATION_CLOSED');
    return announceEvent(stored.message, agentIds);
  }

  /**
   * A stored system event goes to the visitor (they see every type), the agents named and
   * watching leads; `unseen`: nobody can be watching yet (a conversation this call created).
   */
  async function announceEvent(event: StoredMessage, agentIds: string[] = [], unseen = false) {
    metrics?.messageStored('system', 'event');
    const m = await toMessage(event);
    notifier.visitor(await visitorIdOf(event.conversationId), 'message', visitorMessage(m));
    if (!unseen) notifier.agents({ agentIds, watchersOf: event.conversationId }, 'message', m);
    return m;
  }

  async function agentSelf(agentId: string, presence?: AgentPresence | null): Promise<AgentSelf> {
    const u = await user(agentId);
    if (!u) throw new AppError('AGENT_NOT_FOUND');
    const p = presence ?? (await pool.agent(agentId));
    return {
      id: u.id,
      name: u.displayName,
      email: u.email,
      role: u.role,
      status: p?.status ?? 'offline',
      capacity: p?.capacity ?? u.capacity,
      load: p?.load ?? 0,
    };
  }

  async function presenceView(p: AgentPresence): Promise<AgentPresenceView> {
    return {
      id: p.agentId,
      name: (await agentName(p.agentId)) ?? p.agentId,
      status: p.status,
      capacity: p.capacity,
      load: p.load,
      connected: p.connections > 0,
    };
  }

  async function announceAgent(agentId: string, presence?: AgentPresence | null) {
    const p = presence ?? (await pool.agent(agentId));
    if (!p) return;
    notifier.agents({ agentIds: [agentId] }, 'agent:state', await agentSelf(agentId, p));
    notifier.agents({ leads: true }, 'agent:changed', await presenceView(p));
  }

  // Queue positions: many changes in one burst cause one broadcast.
  let positionsScheduled: Promise<void> | null = null;
  function scheduleQueueBroadcast() {
    positionsScheduled ??= new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => {
        positionsScheduled = null;
        return broadcastQueue();
      })
      .catch((err) => log.error({ err }, 'queue broadcast failed'));
  }

  async function broadcastQueue() {
    const queue = await pool.queue();
    notifier.agents({ leads: true }, 'queue:changed', { queue });
    await Promise.all(
      queue.map(async (conversationId, i) => {
        notifier.visitor(await visitorIdOf(conversationId), 'conversation:state', {
          id: conversationId,
          status: 'queued',
          agentName: null,
          queuePosition: i + 1,
        });
      }),
    );
  }

  /** Leads see every conversation's state change. */
  async function announceConversation(conversationId: string) {
    const c = await store.getConversation(conversationId);
    if (c) notifier.agents({ leads: true }, 'conversation:updated', await conversationView(c));
  }

  /** Makes the outcome of one pool step durable and visible. */
  async function applyChange(
    change: PoolChange,
    reason: 'agent_offline' | 'agent_disconnected' = 'agent_offline',
    known?: KnownConversation,
  ) {
    for (const { conversationId, fromAgentId } of change.requeued) {
      notifier.agents({ agentIds: [fromAgentId] }, 'conversation:removed', { conversationId, reason: 'requeued' });
      const event = await store.assignWithEvent(conversationId, null, { type: 'requeued', fromAgentId, reason }, clock.now());
      // Null: closed meanwhile, and the close releases it from the pool.
      if (event) await announceEvent(event);
      routedAt.set(conversationId, clock.now());
      await announceConversation(conversationId);
    }
    for (const a of change.assigned) {
      await deliverAssignment(a.conversationId, a.agentId, a.conversationId === known?.conversation.id ? known : undefined)
        .catch(unlessClosedMeanwhile);
    }
    const touched = new Set([...change.assigned.map((a) => a.agentId), ...change.requeued.map((r) => r.fromAgentId)]);
    await Promise.all([...touched].map((id) => announceAgent(id)));
    if (change.queueChanged || change.requeued.length) scheduleQueueBroadcast();
  }

  async function deliverAssignment(conversationId: string, agentId: string, known?: KnownConversation) {
    const name = (await agentName(agentId)) ?? agentId;
    const event = await store.assignWithEvent(conversationId, agentId, { type: 'assigned', agentId, agentName: name }, clock.now());
    if (!event) throw new AppError('CONVERSATION_CLOSED');
    const assigned = await announceEvent(event);
    let view: ConversationView;
    let messages: Message[];
    // Known and complete (seqs 1..n, then the assignment): nothing else was written meanwhile.
    if (known && known.messages.every((m, i) => m.seq === i + 1) && assigned.seq === known.messages.length + 1) {
      const c = known.conversation;
      messages = [...known.messages, assigned];
      view = {
        id: c.id,
        visitorId: c.visitorId,
        visitorName: known.visitorName,
        status: 'open',
        agent: { id: agentId, name },
        queuePosition: null,
        openedAt: c.openedAt,
        firstResponseAt: c.firstResponseAt,
        closedAt: null,
        closeCategory: null,
        closeSummary: null,
        lastSeq: assigned.seq,
      };
    } else {
      view = await conversationView(await conversationOrThrow(conversationId));
      messages = await history(conversationId, 0, true, FULL_HISTORY);
    }
    notifier.agents({ agentIds: [agentId] }, 'conversation:assigned', { conversation: view, messages });
    notifier.agents({ leads: true }, 'conversation:updated', view);
    notifier.visitor(view.visitorId, 'conversation:state', visitorState(view));
    const since = routedAt.get(conversationId);
    if (since !== undefined) {
      routedAt.delete(conversationId);
      metrics?.assigned((clock.now() - since) / 1000, waited.delete(conversationId));
    }
  }

  async function routeConversation(conversationId: string, known?: KnownConversation) {
    routedAt.set(conversationId, clock.now());
    const result = await pool.route(conversationId);
    if (result.outcome === 'queued') {
      rememberIn(waited, conversationId);
      await recordEvent(conversationId, { type: 'queued', position: result.position });
      await announceConversation(conversationId);
    }
    await applyChange(result, 'agent_offline', known);
    return result;
  }

  /** A stored visitor message in an existing conversation: to the assignee, watching leads and the visitor's tabs. */
  async function deliverVisitorMessage(visitorId: string, socketId: string | undefined, { message, duplicate }: AppendResult): Promise<MessageAck> {
    const ack: MessageAck = { conversationId: message.conversationId, seq: message.seq, at: message.at, duplicate };
    if (duplicate) return ack;
    metrics?.messageStored('visitor', 'text');
    // Read after the store: an assignment made since then sends the history, which holds this message.
    const agentId = await pool.assignmentOf(message.conversationId);
    const m = await toMessage(message);
    // The visitor's other tabs; the sending one has the ack.
    notifier.visitor({ visitorId, except: socketId }, 'message', visitorMessage(m));
    notifier.agents({ agentIds: agentId ? [agentId] : [], watchersOf: message.conversationId }, 'message', m);
    return ack;
  }

  /**
   * A step of a pool change whose conversation a concurrent close has just ended: the close
   * releases it from the pool right after, so the other steps go on.
   */
  function unlessClosedMeanwhile(err: unknown): undefined {
    if (!(err instanceof AppError && err.code === 'CONVERSATION_CLOSED')) throw err;
  }

  /** The store's answer for a closed (or vanished) conversation: null, to look again. */
  function unlessNotOpen(err: unknown): null {
    if (err instanceof StoreError && err.reason === 'conversation_not_found') return null;
    throw err;
  }

  /**
   * The first message of a conversation, opened with it in one statement; then routing. Its
   * assignment is built from what is known here rather than read back: every row the
   * conversation holds was just written.
   */
  async function openWith(
    visitorId: string,
    socketId: string | undefined,
    clientId: string,
    { conversation, visitorName, opened, message }: NonNullable<Awaited<ReturnType<ChatStore['openConversationWith']>>>,
  ): Promise<MessageAck> {
    remember(visitorOf, conversation.id, visitorId);
    remember(activeOf, visitorId, conversation.id);
    const openedMessage = await announceEvent(opened, [], true);
    if (!message) {
      // A racing re-send stored the text first, elsewhere: route the new conversation anyway.
      await routeConversation(conversation.id);
      const original = await store.findMessageByClientId(visitorId, clientId);
      if (!original) throw new Error(`Message ${clientId} was reported stored but is not`);
      return { conversationId: original.conversationId, seq: original.seq, at: original.at, duplicate: true };
    }
    const first = await toMessage(message);
    await routeConversation(conversation.id, { conversation, visitorName, messages: [openedMessage, first] });
    metrics?.messageStored('visitor', 'text');
    // The agent got the whole history with the assignment; the visitor's other tabs get it here.
    notifier.visitor({ visitorId, except: socketId }, 'message', visitorMessage(first));
    return { conversationId: message.conversationId, seq: message.seq, at: message.at, duplicate: false };
  }

  function textOf(text: string) {
    if (text.length > limits.maxMessageLength) throw new AppError('MESSAGE_TOO_LONG');
    if (!text.trim()) throw new AppError('VALIDATION_FAILED', 'Message text is empty');
    return text;
  }

  return {
    /** Resolves when background work (queue broadcasts) is done; for shutdown. */
    async idle() {
      while (positionsScheduled) await positionsScheduled;
    },

    // ------------------------------------------------------------ visitors

    async visitorSession(visitorId: string, token: string, afterSeq = 0): Promise<VisitorSession> {
      const [c, agents] = await Promise.all([store.findActiveConversation(visitorId), pool.agents()]);
      const agentsAvailable = agents.some((a) => a.status === 'online');
      if (!c) return { visitorId, token, conversation: null, messages: [], agentsAvailable };
      remember(visitorOf, c.id, c.visitorId);
      remember(activeOf, visitorId, c.id);
      const view = await conversationView(c);
      return {
        visitorId,
        token,
        conversation: visitorState(view),
        messages: (await history(c.id, afterSeq, false)).map(visitorMessage),
        agentsAvailable,
      };
    },

    /**
     * Stores a visitor message and delivers it. The first message opens the conversation and
     * routes it; the agent then receives the whole history with the assignment.
     */
    /** `socketId`: the sending socket, which gets the ack rather than a copy of the message. */
    async visitorSend(visitorId: string, p: { clientId: string; text: string }, socketId?: string): Promise<MessageAck> {
      const draft = { clientId: p.clientId, author: 'visitor' as const, authorId: visitorId, kind: 'text' as const, text: textOf(p.text), at: clock.now() };
      // Bounded: each turn means another close raced this send (a visitor's other tab, an agent).
      for (let attempt = 0; attempt < 5; attempt++) {
        let conversationId = activeOf.get(visitorId);
        if (!conversationId) {
          // Most often a new conversation: try opening it with this message, in one statement.
          const opened = await store.openConversationWith(visitorId, draft.at, { clientId: p.clientId, text: draft.text });
          if (opened) return openWith(visitorId, socketId, p.clientId, opened);
          // Refused: an active conversation exists, or this is a re-send (whose conversation may have closed).
          const [active, original] = await Promise.all([
            store.findActiveConversation(visitorId),
            store.findMessageByClientId(visitorId, p.clientId),
          ]);
          if (original) return { conversationId: original.conversationId, seq: original.seq, at: original.at, duplicate: true };
          if (!active) continue; // closed in between: try again
          conversationId = active.id;
          remember(visitorOf, conversationId, visitorId);
          remember(activeOf, visitorId, conversationId);
        }
        // The store refuses a conversation closed since it was seen open: then look again.
        const stored = await store.appendMessage({ conversationId, ...draft }).catch(unlessNotOpen);
        if (stored) return deliverVisitorMessage(visitorId, socketId, stored);
        activeOf.delete(visitorId);
      }
      throw new AppError('CONVERSATION_CLOSED');
    },

    async visitorTyping(visitorId: string, typing: boolean) {
      const c = await store.findActiveConversation(visitorId);
      if (!c) return;
      const agentId = await pool.assignmentOf(c.id);
      notifier.agents({ agentIds: agentId ? [agentId] : [], watchersOf: c.id }, 'typing', {
        conversationId: c.id,
        typing,
      });
    },

    async visitorClose(visitorId: string) {
      const known = activeOf.get(visitorId);
      if (known) {
        // Stale when another process closed it: then look the active one up.
        const closed = await this.close(known, { by: 'visitor', byId: visitorId }).catch(unlessClosedMeanwhile);
        if (closed) return closed;
      }
      const c = await store.findActiveConversation(visitorId);
      if (!c) throw new AppError('NO_CONVERSATION');
      return this.close(c.id, { by: 'visitor', byId: visitorId });
    },

    /** Name and email the shopper gave; a field left out keeps its stored value. */
    async setVisitorProfile(visitorId: string, p: { name?: string; email?: string }) {
      await store.setVisitorProfile(visitorId, p, clock.now());
      return { visitorId };
    },

    /**
     * Replaces the visitor's page context. `userAgent` is the connection's header (never
     * taken from the payload); a missing one keeps the stored value.
     */
    async setVisitorContext(visitorId: string, context: PageContext, userAgent: string | undefined) {
      await store.setVisitorContext(visitorId, context, userAgent ? userAgent.slice(0, MAX_USER_AGENT) : null, clock.now());
      return { visitorId };
    },

    /** Leave-a-message: the text is checked like a chat message; the visitor's context is kept with it. */
    async leaveMessage(visitorId: string, p: { name: string; email: string; text: string }) {
      const text = textOf(p.text);
      const left = await store.addLeftMessage({ visitorId, name: p.name, email: p.email, text, at: clock.now() });
      log.info({ leftMessageId: left.id, visitorId }, 'message left');
      return { id: left.id };
    },

    /** Rates one of the visitor's closed conversations; a new rating replaces the old one. */
    async rateConversation(visitorId: string, p: { conversationId: string; score: number; comment?: string }) {
      const c = await store.getConversation(p.conversationId);
      // Someone else's conversation looks the same as a missing one.
      if (!c || c.visitorId !== visitorId) throw new AppError('CONVERSATION_NOT_FOUND');
      if (c.status !== 'closed') throw new AppError('CONVERSATION_NOT_CLOSED');
      const comment = p.comment?.trim() || null;
      await store.upsertRating({ conversationId: c.id, visitorId, score: p.score, comment, at: clock.now() });
      return { conversationId: c.id, score: p.score };
    },

    // ------------------------------------------------------------ agents

    async agentConnected(agentId: string) {
      const u = await user(agentId);
      const p = await pool.agentConnected(agentId);
      // A new pool (fresh Redis, restart in embedded mode) learns the capacity the lead set.
      if (u && p.capacity !== u.capacity && p.load === 0 && p.status === 'offline') {
        await pool.setAgent(agentId, { capacity: u.capacity });
      }
      await announceAgent(agentId);
    },

    async agentDisconnected(agentId: string) {
      const p = await pool.agentDisconnected(agentId, clock.now() + limits.agentGraceMs);
      if (p.connections === 0 && p.load > 0) {
        const convs = await pool.agentConversations(agentId);
        await Promise.all(convs.map((id) => recordEvent(id, { type: 'agent_disconnected', agentId }).catch(unlessClosedMeanwhile)));
      }
      notifier.agents({ leads: true }, 'agent:changed', await presenceView(p));
    },

    /** Called periodically by every process; the pool makes sure each expiry is handled once. */
    async sweepGrace() {
      const change = await pool.expireGrace(clock.now());
      if (change.expiredAgentIds.length) log.info({ agents: change.expiredAgentIds }, 'grace period expired');
      await applyChange(change, 'agent_disconnected');
      await Promise.all(change.expiredAgentIds.map((id) => announceAgent(id)));
    },

    async reconcile() {
      const repaired = await pool.reconcile();
      metrics?.reconciled(repaired);
      if (repaired) log.warn({ repaired }, 'load counters drifted and were repaired');
      return repaired;
    },

    async agentSession(agentId: string, since: Record<string, number> = {}): Promise<AgentSession> {
      const me = await agentSelf(agentId);
      const ids = await pool.agentConversations(agentId);
      const conversations = await Promise.all(
        ids.map(async (id) => {
          const c = await conversationOrThrow(id);
          return { conversation: await conversationView(c), messages: await history(id, since[id] ?? 0, true, FULL_HISTORY) };
        }),
      );
      return { me, conversations };
    },

    async setStatus(agentId: string, status: AgentStatus): Promise<AgentSelf> {
      const change = await pool.setAgent(agentId, { status });
      await applyChange(change, 'agent_offline');
      await announceAgent(agentId, change.agent);
      return agentSelf(agentId, change.agent);
    },

    async setCapacity(agentId: string, capacity: number): Promise<AgentPresenceView> {
      const u = await store.setUserCapacity(agentId, capacity);
      if (!u) throw new AppError('AGENT_NOT_FOUND');
      users.delete(agentId);
      const change = await pool.setAgent(agentId, { capacity });
      await applyChange(change);
      await announceAgent(agentId, change.agent);
      return presenceView(change.agent);
    },

    /**
     * A deactivated user leaves routing at once: `offline` through the `setStatus` path, so their
     * conversations go back to the front of the queue and drain to colleagues. Signing their
     * sockets out is the transport's part (it knows the rooms).
     */
    async deactivate(agentId: string): Promise<AgentSelf> {
      users.delete(agentId);
      return this.setStatus(agentId, 'offline');
    },

    /** Drops this process's cached copy of a user edited elsewhere (name, role). */
    forgetUser(userId: string) {
      users.delete(userId);
    },

    /** Live presence of every agent the pool knows: the lead snapshot's `agents`, alone. */
    async agentsPresence(): Promise<AgentPresenceView[]> {
      return Promise.all((await pool.agents()).map(presenceView));
    },

    /** Agents may act on conversations assigned to them; leads on any live one. */
    async authorize(actor: Actor, conversationId: string): Promise<string | null> {
      const agentId = await pool.assignmentOf(conversationId);
      if (actor.kind === 'lead') {
        if (agentId) return agentId;
        const c = await store.getConversation(conversationId);
        if (!c) throw new AppError('CONVERSATION_NOT_FOUND');
        if (c.status === 'closed') throw new AppError('CONVERSATION_CLOSED');
        return null;
      }
      if (agentId !== actor.id) throw new AppError(agentId ? 'NOT_ASSIGNED' : 'CONVERSATION_NOT_FOUND');
      return agentId;
    },

    /**
     * `admitted` (the transport's rate limit) is awaited alongside the assignment check, so the
     * two round trips overlap; nothing is stored unless both pass.
     */
    async agentSend(
      actor: Actor,
      p: { conversationId: string; clientId: string; text: string; note?: boolean },
      admitted?: Promise<void>,
    ): Promise<MessageAck> {
      const [access, admission] = await Promise.allSettled([this.authorize(actor, p.conversationId), admitted]);
      // Reported in a fixed order whichever settles first: rate limit, access, then the text.
      if (admission.status === 'rejected') throw admission.reason;
      if (access.status === 'rejected') throw access.reason;
      const agentId = access.value;
      const text = textOf(p.text);
      // A lead who is not the assignee may only add notes (whisper and take-over come later).
      if (actor.kind === 'lead' && agentId !== actor.id && !p.note) throw new AppError('NOT_ASSIGNED');
      const kind = p.note ? 'note' : 'text';
      const stored = await store
        .appendMessage({ conversationId: p.conversationId, clientId: p.clientId, author: 'agent', authorId: actor.id, kind, text, at: clock.now() })
        .catch(unlessNotOpen);
      if (!stored) throw new AppError('CONVERSATION_CLOSED');
      const { message, duplicate } = stored;
      const ack: MessageAck = { conversationId: message.conversationId, seq: message.seq, at: message.at, duplicate };
      if (duplicate) return ack;
      metrics?.messageStored('agent', kind);
      const m = await toMessage(message);
      if (kind === 'text') {
        notifier.visitor(await visitorIdOf(p.conversationId), 'message', visitorMessage(m));
        if (!firstResponded.has(p.conversationId)) {
          await store.markFirstResponse(p.conversationId, message.at);
          rememberIn(firstResponded, p.conversationId);
        }
      }
      notifier.agents({ agentIds: agentId ? [agentId] : [], watchersOf: p.conversationId, except: actor.socketId }, 'message', m);
      return ack;
    },

    async agentTyping(actor: Actor, conversationId: string, typing: boolean) {
      const agentId = await this.authorize(actor, conversationId);
      if (agentId !== actor.id) return; // a watching lead's typing is not shown to the visitor
      notifier.visitor(await visitorIdOf(conversationId), 'typing', { conversationId, typing });
    },

    async conversationHistory(actor: Actor, conversationId: string, afterSeq = 0, limit?: number) {
      if (actor.kind !== 'lead') await this.authorize(actor, conversationId);
      else await conversationOrThrow(conversationId);
      return { messages: await history(conversationId, afterSeq, true, limit) };
    },

    async watch(conversationId: string): Promise<ConversationWithMessages> {
      const c = await conversationOrThrow(conversationId);
      return { conversation: await conversationView(c), messages: await history(conversationId, 0, true, FULL_HISTORY) };
    },

    async transfer(actor: Actor, conversationId: string, toAgentId: string | null, note?: string) {
      await this.authorize(actor, conversationId);
      if (toAgentId && !(await user(toAgentId))) throw new AppError('AGENT_NOT_FOUND');
      let result;
      try {
        result = await pool.transfer(conversationId, toAgentId);
      } catch (err) {
        if (err instanceof PoolError) {
          if (err.reason === 'not_found') throw new AppError('CONVERSATION_NOT_FOUND');
          if (err.reason === 'unknown_agent') throw new AppError('AGENT_NOT_FOUND');
          throw new AppError('AGENT_UNAVAILABLE', err.reason === 'same_agent' ? 'The conversation is already assigned to that agent' : undefined);
        }
        throw err;
      }
      const { fromAgentId } = result;
      if (fromAgentId) {
        notifier.agents({ agentIds: [fromAgentId] }, 'conversation:removed', { conversationId, reason: 'transferred' });
      }
      if (!toAgentId) {
        await store.setAssignment(conversationId, null);
        routedAt.set(conversationId, clock.now());
        // The pool reports it as requeued; the transfer event below already says what happened.
        result = { ...result, requeued: result.requeued.filter((r) => r.conversationId !== conversationId) };
      }
      await recordEvent(conversationId, { type: 'transferred', fromAgentId, toAgentId, ...(note ? { note } : {}) });
      await applyChange(result);
      if (fromAgentId) await announceAgent(fromAgentId);
      if (!toAgentId) await announceConversation(conversationId);
      const to = toAgentId ?? (await pool.assignmentOf(conversationId));
      return { conversationId, agentId: to };
    },

    /** Closes a conversation (agent, lead or visitor) and frees the agent's slot. */
    async close(
      conversationId: string,
      by: { by: 'visitor' | 'agent'; byId: string },
      filing?: { category?: CloseCategory; summary?: string },
    ) {
      // The `closed` event is written with the status, so the transcript always ends with it.
      const result = await store.closeWithEvent(conversationId, by.by, by.byId, clock.now(), filing);
      if (!result) {
        throw new AppError((await store.getConversation(conversationId)) ? 'CONVERSATION_CLOSED' : 'CONVERSATION_NOT_FOUND');
      }
      const { conversation: closed, event } = result;
      const visitorId = closed.visitorId;
      remember(visitorOf, conversationId, visitorId);
      await announceEvent(event, closed.agentId ? [closed.agentId] : []);
      const change = await pool.release(conversationId);
      if (activeOf.get(visitorId) === conversationId) activeOf.delete(visitorId);
      routedAt.delete(conversationId);
      firstResponded.delete(conversationId);
      if (change.agentId) {
        notifier.agents({ agentIds: [change.agentId] }, 'conversation:removed', { conversationId, reason: 'closed' });
      }
      notifier.visitor(visitorId, 'conversation:state', { id: conversationId, status: 'closed', agentName: await agentName(change.agentId), queuePosition: null });
      notifier.agents({ leads: true }, 'conversation:updated', await conversationView(closed));
      await applyChange({ ...change, queueChanged: change.queueChanged || change.agentId === null });
      if (change.agentId) await announceAgent(change.agentId);
      return { conversationId };
    },

    /** The shopper behind a conversation the actor may see: page context and earlier conversations. */
    async visitorInfo(actor: Actor, conversationId: string): Promise<VisitorInfo> {
      if (actor.kind !== 'lead') await this.authorize(actor, conversationId);
      const c = await conversationOrThrow(conversationId);
      const [visitor, past] = await Promise.all([
        store.getVisitor(c.visitorId),
        store.listVisitorConversations(c.visitorId, 21),
      ]);
      const earlier = past.filter((p) => p.id !== c.id).slice(0, 20);
      return {
        id: c.visitorId,
        name: visitor?.name ?? null,
        email: visitor?.email ?? null,
        context: visitor?.context ?? null,
        userAgent: visitor?.userAgent ?? null,
        firstSeenAt: visitor?.createdAt ?? c.openedAt,
        lastSeenAt: visitor?.lastSeenAt ?? c.openedAt,
        pastConversations: await Promise.all(
          earlier.map(async (p) => ({
            id: p.id,
            status: p.status,
            openedAt: p.openedAt,
            closedAt: p.closedAt,
            agentName: await agentName(p.agentId),
          })),
        ),
      };
    },

    /**
     * End of shift: all my conversations go to a colleague (who must be online with room for
     * all of them: checked by each transfer, atomically) or to the front of the queue; then
     * I go offline. I am `away` from the start, so nothing new arrives meanwhile; a transfer
     * refused half-way stops there with its error (what moved stays moved, I stay away).
     */
    async handover(actor: Actor, toAgentId: string | null, note?: string) {
      if (toAgentId === actor.id) throw new AppError('AGENT_UNAVAILABLE', 'Hand over to someone else');
      // Away first: nothing new arrives, and a chat handed to the queue cannot bounce straight back.
      await this.setStatus(actor.id, 'away');
      const handedOver: string[] = [];
      for (const conversationId of await pool.agentConversations(actor.id)) {
        await this.transfer(actor, conversationId, toAgentId, note);
        handedOver.push(conversationId);
      }
      await this.setStatus(actor.id, 'offline');
      return { handedOver, toAgentId };
    },

    async leadSnapshot(): Promise<LeadSnapshot> {
      const [presences, queue, active] = await Promise.all([pool.agents(), pool.queue(), store.listActiveConversations()]);
      return {
        agents: await Promise.all(presences.map(presenceView)),
        queue,
        conversations: await Promise.all(active.map(conversationView)),
      };
    },

    /**
     * Embedded restarts lose the in-process pool: queued conversations go back to the queue in
     * the order they opened, and assigned ones are requeued too (agents are all offline at start).
     */
    async restoreQueue() {
      const active = await store.listActiveConversations();
      const known = new Set(await pool.queue());
      let restored = 0;
      for (const c of active.sort((a, b) => a.openedAt - b.openedAt)) {
        if (known.has(c.id) || (await pool.assignmentOf(c.id))) continue;
        if (c.agentId) await store.setAssignment(c.id, null);
        await routeConversation(c.id);
        restored++;
      }
      if (restored) log.info({ restored }, 'active conversations put back in the queue');
    },
  };
}
