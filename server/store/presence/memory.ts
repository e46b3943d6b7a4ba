/**
 * In-process presence pool for the embedded (single process) mode. Each method runs as one
 * synchronous block before resolving, so it is atomic like the Redis scripts, whose
 * decisions it mirrors step for step (same tie-breaks, same PoolChange): the conformance
 * suite runs against both.
 */
import type { AgentStatus } from '../../../shared/protocol';
import type {
  AgentDefaults,
  AgentPresence,
  QueueOptions,
  Assignment,
  PoolChange,
  PresencePool,
  Requeued,
  RouteResult,
  TransferResult,
} from '../../domain/ports/presence';

const MINUTE_MS = 60_000;

export interface MemoryPresencePoolOptions {
  /** Capacity of an agent the pool has not seen before. */
  defaultCapacity: number;
}

interface Agent {
  id: string;
  status: AgentStatus;
  capacity: number;
  /** Kept as a counter (like the Redis hash) so reconcile() has something to check. */
  load: number;
  /** Counter value of the latest assignment; 0 = never assigned. */
  last: number;
  conns: number;
  deadline: number | null;
  /** Conversation -> assignment counter; insertion order is assignment order. */
  convs: Map<string, number>;
  departments: Set<string>;
}

/** A routed conversation until it is released (the Redis `conv:<id>` hash). */
interface Waiting {
  priority: number;
  /** Its place within its priority: tail arrivals count up, returns to the front count down. */
  at: number;
  /** The department it waits for; null = any agent. */
  department: string | null;
}

/** What one step changed; `pushed` are conversations this step put in the queue. */
class Step {
  assigned: Assignment[] = [];
  requeued: Requeued[] = [];
  pushed = new Set<string>();
  queueChanged = false;

  change(): PoolChange {
    return { assigned: this.assigned, requeued: this.requeued, queueChanged: this.queueChanged || this.pushed.size > 0 };
  }
}

