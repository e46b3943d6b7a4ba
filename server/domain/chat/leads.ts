/** What only leads do here: watch any conversation, see the whole floor. */
import type { ConversationWithMessages, LeadSnapshot } from '../../../shared/protocol';
import type { ChatServiceDeps } from './deps';
import type { Lookups } from './lookups';
import type { Views } from './views';

export function createLeadUseCases({ store, pool }: ChatServiceDeps, parts: { lookups: Lookups; views: Views }) {
  const { lookups, views } = parts;
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
  };
}
