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
     * a transfer whose `conversation:removed` tells the agent who took it. For themself, being
     * signed in (a connected console) is enough: their capacity does not stop it (the chat is
     * added above it), and an `offline` status becomes `away` (they hold chats, no new ones come).
     */
    async takeover(actor: Actor, conversationId: string, toAgentId = actor.id) {
      if (toAgentId !== actor.id) {
        const moved = await conversations.transfer(actor, conversationId, toAgentId);
        return { conversationId, agentId: moved.agentId ?? toAgentId };
      }
      const me = await pool.agent(actor.id);
      if (!me || me.connections === 0) throw new AppError('AGENT_UNAVAILABLE', 'Open the console to take a conversation over');
      // Away, not online: taking one chat must not also draw the queue to the lead.
      if (me.status === 'offline') await presence.setStatus(actor.id, 'away');
      const moved = await conversations.transfer(actor, conversationId, actor.id, undefined, undefined, { aboveCapacity: true });
      return { conversationId, agentId: moved.agentId ?? actor.id };
    },
  };
}
