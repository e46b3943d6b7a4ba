/** Agents coming and going: connections, grace periods, status, capacity, and their session on sync. */
import type { AgentPresenceView, AgentSelf, AgentSession, AgentStatus } from '../../../shared/protocol';
import { AppError } from '../../errors';
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

  async function setStatus(agentId: string, status: AgentStatus): Promise<AgentSelf> {
    const change = await pool.setAgent(agentId, { status });
    await routing.applyChange(change, 'agent_offline');
    await audience.announceAgent(agentId, change.agent);
    return views.agentSelf(agentId, change.agent);
  }

  return {
    setStatus,

    async agentConnected(agentId: string) {
      const u = await lookups.user(agentId);
      const p = await pool.agentConnected(agentId);
      // A new pool (fresh Redis, restart in embedded mode) learns the capacity the lead set.
      if (u && p.capacity !== u.capacity && p.load === 0 && p.status === 'offline') {
        await pool.setAgent(agentId, { capacity: u.capacity });
      }
      await audience.announceAgent(agentId);
    },

    async agentDisconnected(agentId: string) {
      const p = await pool.agentDisconnected(agentId, clock.now() + limits.agentGraceMs);
      if (p.connections === 0 && p.load > 0) {
        const convs = await pool.agentConversations(agentId);
        await Promise.all(convs.map((id) => audience.recordEvent(id, { type: 'agent_disconnected', agentId }).catch(unlessClosedMeanwhile)));
      }
      notifier.agents({ leads: true }, 'agent:changed', await views.presenceView(p));
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

    async agentSession(agentId: string, since: Record<string, number> = {}): Promise<AgentSession> {
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
