/**
 * Shoppers and agents as the fault suite drives them: socket.io-client sockets that behave
 * like the widget and the console. Each keeps an outbox sent one at a time with its clientId
 * (a lost ack or an error is sent again, same clientId), reconnects to any live process when
 * its own dies (what a load balancer does), and resumes by what it is missing. Every message
 * remembers how it first arrived (live, with an assignment, or only in a resume) so the
 * invariants can tell delivery from recovery.
 */
import { randomUUID } from 'node:crypto';
import { io as connect, type Socket } from 'socket.io-client';
import { contiguousThrough } from '../../shared/client/merge';
import type {
  AgentClientToServerEvents,
  AgentServerToClientEvents,
  Message,
  MessageAck,
  Result,
  VisitorClientToServerEvents,
  VisitorMessage,
  VisitorServerToClientEvents,
} from '../../shared/protocol';

type VisitorSocket = Socket<VisitorServerToClientEvents, VisitorClientToServerEvents>;
type AgentSocket = Socket<AgentServerToClientEvents, AgentClientToServerEvents>;

/**
 * How a message first reached a client: its own ack, a live event, the history of an assignment,
 * the resume after a reconnect, or only the invariant check's as-if-reconnected resume (a
 * client that stayed connected would not have it yet).
 */
export type Source = 'ack' | 'live' | 'assigned' | 'resume' | 'check';
export interface Acked {
  clientId: string;
  text: string;
  conversationId: string;
  seq: number;
}
interface Pending {
  clientId: string;
  text: string;
  conversationId?: string;
}

/** Codes worth sending again with the same clientId: the server or a backend failed, or it was busy. */
const RETRY = new Set(['INTERNAL', 'RATE_LIMITED']);
const ACK_TIMEOUT_MS = 8_000;
/** Between tries after an error ack (a backend down): a client's back-off, not a test's wait. */
const RETRY_PAUSE_MS = 100;
const MAX_CONNECT_TRIES = 100;

/** Live process URLs, for (re)connecting; the suite's process table answers it. */
export type Pick = () => string;

/** Where an agent's resume of a conversation starts: what the console does (shared/client/merge.ts). */
export function resumeFrom(chat: Map<number, unknown>): number {
  return contiguousThrough([...chat.keys()].sort((a, b) => a - b).map((seq) => ({ seq })));
}

abstract class Client<S extends Socket> {
  socket: S | null = null;
  /** How many times this client connected (1 = never had to recover). */
  connects = 0;
  /** Messages acknowledged to this client, by clientId. */
  readonly acked = new Map<string, Acked>();
  /** Sends refused for good (e.g. the conversation moved on), by code. */
  readonly refused: string[] = [];
  /** Error acks that were answered by sending the same clientId again. */
  failures = 0;
  protected outbox: Pending[] = [];
  private flushing = false;
  private closed = false;
  synced = false;

  constructor(protected readonly pick: Pick, private readonly nsp: string) {}

  protected abstract auth(): Record<string, string>;
  protected abstract onConnect(): Promise<void>;
  protected abstract bind(s: S): void;
  protected abstract send(p: Pending): Promise<Result<MessageAck>>;

  get connected() {
    return !!this.socket?.connected;
  }
  get unsent() {
    return this.outbox.length;
  }

  /** Connects to `url`, or to a live process chosen by `pick`, trying again while processes come and go. */
  async connect(url?: string): Promise<void> {
    for (let i = 0; i < MAX_CONNECT_TRIES && !this.closed; i++) {
      const target = i === 0 && url ? url : this.pick();
      try {
        await this.open(target);
        return;
      } catch {
        await new Promise((r) => setTimeout(r, RETRY_PAUSE_MS));
      }
    }
    if (!this.closed) throw new Error('could not reconnect to any process');
  }

