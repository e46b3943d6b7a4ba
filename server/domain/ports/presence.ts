/**
 * The presence pool (a port of the domain; Redis and in-process implementations in
 * server/store/presence/): which agents are online, their capacity and load, which
 * conversation is assigned to whom, and the FIFO queue of waiting ones.
 *
 * Every method is one atomic step against the shared state: in Redis a single
 * Lua script, in the in-process pool a synchronous block. Nothing reads, decides
 * in Node, then writes, so several server processes may share one Redis.
 *
 * Routing rule: among `online` agents with load < capacity and not in grace (an agent with no
 * socket left keeps their chats until the grace deadline but gets no new ones), pick the lowest
 * load/capacity ratio; ties go to the agent who least recently received a
 * conversation (a monotonically increasing assignment counter, not a clock).
 *
 * Queue order: higher priority first; within a priority, first come first served (a
 * conversation handed back by an agent, or sent back by a lead, goes ahead of those of its
 * priority). Departments: an agent belongs to any number; a conversation may wait for one
 * department, and then only its agents take it until its overflow time, after which anyone may.
 *
 * Draining: whenever capacity may have appeared (route, release, status online,
 * capacity raised, transfer to queue), the step then assigns queued conversations in queue
 * order, each to the least-loaded agent it may go to, skipping those nobody may take yet,
 * until the queue is empty or nobody has capacity.
 *
 * Liveness: sockets are counted per server process (`processId`). Each process heartbeats;
 * the heartbeat of a survivor removes the sockets of a process that stopped beating, and
 * its agents left with no socket anywhere enter the grace period. The pool has an `epoch`
 * created by the first heartbeat that finds none: a new epoch means the pool's state is
 * new (first start, embedded restart, Redis came back empty) and must be rebuilt.
 */
import type { AgentStatus } from '../../../shared/protocol';

export interface Assignment {
  conversationId: string;
  agentId: string;
}

export interface Requeued {
  conversationId: string;
  fromAgentId: string;
}

/** What one step changed besides its own result; the caller notifies clients of it. */
export interface PoolChange {
  /** Every assignment made by this step, in order (including the routed conversation itself). */
  assigned: Assignment[];
  /** Conversations taken from an agent and put back at the front of the queue (before draining). */
  requeued: Requeued[];
  /** The queue's membership or order changed: queue positions must be re-broadcast. */
  queueChanged: boolean;
}

export interface AgentPresence {
  agentId: string;
  status: AgentStatus;
  capacity: number;
  /** Open conversations assigned to the agent. */
  load: number;
  /** Live connections (sockets) of the agent across all processes. */
  connections: number;
  /** Milliseconds since the epoch after which a disconnected agent's chats are requeued; null when connected. */
  graceDeadline: number | null;
}

/** What the pool needs to create an agent it does not know (a fresh pool learns them from the store). */
export interface AgentDefaults {
  /** The status the agent last chose (persisted), applied only when the pool creates the agent. */
  status: AgentStatus;
  capacity: number;
  /** The agent's department ids; when given they replace what the pool holds (the store is their source). */
  departments?: string[];
}

/** How a new conversation waits. */
export interface QueueOptions {
  /** Higher goes first. @default 0 */
  priority?: number;
  /** Only this department's agents take it, until `overflowAt`. @default null: any agent */
  department?: string | null;
  /** When the department stops binding it (ms since epoch). */
  overflowAt?: number;
}

/** One agent this process holds sockets of, re-announced after the pool forgot the process. */
export interface AnnouncedAgent extends AgentDefaults {
  agentId: string;
  /** Sockets of the agent in this process (> 0). */
  connections: number;
}

