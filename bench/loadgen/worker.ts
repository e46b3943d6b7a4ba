/**
 * The load generator: a separate process (forked by the runner, commands over IPC) that plays
 * visitors and agents with socket.io-client against the product, or relay clients against the
 * bare baseline. Both ends of every pair live here, so one clock times each message from its
 * send to its receipt on the other side.
 *
 * Every message text is `<id>:` padded to BODY_BYTES; the id indexes the send times, so a
 * receipt costs one parseInt and two array reads.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';
import { Histogram } from '../lib/histogram';
import type {
  Arrivals,
  ArrivalsResult,
  ClosedLoop,
  Command,
  ConnectProductPairs,
  ConnectRelayPairs,
  FanoutRounds,
  Idle,
  IdleResult,
  MessagePhaseResult,
  OpenLoop,
  QueueRounds,
  Reply,
  RoundsResult,
} from './protocol';

/** Message body size, as in BASELINES.md. */
const BODY_BYTES = 100;
const PAD = 'x'.repeat(BODY_BYTES);
const ACK_TIMEOUT_MS = 20_000;

const now = () => performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const textOf = (id: number) => {
  const head = `${id}:`;
  return head + PAD.slice(head.length);
};

type Side = 0 | 1;

/** A pair of endpoints that can send message `id` from one side to the other. */
interface Link {
  /** 0: A / visitor, 1: B / agent. */
  send(from: Side, id: number): void;
  /** Product: extra traffic (typing) from the visitor side. */
  typing(): void;
  /** A lead watches this conversation (product). */
  watched: boolean;
}

// ------------------------------------------------------------------ message bookkeeping

/** Send times and delivery flags, indexed by message id. */
const tracker = {
  sendAt: new Float64Array(1 << 16),
  delivered: new Uint8Array(1 << 16),
  watched: new Uint8Array(1 << 16),
  next: 0,
  alloc(at: number, watched: boolean): number {
    if (this.next === this.sendAt.length) {
      const grow = <T extends Float64Array | Uint8Array>(a: T): T => {
        const b = new (a.constructor as new (n: number) => T)(a.length * 2);
        b.set(a);
        return b;
      };
      this.sendAt = grow(this.sendAt);
      this.delivered = grow(this.delivered);
      this.watched = grow(this.watched);
    }
    const id = this.next++;
    this.sendAt[id] = at;
    this.watched[id] = watched ? 1 : 0;
    return id;
  },
};

/** The phase being measured; messages with ids below `firstId` belong to earlier phases. */
interface Phase {
  firstId: number;
  /** Latency is recorded from this id on (after the warm-up). */
  measureFromId: number;
  /** Closed loop: deliveries are counted while `counting` is set. */
  counting: boolean;
  countedDeliveries: number;
  sent: number;
  delivered: number;
  duplicates: number;
  acked: number;
  ackErrors: Record<string, number>;
  latency: Histogram;
  ackLatency: Histogram;
  leadExpected: number;
  leadReceived: number;
  /** Closed loop: a delivery triggers a reply from the receiving side. */
  echo: boolean;
}

function newPhase(): Phase {
  return {
    firstId: tracker.next,
    measureFromId: Number.POSITIVE_INFINITY,
    counting: false,
    countedDeliveries: 0,
    sent: 0,
    delivered: 0,
    duplicates: 0,
    acked: 0,
    ackErrors: {},
    latency: new Histogram(),
    ackLatency: new Histogram(),
    leadExpected: 0,
    leadReceived: 0,
    echo: false,
  };
}

let phase = newPhase();
let links: Link[] = [];

/** Allocates an id, sends it on `link` from `from`, and counts it in the phase. */
function sendOn(link: Link, from: Side, at = now()): void {
  const id = tracker.alloc(at, link.watched);
  phase.sent++;
  if (link.watched) phase.leadExpected++;
  link.send(from, id);
}

function delivered(link: Link, to: Side, text: string): void {
  const t = now();
  const id = parseInt(text, 10);
  if (!(id >= 0 && id < tracker.next)) return; // typing filler, or foreign
  if (tracker.delivered[id]) {
    if (id >= phase.firstId) phase.duplicates++;
    return;
  }
  tracker.delivered[id] = 1;
  if (id < phase.firstId) return;
  phase.delivered++;
  if (phase.counting) phase.countedDeliveries++;
  if (id >= phase.measureFromId) phase.latency.recordMs(t - tracker.sendAt[id]);
  if (phase.echo) sendOn(link, to, t);
}

