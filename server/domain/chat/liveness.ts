/**
 * This process in the presence pool: it heartbeats; a heartbeat declares dead the processes
 * that stopped beating (their agents with no socket left enter grace, and the grace sweep
 * moves their chats after it); when the pool has forgotten this process (declared dead while
 * alive, or Redis came back empty) it re-announces the sockets it holds; and when the pool is
 * new (its epoch was just created) the process that created it puts the store's open
 * conversations back: assignments to their agents (who get a grace period to reconnect),
 * the rest queued in the order they opened.
 */
import type { Audience } from './audience';
import type { ChatServiceDeps } from './deps';
import type { Presence } from './presence';
import type { Routing } from './routing';

export type Liveness = ReturnType<typeof createLiveness>;

export function createLiveness(deps: ChatServiceDeps, parts: { presence: Presence; routing: Routing; audience: Audience }) {
  const { store, pool, clock, limits } = deps;
  const { presence, routing, audience } = parts;
  const processId = deps.processId ?? 'local';
  const log = deps.logger.child({ module: 'liveness' });
  let epoch: string | null = null;
  /** This process found the pool new on its first heartbeat; `restoreAtStart` then restores once. */
  let foundNew: boolean | null = null;
  let restoredAtStart = false;
  // Work a beat found to do, kept until it succeeds (a Redis just back may fail the first try).
  let announcePending = false;
  let restorePending = false;
  // Beats run one after another (the timer, a Redis reconnect and the start may overlap).
  let beating: Promise<void> = Promise.resolve();

  async function reannounce() {
    const held = presence.heldAgents();
    const defaults = await presence.agentDefaults(held.map(([id]) => id));
    const agents = held.map(([agentId, connections]) => ({ agentId, connections, ...defaults.get(agentId)! }));
    const change = await pool.announce(processId, agents, clock.now() + limits.agentGraceMs);
    if (agents.length) log.info({ agents: agents.length }, 'sockets re-announced to the presence pool');
    await routing.applyChange(change);
    await Promise.all(agents.map((a) => audience.announceAgent(a.agentId)));
  }

  /** The store's open conversations back into a pool that lost them. */
  async function restore() {
    const active = (await store.listActiveConversations()).sort((a, b) => a.openedAt - b.openedAt);
    const agentIds = [...new Set(active.flatMap((c) => (c.status === 'open' && c.agentId ? [c.agentId] : [])))];
    const defaults = await presence.agentDefaults(agentIds);
    const change = await pool.restore(
      {
        agents: agentIds.map((agentId) => ({ agentId, ...defaults.get(agentId)! })),
        conversations: await Promise.all(
          active.map(async (c) => ({ conversationId: c.id, agentId: c.status === 'open' ? c.agentId : null, ...(await routing.queueOptions(c)) })),
        ),
      },
      clock.now() + limits.agentGraceMs,
    );
    if (change.restored) log.warn({ restored: change.restored }, 'presence pool was new: open conversations restored from the store');
    await routing.applyChange(change, 'agent_offline');
    await Promise.all(agentIds.map((id) => audience.announceAgent(id)));
  }

  async function beatOnce() {
    const now = clock.now();
    const r = await pool.heartbeat(processId, now, {
      deadAfterMs: limits.processDeadAfterMs,
      graceDeadline: now + limits.agentGraceMs,
      epoch: `${processId}@${now}`,
    });
    const lost = epoch !== null && r.epoch !== epoch;
    epoch = r.epoch;
    foundNew ??= r.epochCreated;
    if (lost) log.warn({ epoch }, 'the presence pool is new (Redis came back empty?): rebuilding');
    announcePending ||= !r.known;
    restorePending ||= lost && r.epochCreated;
    if (r.dead.length) log.warn({ processes: r.dead, agentsInGrace: r.graced.length }, 'processes stopped heartbeating; their sockets left presence');
    // Restore first: the old assignments are back before re-announced agents can take new ones.
    if (restorePending) {
      await restore();
      restorePending = false;
    }
    if (announcePending) {
      await reannounce();
      announcePending = false;
    }
    for (const agentId of r.graced) {
      const p = await pool.agent(agentId);
      if (p) await presence.enteredGrace(p);
    }
  }

  function beat(): Promise<void> {
    const run = beating.then(beatOnce);
    beating = run.catch(() => {});
    return run;
  }

  return {
    /** One heartbeat (and whatever it finds to do); the server calls it every `heartbeatMs`. */
    heartbeat: beat,

    /**
     * At start: when this process's first heartbeat created the pool (embedded restart, or the
     * first process on an empty Redis), the store's open conversations are put back. Runs once.
     */
    async restoreAtStart() {
      if (foundNew === null) await beat();
      if (!foundNew || restoredAtStart) return;
      restoredAtStart = true;
      await restore();
    },

    /** The pool's epoch as this process last saw it: a console that sees it change knows presence was rebuilt. */
    epoch: () => epoch,
  };
}