export interface HeartbeatResult {
  /** The pool's current epoch. */
  epoch: string;
  /** This heartbeat created the epoch (none existed): this caller rebuilds queue and assignments. */
  epochCreated: boolean;
  /** The pool knew this process (false on its first beat, after it was declared dead, or when the pool was emptied): re-announce. */
  known: boolean;
  /** Processes this heartbeat declared dead (each is declared by exactly one caller). */
  dead: string[];
  /** Agents of those processes left with no socket anywhere: they entered the grace period. */
  graced: string[];
}

/** Open conversations as the store knows them, in the order they opened. */
export interface RestoredState {
  agents: (AgentDefaults & { agentId: string })[];
  /** `agentId` null: it was queued. Priority and department as `route` takes them. */
  conversations: ({ conversationId: string; agentId: string | null } & QueueOptions)[];
}

export type RouteResult = PoolChange &
  ({ outcome: 'assigned'; agentId: string } | { outcome: 'queued'; position: number });

/**
 * A transfer's outcome. Refusals are values: `not_found` (neither assigned nor queued),
 * `holder_changed` (not held by the `expectedFrom` agent), `unknown_agent`, `same_agent`,
 * `agent_unavailable` (not online, no free capacity, or in grace).
 */
export type TransferResult =
  | (PoolChange & { status: 'moved'; fromAgentId: string | null; toAgentId: string | null })
  | { status: 'not_found' | 'holder_changed' | 'agent_unavailable' | 'same_agent' | 'unknown_agent' };

export interface TransferOptions {
  /**
   * A lead taking a chat over for themself: the target may be `away` too, and its load may pass
   * its capacity; an `offline` one is still refused. @default false
   */
  aboveCapacity?: boolean;
  /** With the queue as target only: it waits for this department's agents from now on, until `overflowAt`. */
  department?: string;
  /** With `department`: when it stops binding the conversation (ms since epoch). */
  overflowAt?: number;
  /**
   * The agent who must still hold the conversation, checked in the same atomic step as the move:
   * whoever decided from an earlier read (the slow-answer re-route, an agent handing their chat on)
   * gets `holder_changed` when someone moved it since. @default no check
   */
  expectedFrom?: string;
}

export interface PresencePool {
  /**
   * Create or update an agent. An unknown agent starts `offline` with `defaultCapacity`.
   * Going `offline` requeues all the agent's conversations at the front of the queue (oldest
   * assignment first) and then drains; `online` or a higher capacity drains.
   */
  setAgent(
    agentId: string,
    patch: { status?: AgentStatus; capacity?: number; departments?: string[] },
  ): Promise<PoolChange & { agent: AgentPresence }>;

  /**
   * A socket of the agent connected in `processId`: counts it and cancels any grace deadline.
   * An unknown agent is created from `defaults` (offline with `defaultCapacity` when not given);
   * created with a status that routes, the queue drains to it.
   */
  agentConnected(agentId: string, processId: string, defaults?: AgentDefaults): Promise<PoolChange & { agent: AgentPresence }>;

  /**
   * A socket of the agent disconnected from `processId` (a process with none counted changes
   * nothing). When no socket is left anywhere, the agent keeps its status and chats until
   * `graceDeadline` (ms since epoch); `expireGrace` then acts.
   */
  agentDisconnected(agentId: string, processId: string, graceDeadline: number): Promise<AgentPresence>;

  /**
   * `processId` is alive at `now`. Creates the epoch if none exists (with `epoch` as its value),
   * and declares dead every other process whose last beat is older than `now - deadAfterMs`:
   * their sockets leave presence, and agents left with none enter grace until `graceDeadline`.
   */
  heartbeat(
    processId: string,
    now: number,
    opts: { deadAfterMs: number; graceDeadline: number; epoch: string },
  ): Promise<HeartbeatResult>;

  /**
   * Replaces the sockets counted for `processId` by `agents` (after the pool forgot the process):
   * unknown agents are created from their defaults, counted ones lose their grace deadline,
   * agents this process no longer holds may enter grace until `graceDeadline`. Then drains.
   */
  announce(processId: string, agents: AnnouncedAgent[], graceDeadline: number): Promise<PoolChange>;

