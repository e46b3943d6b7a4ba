/**
 * Redis presence pool: every mutating method is exactly one Lua script call (atomic across
 * processes sharing the Redis); reads are plain commands. Key layout and the shared helpers
 * are documented in ../redis/lua/includes/presence.lua. Every key starts with the prefix in
 * a hash tag (presenceKeyBase), so they share one slot and the pool runs on Redis Cluster.
 */
import type { Cluster, ClientContext, Redis, Result } from 'ioredis';
import type { AgentStatus } from '../../../shared/protocol';
import { poolRefusalFor, unexpectedReply } from '../redis/error-codes';
import { defineScripts } from '../redis/scripts';
import type { AgentPresence, PoolChange, PresencePool, RouteResult, TransferResult } from '../../domain/ports/presence';

export interface RedisPresencePoolOptions {
  /** Connection used for every command (a single Redis or a Cluster); the pool does not own it (close() leaves it open). */
  redis: Redis | Cluster;
  /** Namespace of every key, e.g. `livesupport` or `test:<uuid>`; the keys start with presenceKeyBase(prefix). */
  prefix: string;
  /** Capacity of an agent the pool has not seen before. */
  defaultCapacity: number;
  /**
   * Folder of the `.lua` files. The production bundle copies it next to dist/server.js.
   * @default SCRIPTS_DIR of ../redis/scripts.ts
   */
  scriptsDir?: string;
}

/** The tally's buckets (presence-tally-1.lua). */
const MINUTE_MS = 60_000;

/** The six KEYS every presence script takes, in includes/presence.lua's order. */
type Keys = [agents: string, avail: string, queue: string, assign: string, grace: string, seq: string];
/** Scripts answer JSON (see includes/presence.lua finish()) or a negative error code. */
type Reply<Context extends ClientContext> = Result<string | number, Context>;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    presenceSetAgent(...a: [...Keys, prefix: string, agentId: string, status: string, capacity: string, defaultCapacity: number, departments: string]): Reply<Context>;
    presenceAgentConnected(...a: [...Keys, prefix: string, agentId: string, processId: string, capacity: number, status: string, departments: string]): Reply<Context>;
    presenceAgentDisconnected(...a: [...Keys, prefix: string, agentId: string, processId: string, deadline: number, defaultCapacity: number]): Reply<Context>;
    presenceHeartbeat(...a: [...Keys, prefix: string, processId: string, now: number, cutoff: number, deadline: number, epoch: string]): Reply<Context>;
    presenceAnnounce(...a: [...Keys, prefix: string, processId: string, deadline: number, agents: string]): Reply<Context>;
    presenceRestore(...a: [...Keys, prefix: string, deadline: number, state: string]): Reply<Context>;
    presenceLease(...a: [...Keys, prefix: string, name: string, holder: string, now: number, ttlMs: number]): Reply<Context>;
    presenceExpireGrace(...a: [...Keys, prefix: string, now: number]): Reply<Context>;
    presenceRoute(...a: [...Keys, prefix: string, conversationId: string, priority: number, department: string, overflowAt: number]): Reply<Context>;
    presencePrioritize(...a: [...Keys, prefix: string, conversationId: string, priority: number]): Reply<Context>;
    presenceOverflow(...a: [...Keys, prefix: string, now: number]): Reply<Context>;
    presenceRelease(...a: [...Keys, prefix: string, conversationId: string]): Reply<Context>;
    presenceTransfer(...a: [...Keys, prefix: string, conversationId: string, toAgentId: string, aboveCapacity: '1' | '', department: string, overflowAt: number, expectedFrom: string]): Reply<Context>;
    presenceReconcile(...a: [...Keys, prefix: string]): Reply<Context>;
    presenceTally(tally: string, count: number, now: number, keepMs: number): Result<number, Context>;
  }
}

/** Command name -> script file in ../redis/lua. */
const SCRIPTS = {
  presenceSetAgent: 'presence-set-agent-6',
  presenceAgentConnected: 'presence-agent-connected-6',
  presenceAgentDisconnected: 'presence-agent-disconnected-6',
  presenceExpireGrace: 'presence-expire-grace-6',
  presenceRoute: 'presence-route-6',
  presencePrioritize: 'presence-prioritize-6',
  presenceOverflow: 'presence-overflow-6',
  presenceRelease: 'presence-release-6',
  presenceTransfer: 'presence-transfer-6',
  presenceReconcile: 'presence-reconcile-6',
  presenceHeartbeat: 'presence-heartbeat-6',
  presenceAnnounce: 'presence-announce-6',
  presenceRestore: 'presence-restore-6',
  presenceLease: 'presence-lease-6',
  presenceTally: 'presence-tally-1',
} as const;
type Command = keyof typeof SCRIPTS;