  private open(url: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const s = connect(`${url}${this.nsp}`, { auth: this.auth(), transports: ['websocket'], forceNew: true, reconnection: false }) as S;
      s.once('connect_error', (err) => {
        s.close();
        reject(err);
      });
      s.once('connect', () => {
        this.socket = s;
        this.connects++;
        this.synced = false;
        this.bind(s);
        s.on('disconnect', (reason) => {
          this.synced = false;
          if (this.closed || reason === 'io client disconnect') return;
          // Its process went away: reconnect elsewhere, as the browser client would.
          void this.connect().catch(() => {});
        });
        this.onConnect()
          .then(() => {
            this.synced = true;
            void this.flush();
          })
          .then(resolve, (err) => {
            s.disconnect();
            reject(err);
          });
      });
    });
  }

  protected queue(p: Pending) {
    this.outbox.push(p);
    void this.flush();
  }

  /** Sends the outbox in order, one at a time; stops when the connection does (the reconnect resumes it). */
  private async flush() {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.outbox.length && this.connected && this.synced) {
        const p = this.outbox[0];
        let r: Result<MessageAck>;
        try {
          r = await this.send(p);
        } catch {
          continue; // no ack (timeout, disconnect): the same clientId again
        }
        if (r.ok) {
          this.acked.set(p.clientId, { clientId: p.clientId, text: p.text, conversationId: r.data.conversationId, seq: r.data.seq });
          this.outbox.shift();
          this.stored(r.data, p);
        } else if (RETRY.has(r.error.code)) {
          this.failures++;
          await new Promise((res) => setTimeout(res, RETRY_PAUSE_MS));
        } else {
          this.refused.push(r.error.code);
          this.outbox.shift();
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  protected abstract stored(ack: MessageAck, p: Pending): void;

  close() {
    this.closed = true;
    this.socket?.disconnect();
  }
}

/** A shopper: one conversation at a time, like the widget. */
export class FaultVisitor extends Client<VisitorSocket> {
  token?: string;
  visitorId?: string;
  conversationId: string | null = null;
  /** The current conversation's messages by seq, with how each first arrived. */
  readonly received = new Map<number, { m: VisitorMessage; source: Source }>();
  /** Every seq up to this was in a sync reply (resume asks for what is after it). */
  syncedThrough = 0;

  constructor(pick: Pick) {
    super(pick, '/visitor');
  }
  protected auth(): Record<string, string> {
    return this.token ? { token: this.token } : {};
  }
  protected bind(s: VisitorSocket) {
    s.on('message', (m) => this.merge([m], 'live'));
  }
  private merge(ms: VisitorMessage[], source: Source) {
    for (const m of ms) {
      if (this.conversationId && m.conversationId !== this.conversationId) continue;
      this.conversationId ??= m.conversationId;
      if (!this.received.has(m.seq)) this.received.set(m.seq, { m, source });
    }
  }
  protected async onConnect() {
    await this.resume();
  }
  /**
   * `session:sync` for what this visitor is missing. A visitor never sees internal notes, so its
   * seqs have gaps; every seq up to the highest of a sync reply is known (seqs commit in order),
   * and live messages after it may have holes left by a crashed fan-out: ask from there.
   */
  async resume(source: Source = 'resume') {
    const r = await this.socket!.timeout(ACK_TIMEOUT_MS).emitWithAck('session:sync', { afterSeq: this.syncedThrough });
    if (!r.ok) throw new Error(`visitor sync: ${r.error.code}`);
    this.token = r.data.token;
    this.visitorId = r.data.visitorId;
    if (r.data.conversation && r.data.conversation.id !== this.conversationId && this.conversationId) {
      throw new Error(`visitor ${this.visitorId} is in conversation ${r.data.conversation.id}, expected ${this.conversationId}`);
    }
    if (r.data.conversation) this.conversationId = r.data.conversation.id;
    this.merge(r.data.messages, source);
    this.syncedThrough = Math.max(this.syncedThrough, ...r.data.messages.map((m: VisitorMessage) => m.seq));
  }
  protected send(p: Pending) {
    return this.socket!.timeout(ACK_TIMEOUT_MS).emitWithAck('message:send', { clientId: p.clientId, text: p.text });
  }
  protected stored(ack: MessageAck, p: Pending) {
    this.conversationId ??= ack.conversationId;
    if (!this.received.has(ack.seq)) {
      this.received.set(ack.seq, {
        m: { conversationId: ack.conversationId, seq: ack.seq, clientId: p.clientId, author: 'visitor', authorId: this.visitorId ?? null, authorName: null, kind: 'text', text: p.text, at: ack.at },
        source: 'ack',
      });
    }
  }
  /** Queues a message; it is sent (and sent again) until acknowledged. */
  say(text: string) {
    this.queue({ clientId: randomUUID(), text });
  }
  /** True once the visitor has heard it was assigned or queued. */
  get routed() {
    return [...this.received.values()].some(({ m }) => m.event?.type === 'assigned' || m.event?.type === 'queued');
  }
}

/** An agent: online, answers each new conversation once, resumes by what it is missing. */
export class FaultAgent extends Client<AgentSocket> {
  /** Conversations this agent was told are theirs (assigned, or in a sync), with messages by seq. */
  readonly chats = new Map<string, Map<number, { m: Message; source: Source }>>();
  private greeted = new Set<string>();

  constructor(
    pick: Pick,
    readonly id: string,
    private readonly token: string,
  ) {
    super(pick, '/agent');
  }
  protected auth() {
    return { token: this.token };
  }
  protected bind(s: AgentSocket) {
    s.on('conversation:assigned', ({ conversation, messages }) => {
      this.chats.set(conversation.id, this.chats.get(conversation.id) ?? new Map());
      this.merge(conversation.id, messages, 'assigned');
      this.greet(conversation.id);
    });
    s.on('conversation:removed', ({ conversationId }) => void this.chats.delete(conversationId));
    s.on('message', (m) => this.merge(m.conversationId, [m], 'live'));
  }
  private merge(conversationId: string, ms: Message[], source: Source) {
    const chat = this.chats.get(conversationId);
    if (!chat) return;
    for (const m of ms) if (!chat.has(m.seq)) chat.set(m.seq, { m, source });
  }
  private greet(conversationId: string) {
    if (this.greeted.has(conversationId)) return;
    this.greeted.add(conversationId);
    this.queue({ clientId: randomUUID(), text: `Hello from ${this.id.slice(0, 8)}`, conversationId });
  }
  protected async onConnect() {
    await this.resume();
    const r = await this.socket!.timeout(ACK_TIMEOUT_MS).emitWithAck('agent:status', { status: 'online' });
    if (!r.ok) throw new Error(`agent status: ${r.error.code}`);
  }
  /**
   * `session:sync` with, per conversation, the highest seq below which nothing is missing.
   * From the invariant check (`source` 'check'): messages are merged into the conversations I
   * was told about, but a conversation I was never told about stays unknown, as it would on a
   * console that has not reconnected.
   */
  async resume(source: Source = 'resume') {
    const adopt = source !== 'check';
    const since = Object.fromEntries([...this.chats].map(([id, chat]) => [id, resumeFrom(chat)]));
    const r = await this.socket!.timeout(ACK_TIMEOUT_MS).emitWithAck('session:sync', { since });
    if (!r.ok) throw new Error(`agent sync: ${r.error.code}`);
    const mine = new Set(r.data.conversations.map((c: { conversation: { id: string } }) => c.conversation.id));
    if (adopt) for (const id of [...this.chats.keys()]) if (!mine.has(id)) this.chats.delete(id);
    for (const c of r.data.conversations) {
      if (!this.chats.has(c.conversation.id)) {
        if (!adopt) continue;
        this.chats.set(c.conversation.id, new Map());
      }
      this.merge(c.conversation.id, c.messages, source);
      this.greet(c.conversation.id);
    }
  }
  protected send(p: Pending) {
    return this.socket!.timeout(ACK_TIMEOUT_MS).emitWithAck('message:send', { conversationId: p.conversationId!, clientId: p.clientId, text: p.text });
  }
  protected stored(ack: MessageAck, p: Pending) {
    this.merge(ack.conversationId, [{ conversationId: ack.conversationId, seq: ack.seq, clientId: p.clientId, author: 'agent', authorId: this.id, authorName: null, kind: 'text', text: p.text, at: ack.at }], 'ack');
  }
  /** Queues a reply; it is sent (and sent again) until acknowledged. */
  say(conversationId: string, text: string) {
    this.queue({ clientId: randomUUID(), text, conversationId });
  }
  /** Closes a conversation of mine (the suite's clean-up between scenarios). */
  async closeChat(conversationId: string) {
    const r = await this.socket!.timeout(ACK_TIMEOUT_MS).emitWithAck('conversation:close', { conversationId });
    if (!r.ok && r.error.code !== 'CONVERSATION_CLOSED') throw new Error(`close: ${r.error.code}`);
    this.chats.delete(conversationId);
  }
}