function leadDelivered(text: string): void {
  const id = parseInt(text, 10);
  if (id >= phase.firstId && id < tracker.next && tracker.watched[id]) phase.leadReceived++;
}

function acked(id: number, r: { ok: boolean; error?: { code: string } }): void {
  if (id < phase.firstId) return;
  phase.acked++;
  if (!r.ok) {
    const code = r.error?.code ?? 'UNKNOWN';
    phase.ackErrors[code] = (phase.ackErrors[code] ?? 0) + 1;
  } else if (id >= phase.measureFromId) {
    phase.ackLatency.recordMs(now() - tracker.sendAt[id]);
  }
}

// ------------------------------------------------------------------ sockets

const sockets = new Set<Socket>();

function connect(url: string, auth: Record<string, unknown>, timeoutMs = 20_000): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = io(url, { auth, transports: ['websocket'], forceNew: true, reconnection: false, timeout: timeoutMs });
    sockets.add(s);
    s.once('disconnect', () => sockets.delete(s));
    s.once('connect', () => resolve(s));
    s.once('connect_error', (err) => {
      sockets.delete(s);
      s.close();
      reject(err);
    });
  });
}

async function call<T = any>(s: Socket, event: string, payload: unknown): Promise<T> {
  const r = await s.timeout(ACK_TIMEOUT_MS).emitWithAck(event, payload);
  if (!r.ok) throw new Error(`${event}: ${r.error.code} ${r.error.message}`);
  return r.data as T;
}

/** Runs `fn` over `items` with at most `limit` in flight. */
async function pool<T, R>(items: T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i], i);
      }
    }),
  );
  return out;
}

// ------------------------------------------------------------------ baseline pairs

async function connectRelayPairs(cmd: ConnectRelayPairs): Promise<{ pairs: number }> {
  const made = await pool(Array.from({ length: cmd.pairs }, (_, i) => i), 50, async (i) => {
    const [a, b] = await Promise.all([connect(cmd.urlA, { rooms: [`a${i}`] }), connect(cmd.urlB, { rooms: [`b${i}`] })]);
    const link: Link = {
      watched: false,
      send(from, id) {
        if (from === 0) a.emit('m', { to: `b${i}`, text: textOf(id) });
        else b.emit('m', { to: `a${i}`, text: textOf(id) });
      },
      typing() {
        a.emit('m', { to: `b${i}`, text: 'typing' });
      },
    };
    a.on('m', (p: { text: string }) => delivered(link, 0, p.text));
    b.on('m', (p: { text: string }) => delivered(link, 1, p.text));
    return link;
  });
  links = made;
  return { pairs: made.length };
}

// ------------------------------------------------------------------ product pairs

interface Assignment {
  conversationId: string;
  agent: Socket;
}
/** First-message clientId -> who waits for its assignment. */
const pendingAssignments = new Map<string, (a: Assignment) => void>();
/** conversationId -> link, for agent-side deliveries. */
const linkByConversation = new Map<string, Link>();
let visitorUrl = '';
const poolVisitors: Socket[] = [];

function waitAssignment(clientId: string, timeoutMs = 20_000): Promise<Assignment> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      pendingAssignments.delete(clientId);
      reject(new Error('no assignment'));
    }, timeoutMs);
    pendingAssignments.set(clientId, (a) => {
      clearTimeout(timer);
      resolve(a);
    });
  });
}

async function connectAgent(url: string, token: string): Promise<Socket> {
  const s = await connect(`${url}/agent`, { token });
  s.on('conversation:assigned', ({ conversation, messages }: { conversation: { id: string }; messages: { author: string; kind: string; clientId: string | null }[] }) => {
    const first = messages.find((m) => m.author === 'visitor' && m.kind === 'text');
    const waiter = first?.clientId ? pendingAssignments.get(first.clientId) : undefined;
    if (waiter) {
      pendingAssignments.delete(first!.clientId!);
      waiter({ conversationId: conversation.id, agent: s });
    }
  });
  s.on('message', (m: { conversationId: string; author: string; kind: string; text: string }) => {
    if (m.author !== 'visitor' || m.kind !== 'text') return;
    const link = linkByConversation.get(m.conversationId);
    if (link) delivered(link, 1, m.text);
  });
  await call(s, 'session:sync', {});
  await call(s, 'agent:status', { status: 'online' });
  return s;
}

