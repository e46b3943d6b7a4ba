/** What an agent (or a lead in a conversation) does in the console: reply, note, type, read, hand over. */
import type { HistoryQuery, MessageAck, Page, VisitorInfo } from '../../../shared/protocol';
import { AppError } from '../../errors';
import type { StoredMessage } from '../ports/records';
import { visitorMessage } from '../transcripts';
import type { Background } from './background';
import type { Conversations } from './conversations';
import type { Actor, ChatServiceDeps } from './deps';
import type { Floor } from './floor';
import { rememberIn, type Lookups } from './lookups';
import type { Presence } from './presence';
import type { Routing } from './routing';
import { messageText } from './text';
import { pageAt, type Views } from './views';

export function createAgentUseCases(
  deps: ChatServiceDeps,
  parts: { lookups: Lookups; views: Views; routing: Routing; background: Background; conversations: Conversations; presence: Presence; floor: Floor },
) {
  const { store, pool, notifier, clock, limits, metrics } = deps;
  const { lookups, views, routing, background, conversations, presence, floor } = parts;
  const { authorize } = conversations;

  /** After the ack: to the visitor (unless a note), the assignee's other sockets and watching leads. */
  async function fanOut(actor: Actor, agentId: string | null, message: StoredMessage) {
    const m = await views.toMessage(message);
    if (m.kind === 'text') {
      notifier.visitor(await lookups.visitorIdOf(m.conversationId), 'message', visitorMessage(m));
      floor.activity(m.conversationId, 'agent', m.at);
      if (!lookups.firstResponded.has(m.conversationId)) {
        await store.markFirstResponse(m.conversationId, m.at);
        rememberIn(lookups.firstResponded, m.conversationId);
        floor.figuresChanged();
      }
    }
    notifier.agents({ agentIds: agentId ? [agentId] : [], watchersOf: m.conversationId, except: actor.socketId }, 'message', m);
  }

  return {
    /**
     * `admitted` (the transport's rate limit) is awaited alongside the assignment check, so the
     * two round trips overlap; nothing is stored unless both pass.
     */
    async agentSend(
      actor: Actor,
      p: { conversationId: string; clientId: string; text: string; note?: boolean },
      admitted?: Promise<void>,
    ): Promise<MessageAck> {
      const [access, admission] = await Promise.allSettled([authorize(actor, p.conversationId), admitted]);
      // Reported in a fixed order whichever settles first: rate limit, access, then the text.
      if (admission.status === 'rejected') throw admission.reason;
      if (access.status === 'rejected') throw access.reason;
      const agentId = access.value;
      const text = messageText(p.text, limits);
      // A lead who is not the assignee may whisper (a note) or barge in (text, under their own
      // name); the agent stays assigned and sees both. `authorize` let only leads this far.
      const kind = p.note ? 'note' : 'text';
      const outcome = await store.appendMessage({
        conversationId: p.conversationId, clientId: p.clientId, author: 'agent', authorId: actor.id, kind, text, at: clock.now(),
      });
      if (outcome.status === 'not_open') throw new AppError('CONVERSATION_CLOSED');
      const { message } = outcome;
      const ack: MessageAck = { conversationId: message.conversationId, seq: message.seq, at: message.at, duplicate: outcome.status === 'duplicate' };
      if (outcome.status === 'duplicate') {
        background.run('redeliver', async () => routing.redeliver(await views.toMessage(message), { visitor: true }));
        return ack;
      }
      metrics?.messageStored('agent', kind);
      background.run('deliver agent message', () => fanOut(actor, agentId, message));
      return ack;
    },

    async agentTyping(actor: Actor, conversationId: string, typing: boolean) {
      const agentId = await authorize(actor, conversationId);
      if (agentId !== actor.id) return; // a watching lead's typing is not shown to the visitor
      notifier.visitor(await lookups.visitorIdOf(conversationId), 'typing', { conversationId, typing });
      notifier.agents({ watchersOf: conversationId, except: actor.socketId }, 'typing', { conversationId, typing, author: 'agent' });
    },

    /** One page (shared/protocol.ts HistoryQuery) of a conversation the actor may read, notes included. */
    async conversationHistory(actor: Actor, q: HistoryQuery): Promise<Page> {
      if (actor.kind !== 'lead') await authorize(actor, q.conversationId);
      else await lookups.conversationOrThrow(q.conversationId);
      return views.page(q.conversationId, pageAt(q), true, q.limit);
    },

    /** The shopper behind a conversation the actor may see: page context and earlier conversations. */
    async visitorInfo(actor: Actor, conversationId: string): Promise<VisitorInfo> {
      if (actor.kind !== 'lead') await authorize(actor, conversationId);
      const c = await lookups.conversationOrThrow(conversationId);
      const [visitor, past] = await Promise.all([store.getVisitor(c.visitorId), store.listVisitorConversations(c.visitorId, 21)]);
      const earlier = past.filter((p) => p.id !== c.id).slice(0, 20);
      return {
        id: c.visitorId,
        name: visitor?.name ?? null,
        email: visitor?.email ?? null,
        context: visitor?.context ?? null,
        userAgent: visitor?.userAgent ?? null,
        firstSeenAt: visitor?.createdAt ?? c.openedAt,
        lastSeenAt: visitor?.lastSeenAt ?? c.openedAt,
        pastConversations: await Promise.all(
          earlier.map(async (p) => ({
            id: p.id,
            status: p.status,
            openedAt: p.openedAt,
            closedAt: p.closedAt,
            agentName: await lookups.agentName(p.agentId),
          })),
        ),
      };
    },

    /**
     * End of shift: all my conversations go to a colleague (who must be online with room for
     * all of them: checked by each transfer, atomically) or to the front of the queue; then
     * I go offline. I am `away` from the start, so nothing new arrives meanwhile; a transfer
     * refused half-way stops there with its error (what moved stays moved, I stay away).
     */
    async handover(actor: Actor, toAgentId: string | null, note?: string) {
      if (toAgentId === actor.id) throw new AppError('AGENT_UNAVAILABLE', 'Hand over to someone else');
      await presence.setStatus(actor.id, 'away');
      const handedOver: string[] = [];
      for (const conversationId of await pool.agentConversations(actor.id)) {
        await conversations.transfer(actor, conversationId, toAgentId, note);
        handedOver.push(conversationId);
      }
      await presence.setStatus(actor.id, 'offline');
      return { handedOver, toAgentId };
    },
  };
}
