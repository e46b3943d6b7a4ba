/**
 * What must hold after any fault, once the system has had its bounded time to recover. Read
 * from the shared backends (the PostgreSQL rows, the Redis pool) and from the clients (what
 * each was acknowledged and what reached it). A scenario waits until `checkInvariants` finds
 * no violation (recovery), then reports its figures.
 *
 * 1. Every acknowledged message is stored exactly once, at its acknowledged seq.
 * 2. It reached the other side: the conversation's current agent (live, with the assignment,
 *    or in their resume) for a shopper's message; the shopper for an agent's.
 * 3. No conversation has two agents; the pool and SQL agree on who holds it.
 * 4. No agent is over capacity; each agent's load counter equals their open assignments.
 * 5. Every open conversation is assigned to a live agent who knows it, or queued.
 * 6. Every client is connected and synced, with nothing left unsent (recovered, no reload).
 * 7. No ghost agent: every agent the pool counts as connected is a connected client.
 */
import type { PresencePool } from '../../server/domain/ports/presence';
import type { SqlClient } from '../../server/store/sql/types';
import type { FaultAgent, FaultVisitor, Source } from './clients';

export interface World {
  sql: SqlClient;
  pool: PresencePool;
  visitors: FaultVisitor[];
  agents: FaultAgent[];
}

export interface Figures {
  /** Messages acknowledged to senders (shoppers and agents). */
  acknowledged: number;
  /** Acknowledged but not stored. */
  lost: number;
  /** Stored more than once. */
  duplicated: number;
  /** Acknowledged and stored, but not (yet) at the other side, even after its resume. */
  undelivered: number;
  /** Of the delivered: how many reached a reconnected client only in its resume. */
  byResume: number;
  /**
   * Of the delivered: how many reached a client that stayed connected only in the check's
   * as-if-reconnected resume (never live): it has them at its next reconnect.
   */
  onlyOnResync: number;
  /** Open conversations neither with a live agent who knows them nor queued. */
  stranded: number;
  /** Clients that reconnected at least once (none reloaded). */
  reconnected: number;
}

export interface Check {
  violations: string[];
  figures: Figures;
}

/**
 * Resumes every connected client (each asks for what it is missing), then checks. `resume`
 * false checks what arrived without asking.
 */