  /**
   * Puts the store's open conversations back into a pool that lost them: each one the pool
   * neither assigns nor queues is assigned to its agent again (created from its defaults; not
   * reported in `assigned`, it already was) unless that agent is offline, else queued at the
   * tail in the given order. Restored agents with no socket enter grace until `graceDeadline`.
   * Then drains (those assignments are reported). `requeued` lists the assignments that went to
   * the queue because their agent is offline.
   */
  restore(state: RestoredState, graceDeadline: number): Promise<PoolChange & { restored: number }>;

  /**
   * A lease: true when `holder` holds `name` until `now + ttlMs` (taken, or renewed by its
   * holder); false while another holder's lease runs. One process runs periodic work at a time.
   */
  acquireLease(name: string, holder: string, now: number, ttlMs: number): Promise<boolean>;

  /**
   * For every agent whose grace deadline is <= now and who has no connection: set `offline`,
   * requeue their conversations at the front, drain. Each agent is expired by exactly one caller.
   */
  expireGrace(now: number): Promise<PoolChange & { expiredAgentIds: string[] }>;

  /**
   * Route a conversation. Idempotent: an assigned conversation answers its agent, a queued one
   * its position (`opts` apply only to a new one). A new one joins the queue behind every
   * conversation of its priority or higher, then the queue drains.
   */
  route(conversationId: string, opts?: QueueOptions): Promise<RouteResult>;

  /**
   * Sets a conversation's priority; a queued one moves to its place among that priority by
   * when it arrived. `found` false: the pool neither assigns nor queues it (nothing changed).
   */
  prioritize(conversationId: string, priority: number): Promise<PoolChange & { found: boolean }>;

  /**
   * Every conversation whose overflow time is <= now may go to any agent from now on; then
   * drains. Each is overflowed by exactly one caller.
   */
  overflow(now: number): Promise<PoolChange & { overflowed: string[] }>;

  /** Remove a conversation (closed) from its agent or from the queue, then drain. */
  release(conversationId: string): Promise<PoolChange & { agentId: string | null }>;

  /**
   * Move an assigned conversation to `toAgentId` (must be online with free capacity), or with
   * `null` back to the front of the queue (ahead of its priority's), then drain (see
   * `TransferOptions`). Refusals come back as a `status`, checked in this order: `not_found`,
   * `holder_changed`, `unknown_agent`, `same_agent`, `agent_unavailable`; a refusal changes nothing.
   */
  transfer(conversationId: string, toAgentId: string | null, opts?: TransferOptions): Promise<TransferResult>;

  /** The agent a conversation is assigned to, or null. One read, on the message hot path. */
  assignmentOf(conversationId: string): Promise<string | null>;

  /** 1-based queue position, or null when not queued. */
  queuePosition(conversationId: string): Promise<number | null>;

  /** Queued conversation ids, head first. */
  queue(): Promise<string[]>;

  agent(agentId: string): Promise<AgentPresence | null>;
  agents(): Promise<AgentPresence[]>;

  /** Conversation ids assigned to the agent, oldest assignment first. */
  agentConversations(agentId: string): Promise<string[]>;

  /**
   * Recompute every agent's load from its assigned conversations and repair counters that
   * drifted. Returns the number of agents repaired (0 when consistent).
   */
  reconcile(): Promise<number>;

  /**
   * Adds `count` assignments made at `now` to the site's tally, kept per minute for `keepMs`
   * (older minutes are dropped): the recent assignment rate behind the estimated wait that
   * queued visitors see. One atomic step; it decides nothing about routing.
   */
  tallyAssignments(count: number, now: number, keepMs: number): Promise<void>;

  /** Assignments tallied in the minute holding `from` (ms since epoch) and every later one. */
  assignmentsSince(from: number): Promise<number>;

  close(): Promise<void>;
}
