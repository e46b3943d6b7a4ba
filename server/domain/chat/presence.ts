/** Agents coming and going: connections, grace periods, status, capacity, and their session on sync. */
import type { AgentPresenceView, AgentSelf, AgentSession, AgentStatus } from '../../../shared/protocol';
import { AppError } from '../../errors';
import type { AgentDefaults, AgentPresence } from '../ports/presence';
import type { Audience } from './audience';
import type { ChatServiceDeps } from './deps';
import { unlessClosedMeanwhile } from './events';
import type { Lookups } from './lookups';
import type { Routing } from './routing';
import type { Views } from './views';

export type Presence = ReturnType<typeof createPresenceUseCases>;

export function createPresenceUseCases(
  deps: ChatServiceDeps,
  parts: { lookups: Lookups; views: Views; audience: Audience; routing: Routing },
) {
  const { store, pool, notifier, clock, limits, metrics } = deps;
  const { lookups, views, audience, routing } = parts;
  const log = deps.logger.child({ module: 'presence' });
  const processId = deps.processId ?? 'local';
  /** Sockets of each agent held by this process: what it re-announces when the pool forgot it. */
  const held = new Map<string, number>();

  async function setStatus(agentId: string, status: AgentStatus): Promise<AgentSelf> {
    const change = await pool.setAgent(agentId, { status });
    await store.setChosenStatus(agentId, status);
    await routing.applyChange(change, 'agent_offline');
    await audience.announceAgent(agentId, change.agent);
    return views.agentSelf(agentId, change.agent);
  }

  /** What a pool that does not know the agent creates them with: their chosen status (offline if none) and capacity. */
  async function agentDefaults(agentIds: string[]): Promise<Map<string, AgentDefaults>> {
    const [users, chosen, departments] = await Promise.all([
      Promise.all(agentIds.map(lookups.user)),
      store.chosenStatuses(agentIds),
      store.agentDepartments(agentIds),
    ]);
    return new Map(
      agentIds.map((id, i) => [
        id,
        { status: chosen.get(id) ?? 'offline', capacity: users[i]?.capacity ?? limits.defaultCapacity, departments: departments.get(id) ?? [] },
      ]),
    );
  }

  /** The agent has no socket left: their chats hear about it, the leads see it. */
  async function enteredGrace(p: AgentPresence) {
    if (p.load > 0) {
      const convs = await pool.agentConversations(p.agentId);
      await Promise.all(
        convs.map((id) => audience.recordEvent(id, { type: 'agent_disconnected', agentId: p.agentId }).catch(unlessClosedMeanwhile)),
      );
    }
    notifier.agents({ leads: true }, 'agent:changed', await views.presenceView(p));
  }

  return {
    setStatus,
    agentDefaults,

    /** The agent's departments changed in the store: the pool routes by the new ones (and may drain to them). */
    async departmentsChanged(agentId: string) {
      // An agent the pool does not know gets them with their other defaults when they connect.
      if (!(await pool.agent(agentId))) return;
      const departments = (await store.agentDepartments([agentId])).get(agentId) ?? [];
      const change = await pool.setAgent(agentId, { departments });
      await routing.applyChange(change);
      await audience.announceAgent(agentId, change.agent);
    },
    enteredGrace,

    async agentConnected(agentId: string) {
      held.set(agentId, (held.get(agentId) ?? 0) + 1);
      const defaults = (await agentDefaults([agentId])).get(agentId)!;
      const change = await pool.agentConnected(agentId, processId, defaults);
      await routing.applyChange(change);
      await audience.announceAgent(agentId, change.agent);
    },

    async agentDisconnected(agentId: string) {
      const n = (held.get(agentId) ?? 0) - 1;
      if (n > 0) held.set(agentId, n);
      else held.delete(agentId);
      const p = await pool.agentDisconnected(agentId, processId, clock.now() + limits.agentGraceMs);
      if (p.connections === 0) await enteredGrace(p);
      else notifier.agents({ leads: true }, 'agent:changed', await views.presenceView(p));
    },

    /** Sockets this process holds, per agent. */
    heldAgents(): [agentId: string, connections: number][] {
      return [...held];
    },

    /** Called periodically by every process; the pool makes sure each expiry is handled once. */
    async sweepGrace() {
      const change = await pool.expireGrace(clock.now());
      if (change.expiredAgentIds.length) log.info({ agents: change.expiredAgentIds }, 'grace period expired');
      await routing.applyChange(change, 'agent_disconnected');
      await Promise.all(change.expiredAgentIds.map((id) => audience.announceAgent(id)));
    },

    /** Load counters recomputed from the assignments; returns how many agents were repaired. */
    async reconcile() {
      const repaired = await pool.reconcile();
      metrics?.reconciled(repaired);
      if (repaired) log.warn({ repaired }, 'load counters drifted and were repaired');
      return repaired;
    },

    async agentSession(agentId: string, since: Record<string, number> = {}): Promise<Omit<AgentSession, 'presenceEpoch'>> {
      const me = await views.agentSelf(agentId);
      const ids = await pool.agentConversations(agentId);
      const conversations = await Promise.all(
        ids.map(async (id) => {
          const c = await lookups.conversationOrThrow(id);
          // After what the console has; a conversation new to it gets its latest page.
          const at = since[id] === undefined ? { beforeSeq: null } : { afterSeq: since[id] };
          return { conversation: await views.conversationView(c), ...(await views.page(id, at, true)) };
        }),
      );
      return { me, conversations, limits: { maxMessageLength: limits.maxMessageLength, messagesPerSecond: limits.agentMessagesPerSecond } };
    },

    async setCapacity(agentId: string, capacity: number): Promise<AgentPresenceView> {
      const u = await store.setUserCapacity(agentId, capacity);
      if (!u) throw new AppError('AGENT_NOT_FOUND');
      lookups.forgetUser(agentId);
      const change = await pool.setAgent(agentId, { capacity });
      await routing.applyChange(change);
      await audience.announceAgent(agentId, change.agent);
      return views.presenceView(change.agent);
    },

    /**
     * A deactivated user leaves routing at once: `offline` through the `setStatus` path, so their
     * conversations go back to the front of the queue and drain to colleagues. Signing their
     * sockets out is the transport's part (it knows the rooms).
     */
    async deactivate(agentId: string): Promise<AgentSelf> {
      lookups.forgetUser(agentId);
      return setStatus(agentId, 'offline');
    },

    /** Live presence of every agent the pool knows: the lead snapshot's `agents`, alone. */
    async agentsPresence(): Promise<AgentPresenceView[]> {
      return Promise.all((await pool.agents()).map(views.presenceView));
    },
  };
}