export async function checkInvariants(w: World, opts: { resume?: boolean } = {}): Promise<Check> {
  const violations: string[] = [];
  const clients = [...w.visitors, ...w.agents];
  if (opts.resume !== false) {
    await Promise.all(
      clients.filter((c) => c.connected && c.synced).map((c) => c.resume('check').catch(() => undefined)),
    );
  }

  // 6. recovered
  for (const c of w.visitors) if (!c.connected || !c.synced || c.unsent) violations.push(`visitor ${c.visitorId} not recovered (connected ${c.connected}, unsent ${c.unsent})`);
  for (const a of w.agents) if (!a.connected || !a.synced || a.unsent) violations.push(`agent ${a.id} not recovered (connected ${a.connected}, unsent ${a.unsent})`);

  // 1. stored exactly once
  const acked = [
    ...w.visitors.flatMap((v) => [...v.acked.values()].map((a) => ({ ...a, authorId: v.visitorId!, by: 'visitor' as const, visitor: v }))),
    ...w.agents.flatMap((g) => [...g.acked.values()].map((a) => ({ ...a, authorId: g.id, by: 'agent' as const, visitor: undefined }))),
  ];
  const { rows } = await w.sql.query<{ author_id: string; client_id: string; conversation_id: string; seq: number; n: number }>(
    `select author_id, client_id, min(conversation_id::text) as conversation_id, min(seq)::int as seq, count(*)::int as n
       from messages where client_id = any($1::text[]) group by author_id, client_id`,
    [acked.map((a) => a.clientId)],
  );
  const stored = new Map(rows.map((r) => [`${r.author_id}:${r.client_id}`, r]));
  let lost = 0;
  let duplicated = 0;
  for (const a of acked) {
    const row = stored.get(`${a.authorId}:${a.clientId}`);
    if (!row) {
      lost++;
      violations.push(`acknowledged ${a.by} message ${a.clientId} is not stored`);
    } else if (row.n > 1) {
      duplicated++;
      violations.push(`${a.by} message ${a.clientId} stored ${row.n} times`);
    } else if (row.conversation_id !== a.conversationId || row.seq !== a.seq) {
      violations.push(`${a.by} message ${a.clientId} acknowledged as ${a.conversationId}#${a.seq}, stored as ${row.conversation_id}#${row.seq}`);
    }
  }

  // 3, 4. the pool: one agent per conversation, within capacity, loads equal assignments
  const [presences, queue] = await Promise.all([w.pool.agents(), w.pool.queue()]);
  const owner = new Map<string, string>();
  for (const p of presences) {
    const convs = await w.pool.agentConversations(p.agentId);
    if (p.load > p.capacity) violations.push(`agent ${p.agentId} over capacity: ${p.load} > ${p.capacity}`);
    if (p.load !== convs.length) violations.push(`agent ${p.agentId} load ${p.load}, holds ${convs.length}`);
    for (const c of convs) {
      if (owner.has(c)) violations.push(`conversation ${c} held by ${owner.get(c)} and ${p.agentId}`);
      owner.set(c, p.agentId);
    }
  }
  const connectedIds = new Set(w.agents.filter((a) => a.connected).map((a) => a.id));
  for (const p of presences) {
    if (p.connections > 0 && !connectedIds.has(p.agentId)) violations.push(`ghost agent ${p.agentId}: ${p.connections} connection(s), ${p.status}, load ${p.load}`);
  }
  const queued = new Set(queue);
  if (queued.size !== queue.length) violations.push('a conversation is queued twice');

  // 5. every open conversation with a live agent who knows it, or queued
  const { rows: open } = await w.sql.query<{ id: string; status: string; agent_id: string | null }>(
    `select id, status, agent_id from conversations where status <> 'closed'`,
  );
  const live = new Map(w.agents.filter((a) => a.connected).map((a) => [a.id, a]));
  const online = new Set(presences.filter((p) => p.status === 'online').map((p) => p.agentId));
  let stranded = 0;
  for (const c of open) {
    const agentId = owner.get(c.id);
    const agent = agentId ? live.get(agentId) : undefined;
    const ok = agentId
      ? !queued.has(c.id) && c.status === 'open' && c.agent_id === agentId && !!agent && online.has(agentId) && agent.chats.has(c.id)
      : queued.has(c.id) && c.status === 'queued' && c.agent_id === null;
    if (!ok) {
      stranded++;
      violations.push(
        `conversation ${c.id} stranded: sql ${c.status}/${c.agent_id}, pool ${agentId ?? (queued.has(c.id) ? 'queued' : 'nowhere')}, ` +
          `agent ${agent ? (agent.chats.has(c.id) ? 'knows it' : 'not told') : 'not connected'}`,
      );
    }
  }
  for (const id of owner.keys()) if (!open.some((c) => c.id === id)) violations.push(`pool holds closed conversation ${id}`);

  // 2. delivered to the other side
  let undelivered = 0;
  let byResume = 0;
  let onlyOnResync = 0;
  const visitorOf = new Map(w.visitors.map((v) => [v.conversationId, v]));
  for (const a of acked) {
    if (!stored.has(`${a.authorId}:${a.clientId}`)) continue;
    let got: { source: Source } | undefined;
    let other: string;
    if (a.by === 'visitor') {
      const agentId = owner.get(a.conversationId);
      if (!agentId) continue; // queued: the agent gets it with the assignment
      got = live.get(agentId)?.chats.get(a.conversationId)?.get(a.seq);
      other = `agent ${agentId}`;
    } else {
      const v = visitorOf.get(a.conversationId);
      if (!v) continue; // the shopper is not one of this world's clients
      got = v.received.get(a.seq);
      other = `visitor ${v.visitorId}`;
    }
    if (!got) {
      undelivered++;
      violations.push(`${a.by} message ${a.conversationId}#${a.seq} has not reached ${other}`);
    } else if (got.source === 'resume') byResume++;
    else if (got.source === 'check') onlyOnResync++;
  }

  return {
    violations,
    figures: {
      acknowledged: acked.length,
      lost,
      duplicated,
      undelivered,
      byResume,
      onlyOnResync,
      stranded,
      reconnected: clients.filter((c) => c.connects > 1).length,
    },
  };
}
