/**
 * What the runner and a load-generator process say to each other over the IPC channel:
 * commands are a discriminated union on `type`; every command is answered by one
 * `Reply` carrying the same `id`.
 */
import type { HistogramData } from '../lib/histogram';

/** Baseline clients: A on `urlA`, B on `urlB` (the same URL for one process), relaying to each other. */
export interface ConnectRelayPairs {
  type: 'connect-relay-pairs';
  urlA: string;
  urlB: string;
  pairs: number;
}

/**
 * Product clients: agents connect to `agentUrl` and go online, then `pairs` visitors on
 * `visitorUrl` each open a conversation, which routing gives to an agent. A lead watches a
 * fraction of the conversations.
 */
export interface ConnectProductPairs {
  type: 'connect-product-pairs';
  visitorUrl: string;
  agentUrl: string;
  agentTokens: string[];
  leadToken?: string;
  /** Fraction of conversations the lead watches. @default 0 */
  watchFraction?: number;
  pairs: number;
  /** Extra visitors kept connected for `arrivals` (product only). @default 0 */
  poolVisitors?: number;
}

/** Messages at a fixed offered rate, half each way, spread evenly over the pairs. */
export interface OpenLoop {
  type: 'open-loop';
  /** Messages per second offered (both directions together). */
  rate: number;
  durationMs: number;
  /** Samples of the first `warmupMs` are not recorded. @default 0 */
  warmupMs?: number;
  /** Typing indicators per second, visitor to agent (not measured). @default 0 */
  typingRate?: number;
  /** New conversations per second, each from a newly connected visitor who closes it and leaves (product only). @default 0 */
  churnRate?: number;
  /** How long to wait for stragglers before counting them lost. @default 3000 */
  drainMs?: number;
  /**
   * Stop offering load once this many messages are sent but not delivered: the server is
   * overloaded, and a longer backlog would only spill into the next phase. @default no limit
   */
  maxOutstanding?: number;
}

/** Saturation: each pair keeps `window` messages in flight; a delivery triggers a reply. */
export interface ClosedLoop {
  type: 'closed-loop';
  window: number;
  durationMs: number;
  warmupMs: number;
  drainMs?: number;
}

/** New conversations at a fixed rate from pre-connected visitors; each is closed once assigned (product). */
export interface Arrivals {
  type: 'arrivals';
  rate: number;
  durationMs: number;
  drainMs?: number;
}

/**
 * Every agent full and `waiting` visitors queued; then `rounds` times an agent closes a
 * conversation and the time until each waiting visitor hears its new state is measured (product).
 */
export interface QueueRounds {
  type: 'queue-rounds';
  visitorUrl: string;
  /** Total agent capacity: how many conversations fill every agent. */
  slots: number;
  waiting: number;
  rounds: number;
}

/** Baseline for QueueRounds: one emit fanned out by the relay to `receivers` clients in one room. */
export interface FanoutRounds {
  type: 'fanout-rounds';
  url: string;
  receivers: number;
  rounds: number;
}

/** Idle connections held open: baseline (`/`, join one room) or product visitors (`/visitor` + session:sync). */
export interface Idle {
  type: 'idle';
  url: string;
  kind: 'baseline' | 'product';
  count: number;
  /** Connects in flight at once. */
  concurrency: number;
  /** Give up after this long. */
  timeoutMs: number;
}

export interface DisconnectAll {
  type: 'disconnect-all';
}

/** A command as the runner writes it; `Command` adds the id the reply will carry. */
export type CommandBody =
  | ConnectRelayPairs
  | ConnectProductPairs
  | OpenLoop
  | ClosedLoop
  | Arrivals
  | QueueRounds
  | FanoutRounds
  | Idle
  | DisconnectAll;

export type Command = CommandBody & { id: number };

/** CPU the load generator itself used during a phase, to tell whether it was the bottleneck. */
export interface LoadgenCpu {
  /** CPU time / wall time; 1 = one core busy. */
  cores: number;
}

export interface MessagePhaseResult {
  offeredRate?: number;
  /** Open loop: load stopped early because `maxOutstanding` was reached (overloaded). */
  abortedAfterMs?: number;
  window?: number;
  durationMs: number;
  sent: number;
  delivered: number;
  /** Deliveries per second while load was offered (closed loop: over the measured window). */
  deliveredPerSec: number;
  /** Sent but never delivered within the drain time. */
  lost: number;
  duplicates: number;
  /** Product: acks that were errors, by code; missing acks count as `NO_ACK`. */
  ackErrors: Record<string, number>;
  /** End-to-end: send (scheduled time, for open loop) to receipt on the other side. */
  latency: HistogramData;
  /** Product: send to ack. */
  ackLatency?: HistogramData;
  /** Product: lead deliveries expected (watched conversations) and received. */
  lead?: { expected: number; received: number };
  /** Product: churned conversations (open-loop `churnRate`). */
  churn?: { started: number; assigned: number; closed: number; errors: number; assignLatency: HistogramData };
  loadgen: LoadgenCpu;
}

export interface ArrivalsResult {
  rate: number;
  durationMs: number;
  started: number;
  assigned: number;
  /** Arrivals skipped because every pool visitor was still busy. */
  starved: number;
  errors: Record<string, number>;
  latency: HistogramData;
  loadgen: LoadgenCpu;
}

export interface RoundsResult {
  rounds: number;
  receivers: number;
  /** Every receiver's delay in every round. */
  latency: HistogramData;
  /** Per round, the slowest receiver's delay (ms). */
  roundMaxMs: number[];
  missed: number;
}

export interface IdleResult {
  connected: number;
  failed: number;
  firstError?: string;
  connectPerSec: number;
  elapsedMs: number;
}

export type Reply = { type: 'reply'; id: number } & ({ ok: true; data: unknown } | { ok: false; error: string });
