/** What only leads do here: see the whole floor, watch any conversation, step in, run agents. */
import type { AgentPresenceView, AgentStatus, ConversationWithMessages, FloorState, LeadSnapshot } from '../../../shared/protocol';
import { AppError } from '../../errors';
import type { Conversations } from './conversations';
import { type Actor, type ChatServiceDeps } from './deps';
import type { Floor } from './floor';
import type { Lookups } from './lookups';
import type { Presence } from './presence';
import type { Views } from './views';

export function createLeadUseCases(
  { store, pool }: ChatServiceDeps,
  parts: { lookups: Lookups; views: Views; floor: Floor; presence: Presence; conversations: Conversations },
) {
  const { lookups, views, floor, presence, conversations } = parts;
  return {
    async watch(conversationId: string): Promise<ConversationWithMessages> {
      const c = await lookups.conversationOrThrow(conversationId);
      return { conversation: await views.conversationView(c), ...(await views.page(conversationId, { beforeSeq: null }, true)) };
    },

    async leadSnapshot(): Promise<LeadSnapshot> {
      const [presences, queue, active] = await Promise.all([pool.agents(), pool.queue(), store.listActiveConversations()]);
      return {
        agents: await Promise.all(presences.map(views.presenceView)),
        queue,
        conversations: await Promise.all(active.map(views.conversationView)),
      };
    },

    floorState(): Promise<FloorState> {
      return floor.state();
    },

    /** `offline` sends the agent's conversations back to the front of the queue; `away` stops new ones. */
    async setAgentStatus(agentId: string, status: AgentStatus): Promise<AgentPresenceView> {
      if (!(await lookups.user(agentId))) throw new AppError('AGENT_NOT_FOUND');
      await presence.setStatus(agentId, status);
      const p = await pool.agent(agentId);
      if (!p) throw new AppError('AGENT_NOT_FOUND');
      return views.presenceView(p);
    },

    /**
     * A lead takes a live conversation for themself or gives it to an agent with room, at once:
     * a transfer whose `conversation:removed` tells the agent who took it. Taking it oneself
     * needs a free slot like anyone's (status online, load below capacity).
     */
    async takeover(actor: Actor, conversationId: string, toAgentId = actor.id) {
      const to = await pool.agent(toAgentId);
      if (toAgentId === actor.id && (!to || to.status !== 'online' || to.load >= to.capacity)) {
        throw new AppError('AGENT_UNAVAILABLE', 'Set yourself online with a free slot to take a conversation over');
      }
      const moved = await conversations.transfer(actor, conversationId, toAgentId);
      return { conversationId, agentId: moved.agentId ?? toAgentId };
    },
  };
}