async function connectVisitor(url: string): Promise<Socket> {
  const s = await connect(`${url}/visitor`, {});
  await call(s, 'session:sync', {});
  return s;
}

/** Opens a conversation from `visitor` and waits until an agent has it. */
async function openConversation(visitor: Socket, text = 'Hello, I need help'): Promise<Assignment> {
  const clientId = `open-${randomUUID()}`;
  const assigned = waitAssignment(clientId);
  await call(visitor, 'message:send', { clientId, text });
  return assigned;
}

async function connectProductPairs(cmd: ConnectProductPairs): Promise<{ pairs: number; watched: number; poolVisitors: number }> {
  visitorUrl = cmd.visitorUrl;
  await pool(cmd.agentTokens, 20, (t) => connectAgent(cmd.agentUrl, t));
  const lead = cmd.leadToken ? await connect(`${cmd.agentUrl}/agent`, { token: cmd.leadToken }) : undefined;
  if (lead) {
    await call(lead, 'session:sync', {});
    lead.on('message', (m: { kind: string; text: string }) => {
      if (m.kind === 'text') leadDelivered(m.text);
    });
  }
  const made = await pool(Array.from({ length: cmd.pairs }, (_, i) => i), 20, async () => {
    const visitor = await connectVisitor(cmd.visitorUrl);
    const { conversationId, agent } = await openConversation(visitor);
    const link: Link = {
      watched: false,
      send(from, id) {
        const clientId = `m${id}`;
        if (from === 0) visitor.emit('message:send', { clientId, text: textOf(id) }, (r: any) => acked(id, r));
        else agent.emit('message:send', { conversationId, clientId, text: textOf(id) }, (r: any) => acked(id, r));
      },
      typing() {
        visitor.emit('typing', { typing: true });
      },
    };
    visitor.on('message', (m: { author: string; kind: string; text: string }) => {
      if (m.author === 'agent' && m.kind === 'text') delivered(link, 0, m.text);
    });
    linkByConversation.set(conversationId, link);
    return { link, conversationId };
  });
  const watch = lead ? Math.round(made.length * (cmd.watchFraction ?? 0)) : 0;
  for (let i = 0; i < watch; i++) {
    // Spread the watched conversations evenly over the pairs.
    const m = made[Math.floor((i * made.length) / watch)];
    await call(lead!, 'conversation:watch', { conversationId: m.conversationId });
    m.link.watched = true;
  }
  links = made.map((m) => m.link);
  const extra = await pool(Array.from({ length: cmd.poolVisitors ?? 0 }), 50, () => connectVisitor(cmd.visitorUrl));
  poolVisitors.push(...extra);
  return { pairs: links.length, watched: watch, poolVisitors: poolVisitors.length };
}

// ------------------------------------------------------------------ phases

function cpuMeter() {
  const cpu0 = process.cpuUsage();
  const t0 = now();
  return () => {
    const d = process.cpuUsage(cpu0);
    return { cores: (d.user + d.system) / 1000 / Math.max(1, now() - t0) };
  };
}

/** Waits until every message of the phase is delivered and acked, or `ms` passed. */
async function drain(ms: number, product: boolean): Promise<void> {
  const end = now() + ms;
  while (now() < end && (phase.delivered < phase.sent || (product && phase.acked < phase.sent))) await sleep(20);
}

function phaseResult(durationMs: number, deliveredPerSec: number, product: boolean, loadgen: { cores: number }): MessagePhaseResult {
  const ackErrors = { ...phase.ackErrors };
  if (product && phase.acked < phase.sent) ackErrors.NO_ACK = phase.sent - phase.acked;
  return {
    durationMs,
    sent: phase.sent,
    delivered: phase.delivered,
    deliveredPerSec,
    lost: phase.sent - phase.delivered,
    duplicates: phase.duplicates,
    ackErrors,
    latency: phase.latency.toJSON(),
    ...(product ? { ackLatency: phase.ackLatency.toJSON() } : {}),
    ...(product && phase.leadExpected ? { lead: { expected: phase.leadExpected, received: phase.leadReceived } } : {}),
    loadgen,
  };
}

