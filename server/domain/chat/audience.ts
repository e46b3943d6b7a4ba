/**
 * Who hears what: a system event goes to the visitor and the agent side, agent state to the
 * agent and the leads, queue positions to every waiting visitor. Emitting is synchronous
 * (Socket.IO rooms); what is awaited here are the reads that build the payloads.
 */
import type { ConversationView, SystemEvent } from '../../../shared/protocol';
import { AppError } from '../../errors';
import type { AgentPresence } from '../ports/presence';
import type { StoredMessage } from '../ports/records';
import { visitorMessage } from '../transcripts';
import type { ChatServiceDeps } from './deps';
import { eventMessage } from './events';
import type { Floor } from './floor';
import type { Lookups } from './lookups';
import type { QueueWait } from './queue-wait';
import type { Views } from './views';

export type Audience = ReturnType<typeof createAudience>;

export function createAudience(deps: ChatServiceDeps, lookups: Lookups, views: Views, floor: Floor, queueWait: QueueWait) {
  const { store, pool, notifier, clock, metrics } = deps;
  const log = deps.logger.child({ module: 'chat' });

  /**
   * A stored system event goes to the visitor (they see every type), the agents named and
   * watching leads; `unseen`: nobody can be watching yet (a conversation this call created).
   */
  async function announceEvent(event: StoredMessage, agentIds: string[] = [], unseen = false) {
    metrics?.messageStored('system', 'event');
    const m = await views.toMessage(event);
    notifier.visitor(await lookups.visitorIdOf(event.conversationId), 'message', visitorMessage(m));
    if (!unseen) notifier.agents({ agentIds, watchersOf: event.conversationId }, 'message', m);
    return m;
  }

  /** Leads see every conversation's state change; the floor gets it with its times. */
  function leadsSee(view: ConversationView) {
    notifier.agents({ leads: true }, 'conversation:updated', view);
    floor.conversationChanged(view);
  }

  // Queue positions (with each visitor's estimated wait): many changes in one burst cause one broadcast.
  let positionsScheduled: Promise<void> | null = null;

  async function broadcastQueue() {
    const queue = await pool.queue();
    notifier.agents({ leads: true }, 'queue:changed', { queue });
    floor.figuresChanged();
    const states = await queueWait.queueStates(queue);
    await Promise.all(
      states.map(async (state) => {
        if (state) notifier.visitor(await lookups.visitorIdOf(state.id), 'conversation:state', state);
      }),
    );
  }

  return {
    announceEvent,

    /** Records a system event and tells everyone concerned; CONVERSATION_CLOSED when it closed meanwhile. */
    async recordEvent(conversationId: string, event: SystemEvent, agentIds: string[] = []) {
      const outcome = await store.appendMessage(eventMessage(conversationId, event, clock.now()));
      if (outcome.status === 'not_open') throw new AppError('CONVERSATION_CLOSED');
      return announceEvent(outcome.message, agentIds);
    },

    /** The agent's own state to the agent, their presence to the leads. */
    async announceAgent(agentId: string, presence?: AgentPresence | null) {
      const p = presence ?? (await pool.agent(agentId));
      if (!p) return;
      notifier.agents({ agentIds: [agentId] }, 'agent:state', await views.agentSelf(agentId, p));
      notifier.agents({ leads: true }, 'agent:changed', await views.presenceView(p));
    },

    leadsSee,

    async announceConversation(conversationId: string) {
      const c = await store.getConversation(conversationId);
      if (c) leadsSee(await views.conversationView(c));
    },

    scheduleQueueBroadcast() {
      positionsScheduled ??= new Promise<void>((resolve) => setImmediate(resolve))
        .then(() => {
          positionsScheduled = null;
          return broadcastQueue();
        })
        .catch((err) => log.error({ err }, 'queue broadcast failed'));
    },

    /** Resolves when no queue broadcast is pending. */
    async idle() {
      while (positionsScheduled) await positionsScheduled;
    },
  };
}