type Pair = [string, string];
/** cjson encodes an empty table as {}. */
const list = <T>(x: T[] | Record<string, never>): T[] => (Array.isArray(x) ? x : []);
interface StepJson {
  a: Pair[] | Record<string, never>; // cjson encodes an empty table as {}
  r: Pair[] | Record<string, never>;
  q: boolean;
}
/** includes/presence.lua agent_view(): raw hash values (false when a field is missing). */
type AgentRow = [string, string | false, string | false, string | false, string | false, string | false];

/** A script's JSON answer. Only transfer documents refusal codes (handled there); any code here is a bug. */
function parse<T>(command: Command, reply: string | number): T {
  if (typeof reply === 'number') throw unexpectedReply(command, reply);
  return JSON.parse(reply);
}

function change(j: StepJson): PoolChange {
  return {
    assigned: list(j.a).map(([conversationId, agentId]) => ({ conversationId, agentId })),
    requeued: list(j.r).map(([conversationId, fromAgentId]) => ({ conversationId, fromAgentId })),
    queueChanged: j.q,
  };
}

/** A list of ids for a script, '' when not given (the script then keeps what it holds). */
const json = (ids: string[] | undefined) => (ids === undefined ? '' : JSON.stringify(ids));

function toPresence([agentId, status, capacity, load, conns, deadline]: AgentRow): AgentPresence {
  return {
    agentId,
    status: (status || 'offline') as AgentStatus,
    capacity: Number(capacity || 0),
    load: Number(load || 0),
    connections: Number(conns || 0),
    graceDeadline: deadline ? Number(deadline) : null,
  };
}

/**
 * Where the pool's keys start: the prefix as a Redis Cluster hash tag (`{prefix}`), so every
 * key one script touches hashes to the same slot. A prefix that already holds a tag is kept.
 */
export function presenceKeyBase(prefix: string): string {
  return /\{[^}]+\}/.test(prefix) ? prefix : `{${prefix}}`;
}