const isProduct = () => linkByConversation.size > 0;

/**
 * Calls `fn(k, scheduledAt)` for k = 0..total-1 at `rate` per second, from `start` on, until
 * `fn` returns false.
 */
function paced(rate: number, durationMs: number, start: number, fn: (k: number, at: number) => boolean | void): Promise<void> {
  const total = Math.floor((rate * durationMs) / 1000);
  const interval = 1000 / rate;
  let k = 0;
  return new Promise((resolve) => {
    const tick = () => {
      const t = now();
      while (k < total && start + k * interval <= t) {
        if (fn(k, start + k * interval) === false) k = total;
        else k++;
      }
      if (k >= total) resolve();
      else setTimeout(tick, Math.max(0, Math.min(5, start + k * interval - now())));
    };
    setTimeout(tick, Math.max(0, start - now()));
  });
}

interface ChurnStats {
  started: number;
  assigned: number;
  closed: number;
  errors: number;
  assignLatency: Histogram;
}

/** One conversation start to finish from a new visitor: connect, write, be assigned, close, leave. */
async function churnOne(stats: ChurnStats): Promise<void> {
  stats.started++;
  let visitor: Socket | undefined;
  try {
    visitor = await connectVisitor(visitorUrl);
    const clientId = `churn-${randomUUID()}`;
    const t0 = now();
    const assigned = waitAssignment(clientId);
    await call(visitor, 'message:send', { clientId, text: 'A new question' });
    await assigned;
    stats.assignLatency.recordMs(now() - t0);
    stats.assigned++;
    await call(visitor, 'conversation:close', {});
    stats.closed++;
  } catch {
    stats.errors++;
  } finally {
    visitor?.disconnect();
  }
}

async function openLoop(cmd: OpenLoop): Promise<MessagePhaseResult> {
  const product = isProduct();
  phase = newPhase();
  const meter = cpuMeter();
  const start = now() + 10;
  const warmupUntil = start + (cmd.warmupMs ?? 0);
  const L = links.length;
  const churn: ChurnStats = { started: 0, assigned: 0, closed: 0, errors: 0, assignLatency: new Histogram() };
  const churns: Promise<void>[] = [];
  const extras: Promise<void>[] = [];
  if (cmd.typingRate) {
    extras.push(paced(cmd.typingRate, cmd.durationMs, start, (k) => links[(k * 7) % L].typing()));
  }
  if (cmd.churnRate && product) {
    extras.push(paced(cmd.churnRate, cmd.durationMs, start, () => void churns.push(churnOne(churn))));
  }
  const maxOutstanding = cmd.maxOutstanding ?? Number.POSITIVE_INFINITY;
  let abortedAt: number | undefined;
  await paced(cmd.rate, cmd.durationMs, start, (k, at) => {
    if (phase.sent - phase.delivered > maxOutstanding) {
      abortedAt = now();
      // Overloaded during the warm-up: time the backlog's deliveries rather than nothing.
      if (phase.measureFromId === Number.POSITIVE_INFINITY) phase.measureFromId = phase.firstId;
      return false;
    }
    if (at >= warmupUntil && phase.measureFromId === Number.POSITIVE_INFINITY) phase.measureFromId = tracker.next;
    sendOn(links[k % L], (Math.floor(k / L) % 2) as Side, at);
  });
  const sendMs = (abortedAt ?? now()) - start;
  const deliveredWhileSending = phase.delivered;
  await Promise.all(extras);
  await drain(cmd.drainMs ?? 3000, product);
  await Promise.all(churns);
  const loadgen = meter();
  const result = phaseResult(cmd.durationMs, deliveredWhileSending / (sendMs / 1000), product, loadgen);
  result.offeredRate = cmd.rate;
  if (abortedAt !== undefined) result.abortedAfterMs = sendMs;
  if (cmd.churnRate && product) result.churn = { ...churn, assignLatency: churn.assignLatency.toJSON() };
  return result;
}

