/**
 * The presence pool (a port of the domain; Redis and in-process implementations in
 * server/store/presence/): which agents are online, their capacity and load, which
 * conversation is assigned to whom, and the FIFO queue of waiting ones.
 *
 * Every method is one atomic step against the shared state: in Redis a single
 * Lua script, in the in-process pool a synchronous block. Nothing reads, decides
 * in Node, then writes, so several server processes may share one Redis.
 *
 * Routing rule: among `online` agents with load < capacity, pick the lowest
 * load/capacity ratio; ties go to the agent who least recently received a
 * conversation (a monotonically increasing assignment counter, not a clock).
 *
 * Draining: whenever capacity may have appeared (route, release, status online,
 * capacity raised, transfer to queue), the step then assigns queued
 * conversations head first until the queue is empty or nobody has capacity.
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

export type RouteResult = PoolChange &
  ({ outcome: 'assigned'; agentId: string } | { outcome: 'queued'; position: number });

/**
 * A transfer's outcome. Refusals are values: `not_found` (neither assigned nor queued),
 * `unknown_agent`, `same_agent`, `agent_unavailable` (not online or no free capacity).
 */
export type TransferResult =
  | (PoolChange & { status: 'moved'; fromAgentId: string | null; toAgentId: string | null })
  | { status: 'not_found' | 'agent_unavailable' | 'same_agent' | 'unknown_agent' };

export interface PresencePool {
  /**
   * Create or update an agent. An unknown agent starts `offline` with `defaultCapacity`.
   * Going `offline` requeues all the agent's conversations at the front of the queue (oldest
   * assignment first) and then drains; `online` or a higher capacity drains.
   */
  setAgent(
    agentId: string,
    patch: { status?: AgentStatus; capacity?: number },
  ): Promise<PoolChange & { agent: AgentPresence }>;

  /** A socket of the agent connected: counts it and cancels any grace deadline. Creates the agent if unknown. */
  agentConnected(agentId: string): Promise<AgentPresence>;

  /**
   * A socket of the agent disconnected. When it was the last one, the agent keeps its status and
   * chats until `graceDeadline` (ms since epoch); `expireGrace` then acts.
   */
  agentDisconnected(agentId: string, graceDeadline: number): Promise<AgentPresence>;

  /**
   * For every agent whose grace deadline is <= now and who has no connection: set `offline`,
   * requeue their conversations at the front, drain. Each agent is expired by exactly one caller.
   */
  expireGrace(now: number): Promise<PoolChange & { expiredAgentIds: string[] }>;

  /**
   * Route a conversation. Idempotent: an assigned conversation answers its agent, a queued one
   * its position. A new one joins the tail of the queue, then the queue drains.
   */
  route(conversationId: string): Promise<RouteResult>;

  /** Remove a conversation (closed) from its agent or from the queue, then drain. */
  release(conversationId: string): Promise<PoolChange & { agentId: string | null }>;

  /**
   * Move an assigned conversation to `toAgentId` (must be online with free capacity), or with
   * `null` back to the front of the queue, then drain. Refusals come back as a `status`.
   */
  transfer(conversationId: string, toAgentId: string | null): Promise<TransferResult>;

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

  close(): Promise<void>;
}