export function createMemoryPresencePool(opts: MemoryPresencePoolOptions): PresencePool {
  const agents = new Map<string, Agent>();
  const assignment = new Map<string, string>();
  /** Kept in queue order: higher priority first, then lower `at`. */
  let queue: string[] = [];
  let seq = 0;
  let qseq = 0;
  const waiting = new Map<string, Waiting>();
  /** Conversation -> when its department stops binding it. */
  const overflowAt = new Map<string, number>();
  /** Process id -> its sockets per agent; and each process's last heartbeat. */
  const held = new Map<string, Map<string, number>>();
  const beats = new Map<string, number>();
  let epoch: string | null = null;
  const leases = new Map<string, { holder: string; until: number }>();
  /** Minute (floor(ms / 60000)) -> assignments tallied in it; as the Redis hash of presence-tally-1.lua. */
  const tally = new Map<number, number>();

  const view = (a: Agent): AgentPresence => ({
    agentId: a.id,
    status: a.status,
    capacity: a.capacity,
    load: a.load,
    connections: a.conns,
    graceDeadline: a.deadline,
  });

  function ensure(id: string, defaults?: AgentDefaults): Agent {
    let a = agents.get(id);
    if (!a) {
      const { status, capacity } = defaults ?? { status: 'offline', capacity: opts.defaultCapacity };
      a = { id, status, capacity, load: 0, last: 0, conns: 0, deadline: null, convs: new Map(), departments: new Set() };
      agents.set(id, a);
    }
    return a;
  }

  /** No socket left, not offline, not already in grace: grace until `deadline`. True when started. */
  function startGrace(a: Agent, deadline: number): boolean {
    if (a.conns > 0 || a.status === 'offline' || a.deadline !== null) return false;
    a.deadline = deadline;
    return true;
  }

  const heldBy = (pid: string) => held.get(pid) ?? held.set(pid, new Map()).get(pid)!;

  /** Every socket counted for the process leaves presence; returns the agents that entered grace. */
  function dropProcess(pid: string, deadline: number): string[] {
    const counts = held.get(pid);
    held.delete(pid);
    const graced: string[] = [];
    for (const [id, n] of counts ?? []) {
      const a = agents.get(id);
      if (!a) continue;
      a.conns = Math.max(a.conns - n, 0);
      if (startGrace(a, deadline)) graced.push(id);
    }
    return graced;
  }

  /** Takes new conversations: online with free capacity and not in grace (no socket left anywhere). */
  const available = (a: Agent) => a.status === 'online' && a.load < a.capacity && a.deadline === null;

  /** Lowest load/capacity (compared exactly by cross-multiplying), then lowest `last`, then id; of `department` when given. */
  function pick(department: string | null = null): Agent | undefined {
    let best: Agent | undefined;
    for (const a of agents.values()) {
      if (!available(a) || (department !== null && !a.departments.has(department))) continue;
      const cmp = best ? a.load * best.capacity - best.load * a.capacity || a.last - best.last : -1;
      if (cmp < 0 || (cmp === 0 && a.id < best!.id)) best = a;
    }
    return best;
  }

  function assign(step: Step, conv: string, a: Agent): void {
    seq += 1;
    assignment.set(conv, a.id);
    a.convs.set(conv, seq);
    a.load += 1;
    a.last = seq;
    step.assigned.push({ conversationId: conv, agentId: a.id });
  }

  function unassign(conv: string, a: Agent): void {
    assignment.delete(conv);
    a.convs.delete(conv);
    a.load -= 1;
  }

  const meta = (conv: string): Waiting => waiting.get(conv) ?? waiting.set(conv, { priority: 0, at: 0, department: null }).get(conv)!;
  /** `x` goes before `y` in the queue. */
  const ahead = (x: Waiting, y: Waiting) => x.priority > y.priority || (x.priority === y.priority && x.at < y.at);

  /** Puts `conv` in its place in the queue. */
  function insert(conv: string): void {
    const m = meta(conv);
    const i = queue.findIndex((other) => ahead(m, meta(other)));
    if (i < 0) queue.push(conv);
    else queue.splice(i, 0, conv);
  }

  /** Queues behind every conversation of its priority, or (`front`) ahead of them. */
  function enqueue(step: Step, conv: string, front: boolean): void {
    qseq += 1;
    meta(conv).at = front ? -qseq : qseq;
    insert(conv);
    step.pushed.add(conv);
  }

  function describe(conv: string, o: QueueOptions): void {
    const department = o.department ?? null;
    waiting.set(conv, { priority: o.priority ?? 0, at: 0, department });
    if (department !== null) overflowAt.set(conv, o.overflowAt ?? 0);
  }

  /** In queue order, each to the least-loaded agent it may go to; skips those nobody may take yet. */
  function drain(step: Step): void {
    for (const conv of [...queue]) {
      if (!pick()) return;
      const a = pick(meta(conv).department);
      if (!a) continue;
      queue.splice(queue.indexOf(conv), 1);
      if (!step.pushed.delete(conv)) step.queueChanged = true;
      assign(step, conv, a);
    }
  }

  /** All chats of these (now offline) agents to the queue front, oldest assignment first across them. */
  function requeueAgents(step: Step, list: Agent[]): void {
    const items = list.flatMap((a) => [...a.convs].map(([conv, n]) => ({ conv, n, from: a.id })));
    items.sort((x, y) => x.n - y.n);
    for (const a of list) {
      a.convs.clear();
      a.load = 0;
    }
    for (const { conv } of items.toReversed()) {
      assignment.delete(conv);
      enqueue(step, conv, true);
    }
    for (const { conv, from } of items) step.requeued.push({ conversationId: conv, fromAgentId: from });
  }

  const position = (conv: string) => {
    const i = queue.indexOf(conv);
    return i < 0 ? null : i + 1;
  };

  return {
    async setAgent(agentId, patch) {
      if (patch.capacity !== undefined && !(Number.isInteger(patch.capacity) && patch.capacity >= 0)) {
        throw new RangeError(`capacity must be a non-negative integer, got ${patch.capacity}`);
      }
      const step = new Step();
      const a = ensure(agentId);
      if (patch.capacity !== undefined) a.capacity = patch.capacity;
      if (patch.status !== undefined) a.status = patch.status;
      if (patch.departments !== undefined) a.departments = new Set(patch.departments);
      // Offline hands back every chat and cancels a pending grace; a lowered capacity keeps them.
      if (a.status === 'offline') {
        requeueAgents(step, [a]);
        a.deadline = null;
      }
      drain(step);
      return { ...step.change(), agent: view(a) };
    },

    async agentConnected(agentId, processId, defaults) {
      const step = new Step();
      const a = ensure(agentId, defaults);
      if (defaults?.departments !== undefined) a.departments = new Set(defaults.departments);
      const mine = heldBy(processId);
      mine.set(agentId, (mine.get(agentId) ?? 0) + 1);
      a.conns += 1;
      a.deadline = null;
      drain(step);
      return { ...step.change(), agent: view(a) };
    },

    async agentDisconnected(agentId, processId, graceDeadline) {
      const a = ensure(agentId);
      const mine = held.get(processId);
      const n = mine?.get(agentId) ?? 0;
      // A process with none counted (duplicate, or declared dead meanwhile) changes no count.
      if (n > 0) {
        if (n === 1) mine!.delete(agentId);
        else mine!.set(agentId, n - 1);
        a.conns = Math.max(a.conns - 1, 0);
      }
      // Offline agents have nothing to hand back; an existing deadline is not pushed later.
      startGrace(a, graceDeadline);
      return view(a);
    },

    async heartbeat(processId, now, o) {
      const epochCreated = epoch === null;
      epoch ??= o.epoch;
      const known = beats.has(processId);
      beats.set(processId, now);
      const dead: string[] = [];
      const graced: string[] = [];
      for (const [pid, at] of [...beats].sort((x, y) => x[1] - y[1])) {
        if (at >= now - o.deadAfterMs) continue;
        beats.delete(pid);
        dead.push(pid);
        graced.push(...dropProcess(pid, o.graceDeadline));
      }
      return { epoch, epochCreated, known, dead, graced };
    },

    async announce(processId, list, graceDeadline) {
      const step = new Step();
      dropProcess(processId, graceDeadline);
      const mine = heldBy(processId);
      for (const { agentId, connections, status, capacity, departments } of list) {
        const a = ensure(agentId, { status, capacity });
        if (departments !== undefined) a.departments = new Set(departments);
        mine.set(agentId, connections);
        a.conns += connections;
        a.deadline = null;
      }
      drain(step);
      return step.change();
    },

    async restore(state, graceDeadline) {
      const step = new Step();
      for (const { agentId, status, capacity, departments } of state.agents) {
        const a = ensure(agentId, { status, capacity });
        if (departments !== undefined) a.departments = new Set(departments);
      }
      let restored = 0;
      for (const { conversationId: conv, agentId, ...o } of state.conversations) {
        if (assignment.has(conv) || position(conv) !== null) continue;
        restored += 1;
        describe(conv, o);
        const a = agentId === null ? undefined : agents.get(agentId);
        if (a && a.status !== 'offline') {
          assign(step, conv, a);
          step.assigned.pop(); // it was assigned before the pool lost it: not a new assignment
        } else {
          enqueue(step, conv, false);
          if (agentId !== null) step.requeued.push({ conversationId: conv, fromAgentId: agentId });
        }
      }
      for (const { agentId } of state.agents) startGrace(agents.get(agentId)!, graceDeadline);
      drain(step);
      return { ...step.change(), restored };
    },

    async acquireLease(name, holder, now, ttlMs) {
      const l = leases.get(name);
      if (l && l.holder !== holder && l.until > now) return false;
      leases.set(name, { holder, until: now + ttlMs });
      return true;
    },

    async expireGrace(now) {
      const step = new Step();
      const due = [...agents.values()]
        .filter((a) => a.deadline !== null && a.deadline <= now)
        .sort((x, y) => x.deadline! - y.deadline! || (x.id < y.id ? -1 : 1));
      const expired = due.filter((a) => a.conns === 0);
      for (const a of due) a.deadline = null;
      for (const a of expired) a.status = 'offline';
      requeueAgents(step, expired);
      drain(step);
      return { ...step.change(), expiredAgentIds: expired.map((a) => a.id) };
    },

    async route(conversationId, o = {}): Promise<RouteResult> {
      const step = new Step();
      if (!assignment.has(conversationId) && position(conversationId) === null) {
        describe(conversationId, o);
        enqueue(step, conversationId, false);
        drain(step);
      }
      const agentId = assignment.get(conversationId);
      return agentId !== undefined
        ? { ...step.change(), outcome: 'assigned', agentId }
        : { ...step.change(), outcome: 'queued', position: position(conversationId)! };
    },

    async release(conversationId) {
      const step = new Step();
      const agentId = assignment.get(conversationId) ?? null;
      if (agentId !== null) unassign(conversationId, agents.get(agentId)!);
      else if (position(conversationId) !== null) {
        queue = queue.filter((c) => c !== conversationId);
        step.queueChanged = true;
      }
      waiting.delete(conversationId);
      overflowAt.delete(conversationId);
      drain(step);
      return { ...step.change(), agentId };
    },

    async transfer(conversationId, toAgentId, opts): Promise<TransferResult> {
      const fromAgentId = assignment.get(conversationId) ?? null;
      const pos = position(conversationId);
      if (fromAgentId === null && pos === null) return { status: 'not_found' };
      if (opts?.expectedFrom !== undefined && fromAgentId !== opts.expectedFrom) return { status: 'holder_changed' };
      const step = new Step();
      const from = fromAgentId === null ? undefined : agents.get(fromAgentId)!;

      if (toAgentId !== null) {
        const to = agents.get(toAgentId);
        if (!to) return { status: 'unknown_agent' };
        if (fromAgentId === toAgentId) return { status: 'same_agent' };
        if (opts?.aboveCapacity ? to.status === 'offline' : !available(to)) return { status: 'agent_unavailable' };
        if (from) unassign(conversationId, from);
        else {
          queue = queue.filter((c) => c !== conversationId);
          step.queueChanged = true;
        }
        assign(step, conversationId, to);
      } else {
        if (opts?.department) {
          meta(conversationId).department = opts.department;
          overflowAt.set(conversationId, opts.overflowAt ?? 0);
        }
        if (from) {
          unassign(conversationId, from);
          enqueue(step, conversationId, true);
          step.requeued.push({ conversationId, fromAgentId: from.id });
        } else if (opts?.department || pos! > 1) {
          // Already queued: to the front of its priority (a lead's way to prioritise it).
          queue = queue.filter((c) => c !== conversationId);
          enqueue(step, conversationId, true);
          step.pushed.delete(conversationId);
          step.queueChanged = true;
        }
      }
      drain(step);
      return { ...step.change(), status: 'moved', fromAgentId, toAgentId };
    },

    async prioritize(conversationId, priority) {
      if (!Number.isInteger(priority)) throw new RangeError(`priority must be an integer, got ${priority}`);
      const step = new Step();
      const before = queue.indexOf(conversationId);
      if (before < 0 && !assignment.has(conversationId)) return { ...step.change(), found: false };
      const m = meta(conversationId);
      if (m.priority !== priority) {
        m.priority = priority;
        if (before >= 0) {
          queue.splice(before, 1);
          insert(conversationId);
          if (queue.indexOf(conversationId) !== before) step.queueChanged = true;
        }
      }
      drain(step);
      return { ...step.change(), found: true };
    },

    async overflow(now) {
      const step = new Step();
      const due = [...overflowAt].filter(([, at]) => at <= now).sort((x, y) => x[1] - y[1] || (x[0] < y[0] ? -1 : 1)).map(([c]) => c);
      for (const conv of due) {
        overflowAt.delete(conv);
        meta(conv).department = null;
      }
      drain(step);
      return { ...step.change(), overflowed: due };
    },

    async assignmentOf(conversationId) {
      return assignment.get(conversationId) ?? null;
    },

    async queuePosition(conversationId) {
      return position(conversationId);
    },

    async queue() {
      return [...queue];
    },

    async agent(agentId) {
      const a = agents.get(agentId);
      return a ? view(a) : null;
    },

    async agents() {
      return [...agents.values()].sort((x, y) => (x.id < y.id ? -1 : 1)).map(view);
    },

    async agentConversations(agentId) {
      return [...(agents.get(agentId)?.convs.keys() ?? [])];
    },

    async reconcile() {
      // Availability is derived here, so only the load counter can drift.
      let repaired = 0;
      for (const a of agents.values()) {
        if (a.load !== a.convs.size) {
          a.load = a.convs.size;
          repaired += 1;
        }
      }
      return repaired;
    },

    async tallyAssignments(count, now, keepMs) {
      const minute = Math.floor(now / MINUTE_MS);
      const oldest = Math.floor((now - keepMs) / MINUTE_MS);
      tally.set(minute, (tally.get(minute) ?? 0) + count);
      for (const m of tally.keys()) if (m < oldest) tally.delete(m);
    },

    async assignmentsSince(from) {
      const first = Math.floor(from / MINUTE_MS);
      let n = 0;
      for (const [m, count] of tally) if (m >= first) n += count;
      return n;
    },

    async close() {},
  };
}