async function closedLoop(cmd: ClosedLoop): Promise<MessagePhaseResult> {
  const product = isProduct();
  phase = newPhase();
  phase.echo = true;
  const meter = cpuMeter();
  // Half the window each way, so both directions carry the same load.
  for (const link of links) for (let w = 0; w < cmd.window; w++) sendOn(link, (w % 2) as Side);
  await sleep(cmd.warmupMs);
  phase.measureFromId = tracker.next;
  phase.counting = true;
  const t0 = now();
  await sleep(cmd.durationMs);
  phase.counting = false;
  const elapsed = now() - t0;
  phase.echo = false;
  const loadgen = meter();
  await drain(cmd.drainMs ?? 3000, product);
  const result = phaseResult(elapsed, phase.countedDeliveries / (elapsed / 1000), product, loadgen);
  result.window = cmd.window;
  return result;
}

async function arrivals(cmd: Arrivals): Promise<ArrivalsResult> {
  const meter = cpuMeter();
  const free = [...poolVisitors];
  const latency = new Histogram();
  const errors: Record<string, number> = {};
  let started = 0;
  let assignedCount = 0;
  let starved = 0;
  const inFlight: Promise<void>[] = [];
  const fail = (err: unknown) => {
    const code = String((err as Error)?.message ?? err).split(' ')[0];
    errors[code] = (errors[code] ?? 0) + 1;
  };
  await paced(cmd.rate, cmd.durationMs, now() + 10, (_k, at) => {
    const visitor = free.pop();
    if (!visitor) {
      starved++;
      return;
    }
    started++;
    const clientId = `arr-${randomUUID()}`;
    const assigned = waitAssignment(clientId).then(() => {
      latency.recordMs(now() - at);
      assignedCount++;
    });
    const sent = call(visitor, 'message:send', { clientId, text: 'I have a question about my order' });
    inFlight.push(
      Promise.all([assigned, sent])
        .then(() => call(visitor, 'conversation:close', {}))
        .then(
          () => void free.push(visitor),
          (err) => fail(err),
        ),
    );
  });
  await Promise.race([Promise.all(inFlight), sleep(cmd.drainMs ?? 5000)]);
  return { rate: cmd.rate, durationMs: cmd.durationMs, started, assigned: assignedCount, starved, errors, latency: latency.toJSON(), loadgen: meter() };
}

/** One measured round: one event expected per receiver, each timed from `t0`. */
interface Round {
  t0: number;
  expect: Set<Socket>;
  got: Set<Socket>;
  maxMs: number;
  done: () => void;
}

/** Records `receiver`'s first event of the round; resolves the round when everyone has one. */
function roundEvent(round: Round | null, receiver: Socket, latency: Histogram): void {
  if (!round || !round.expect.has(receiver) || round.got.has(receiver)) return;
  round.got.add(receiver);
  const ms = now() - round.t0;
  latency.recordMs(ms);
  round.maxMs = Math.max(round.maxMs, ms);
  if (round.got.size === round.expect.size) round.done();
}

/** Runs one round: `trigger` at t0, then waits for every expected receiver (3 s at most). */
async function runRound(expect: Set<Socket>, set: (r: Round | null) => void, trigger: () => void): Promise<Round> {
  let round!: Round;
  const finished = new Promise<void>((resolve) => {
    round = { t0: now(), expect: new Set(expect), got: new Set(), maxMs: 0, done: resolve };
  });
  set(round);
  trigger();
  await Promise.race([finished, sleep(3000)]);
  set(null);
  return round;
}