export function createRedisPresencePool(opts: RedisPresencePoolOptions): PresencePool {
  const { redis, defaultCapacity } = opts;
  const prefix = presenceKeyBase(opts.prefix);
  defineScripts(redis, SCRIPTS, opts.scriptsDir);

  const keys: Keys = ['agents', 'avail', 'queue', 'assign', 'grace', 'seq'].map((k) => `${prefix}:${k}`) as Keys;
  const [agentsKey, , queueKey, assignKey] = keys;
  const agentKey = (id: string) => `${prefix}:agent:${id}`;
  const tallyKey = `${prefix}:tally`;
  const fields = ['status', 'capacity', 'load', 'conns', 'deadline'] as const;

  async function readAgent(agentId: string): Promise<AgentPresence | null> {
    const row = await redis.hmget(agentKey(agentId), ...fields);
    if (row[0] === null) return null;
    return toPresence([agentId, ...row.map((v) => v ?? false)] as AgentRow);
  }

  return {
    async setAgent(agentId, patch) {
      if (patch.capacity !== undefined && !(Number.isInteger(patch.capacity) && patch.capacity >= 0)) {
        throw new RangeError(`capacity must be a non-negative integer, got ${patch.capacity}`);
      }
      const j = parse<StepJson & { agent: AgentRow }>(
        'presenceSetAgent',
        await redis.presenceSetAgent(...keys, prefix, agentId, patch.status ?? '', patch.capacity?.toString() ?? '', defaultCapacity, json(patch.departments)),
      );
      return { ...change(j), agent: toPresence(j.agent) };
    },

    async agentConnected(agentId, processId, defaults) {
      const j = parse<StepJson & { agent: AgentRow }>(
        'presenceAgentConnected',
        await redis.presenceAgentConnected(...keys, prefix, agentId, processId, defaults?.capacity ?? defaultCapacity, defaults?.status ?? 'offline', json(defaults?.departments)),
      );
      return { ...change(j), agent: toPresence(j.agent) };
    },

    async agentDisconnected(agentId, processId, graceDeadline) {
      const reply = await redis.presenceAgentDisconnected(...keys, prefix, agentId, processId, graceDeadline, defaultCapacity);
      return toPresence(parse('presenceAgentDisconnected', reply));
    },

    async heartbeat(processId, now, o) {
      const j = parse<{ epoch: string; created: boolean; known: boolean; dead: string[] | Record<string, never>; graced: string[] | Record<string, never> }>(
        'presenceHeartbeat',
        await redis.presenceHeartbeat(...keys, prefix, processId, now, now - o.deadAfterMs, o.graceDeadline, o.epoch),
      );
      return { epoch: j.epoch, epochCreated: j.created, known: j.known, dead: list(j.dead), graced: list(j.graced) };
    },

    async announce(processId, agents, graceDeadline) {
      const rows = agents.map((a) => [a.agentId, a.connections, a.status, a.capacity, ...(a.departments ? [a.departments] : [])]);
      return change(parse('presenceAnnounce', await redis.presenceAnnounce(...keys, prefix, processId, graceDeadline, JSON.stringify(rows))));
    },

    async restore(state, graceDeadline) {
      const json = JSON.stringify({
        agents: state.agents.map((a) => [a.agentId, a.status, a.capacity, ...(a.departments ? [a.departments] : [])]),
        convs: state.conversations.map((c) => [c.conversationId, c.agentId ?? '', c.priority ?? 0, c.department ?? '', c.overflowAt ?? 0]),
      });
      const j = parse<StepJson & { restored: number }>('presenceRestore', await redis.presenceRestore(...keys, prefix, graceDeadline, json));
      return { ...change(j), restored: j.restored };
    },

    async acquireLease(name, holder, now, ttlMs) {
      const reply = await redis.presenceLease(...keys, prefix, name, holder, now, ttlMs);
      if (reply !== 0 && reply !== 1) throw unexpectedReply('presenceLease', reply);
      return reply === 1;
    },

    async expireGrace(now) {
      const j = parse<StepJson & { expired: string[] | Record<string, never> }>(
        'presenceExpireGrace',
        await redis.presenceExpireGrace(...keys, prefix, now),
      );
      return { ...change(j), expiredAgentIds: list(j.expired) };
    },

    async route(conversationId, o = {}): Promise<RouteResult> {
      const reply = await redis.presenceRoute(...keys, prefix, conversationId, o.priority ?? 0, o.department ?? '', o.overflowAt ?? 0);
      const j = parse<StepJson & { agent?: string; pos?: number }>('presenceRoute', reply);
      return j.agent !== undefined
        ? { ...change(j), outcome: 'assigned', agentId: j.agent }
        : { ...change(j), outcome: 'queued', position: j.pos! };
    },

    async prioritize(conversationId, priority) {
      if (!Number.isInteger(priority)) throw new RangeError(`priority must be an integer, got ${priority}`);
      const j = parse<StepJson & { found: boolean }>('presencePrioritize', await redis.presencePrioritize(...keys, prefix, conversationId, priority));
      return { ...change(j), found: j.found };
    },

    async overflow(now) {
      const j = parse<StepJson & { overflowed: string[] | Record<string, never> }>('presenceOverflow', await redis.presenceOverflow(...keys, prefix, now));
      return { ...change(j), overflowed: list(j.overflowed) };
    },

    async release(conversationId) {
      const j = parse<StepJson & { agent?: string }>('presenceRelease', await redis.presenceRelease(...keys, prefix, conversationId));
      return { ...change(j), agentId: j.agent ?? null };
    },

    async transfer(conversationId, toAgentId, opts): Promise<TransferResult> {
      const { aboveCapacity, department = '', overflowAt = 0, expectedFrom = '' } = opts ?? {};
      const reply = await redis.presenceTransfer(...keys, prefix, conversationId, toAgentId ?? '', aboveCapacity ? '1' : '', department, overflowAt, expectedFrom);
      // A refusal is an expected outcome: a value, not an error.
      if (typeof reply === 'number') return { status: poolRefusalFor('presenceTransfer', reply) };
      const j = parse<StepJson & { from?: string }>('presenceTransfer', reply);
      return { ...change(j), status: 'moved', fromAgentId: j.from ?? null, toAgentId };
    },

    assignmentOf: (conversationId) => redis.hget(assignKey, conversationId),

    async queuePosition(conversationId) {
      const pos = await redis.lpos(queueKey, conversationId);
      return pos === null ? null : pos + 1;
    },

    queue: () => redis.lrange(queueKey, 0, -1),

    agent: readAgent,

    async agents() {
      // A snapshot across agents is not atomic; it is for display, not for decisions.
      const ids = (await redis.smembers(agentsKey)).sort();
      const all = await Promise.all(ids.map(readAgent));
      return all.filter((a): a is AgentPresence => a !== null);
    },

    agentConversations: (agentId) => redis.zrange(`${prefix}:convs:${agentId}`, 0, '-1'),

    async reconcile() {
      const repaired = await redis.presenceReconcile(...keys, prefix);
      // A count, never an error code.
      if (typeof repaired !== 'number' || repaired < 0) throw unexpectedReply('presenceReconcile', repaired);
      return repaired;
    },

    async tallyAssignments(count, now, keepMs) {
      const reply = await redis.presenceTally(tallyKey, count, now, keepMs);
      if (reply !== 0) throw unexpectedReply('presenceTally', reply);
    },

    async assignmentsSince(from) {
      const first = Math.floor(from / MINUTE_MS);
      const minutes = await redis.hgetall(tallyKey);
      return Object.entries(minutes).reduce((n, [minute, count]) => (Number(minute) >= first ? n + Number(count) : n), 0);
    },

    // The connection is injected, so its owner closes it.
    async close() {},
  };
}