async function queueRounds(cmd: QueueRounds): Promise<RoundsResult> {
  const latency = new Histogram();
  let round: Round | null = null;
  // Every visitor's last known state: the queued ones are those a freed slot must reach.
  const queued = new Set<Socket>();
  const track = (v: Socket) => {
    v.on('conversation:state', (s: { status: string }) => {
      if (s.status === 'queued') queued.add(v);
      else queued.delete(v);
      roundEvent(round, v, latency);
    });
    return v;
  };
  // Fill every agent: each filler's conversation is assigned (or, if some slot was taken, queued).
  const fillers: Assignment[] = [];
  await pool(Array.from({ length: cmd.slots }), 20, async () => {
    const v = track(await connectVisitor(cmd.visitorUrl));
    const a = await openConversation(v).catch(() => null);
    if (a) fillers.push(a);
  });
  // Then queue the waiting visitors, one after the other.
  const waiters = await pool(Array.from({ length: cmd.waiting }), 20, async () => track(await connectVisitor(cmd.visitorUrl)));
  for (const w of waiters) await call(w, 'message:send', { clientId: `wait-${randomUUID()}`, text: 'Anyone there?' });
  const settle = now() + 10_000;
  while (queued.size < waiters.length && now() < settle) await sleep(20);
  await sleep(200);

  const roundMaxMs: number[] = [];
  let missed = 0;
  for (let i = 0; i < cmd.rounds && i < fillers.length && queued.size > 0; i++) {
    await sleep(150);
    const f = fillers[i];
    const r = await runRound(queued, (x) => (round = x), () => f.agent.emit('conversation:close', { conversationId: f.conversationId }, () => {}));
    roundMaxMs.push(r.maxMs);
    missed += r.expect.size - r.got.size;
  }
  return { rounds: roundMaxMs.length, receivers: cmd.waiting, latency: latency.toJSON(), roundMaxMs, missed };
}

async function fanoutRounds(cmd: FanoutRounds): Promise<RoundsResult> {
  const sender = await connect(cmd.url, { rooms: [] });
  const latency = new Histogram();
  let round: Round | null = null;
  const receivers = await pool(Array.from({ length: cmd.receivers }), 50, async () => {
    const r = await connect(cmd.url, { rooms: ['fan'] });
    r.on('m', () => roundEvent(round, r, latency));
    return r;
  });
  const all = new Set(receivers);
  const roundMaxMs: number[] = [];
  let missed = 0;
  for (let i = 0; i < cmd.rounds; i++) {
    await sleep(150);
    const r = await runRound(all, (x) => (round = x), () => sender.emit('m', { to: 'fan', text: `round ${i}` }));
    roundMaxMs.push(r.maxMs);
    missed += r.expect.size - r.got.size;
  }
  return { rounds: roundMaxMs.length, receivers: receivers.length, latency: latency.toJSON(), roundMaxMs, missed };
}

async function idle(cmd: Idle): Promise<IdleResult> {
  const t0 = now();
  const deadline = t0 + cmd.timeoutMs;
  let connected = 0;
  let failed = 0;
  let firstError: string | undefined;
  await pool(Array.from({ length: cmd.count }, (_, i) => i), cmd.concurrency, async (i) => {
    if (now() > deadline) return;
    try {
      if (cmd.kind === 'product') await connectVisitor(cmd.url);
      else await connect(cmd.url, { rooms: [`idle${i}`] });
      connected++;
    } catch (err) {
      failed++;
      firstError ??= (err as Error).message;
    }
  });
  const elapsedMs = now() - t0;
  return { connected, failed, firstError, connectPerSec: connected / (elapsedMs / 1000), elapsedMs };
}

async function disconnectAll(): Promise<{ closed: number }> {
  const n = sockets.size;
  for (const s of [...sockets]) s.disconnect();
  sockets.clear();
  links = [];
  linkByConversation.clear();
  pendingAssignments.clear();
  poolVisitors.length = 0;
  return { closed: n };
}

// ------------------------------------------------------------------ IPC

async function handle(cmd: Command): Promise<unknown> {
  switch (cmd.type) {
    case 'connect-relay-pairs':
      return connectRelayPairs(cmd);
    case 'connect-product-pairs':
      return connectProductPairs(cmd);
    case 'open-loop':
      return openLoop(cmd);
    case 'closed-loop':
      return closedLoop(cmd);
    case 'arrivals':
      return arrivals(cmd);
    case 'queue-rounds':
      return queueRounds(cmd);
    case 'fanout-rounds':
      return fanoutRounds(cmd);
    case 'idle':
      return idle(cmd);
    case 'disconnect-all':
      return disconnectAll();
  }
}

process.on('message', (cmd: Command) => {
  handle(cmd).then(
    (data) => process.send!({ type: 'reply', id: cmd.id, ok: true, data } satisfies Reply),
    (err: unknown) => process.send!({ type: 'reply', id: cmd.id, ok: false, error: err instanceof Error ? err.stack ?? err.message : String(err) } satisfies Reply),
  );
});
process.on('disconnect', () => process.exit(0));
