/**
 * What a shopper does: sync, send (the first message opens and routes a conversation),
 * type, close, profile and page context, leave a message, rate. A message is acknowledged
 * as soon as it is stored; routing and delivery follow in the background.
 */
import type { HistoryQuery, MessageAck, Page, PageContext, VisitorMessage, VisitorSession } from '../../../shared/protocol';
import { AppError } from '../../errors';
import { openingAt } from '../business-hours';
import type { OpenedConversation } from '../ports/chat-store';
import type { StoredMessage } from '../ports/records';
import { visitorMessage } from '../transcripts';
import type { Audience } from './audience';
import type { Background } from './background';
import type { Conversations } from './conversations';
import type { ChatServiceDeps } from './deps';
import { unlessClosedMeanwhile } from './events';
import type { Floor } from './floor';
import type { FollowUps } from './routines-followups';
import type { Lookups } from './lookups';
import type { PreChat } from './pre-chat';
import type { QueueFaq } from './queue-faq';
import type { QueueWait } from './queue-wait';
import { PRIORITY, type Priorities } from './priority';
import type { Routing } from './routing';
import { messageText } from './text';
import { pageAt, visitorState, type Views } from './views';
import { createTierVerifier } from '../tiers';

/** Longest User-Agent stored; longer headers are cut. */
const MAX_USER_AGENT = 500;
/** Each turn means another close raced this send (a visitor's other tab, an agent). */
const MAX_SEND_ATTEMPTS = 5;

const ackOf = (m: StoredMessage, duplicate: boolean): MessageAck => ({
  conversationId: m.conversationId,
  seq: m.seq,
  at: m.at,
  duplicate,
});

export function createVisitorUseCases(
  deps: ChatServiceDeps,
  parts: {
    lookups: Lookups; views: Views; audience: Audience; routing: Routing; background: Background; conversations: Conversations; floor: Floor;
    followUps?: FollowUps;
    preChat: PreChat;
    queueWait: QueueWait;
    queueFaq: QueueFaq;
    priorities: Priorities;
  },
) {
  const { store, pool, notifier, clock, limits, metrics } = deps;
  const { lookups, views, audience, routing, background, conversations, floor, queueWait, queueFaq } = parts;
  const log = deps.logger.child({ module: 'chat' });
  const verifyTier = deps.tiers ?? createTierVerifier(undefined, clock);

  /** After the ack of a first message: announce the opening, copy it to the visitor's other tabs, route. */
  async function fanOutOpened(visitorId: string, socketId: string | undefined, o: OpenedConversation) {
    const opened = await audience.announceEvent(o.opened, [], true);
    if (!o.message) {
      // A racing re-send stored the text first, elsewhere: route the new conversation anyway.
      await routing.routeConversation(o.conversation.id);
      return;
    }
    const first = await views.toMessage(o.message);
    // The visitor's other tabs get it here; the agent gets the whole history with the assignment.
    notifier.visitor({ visitorId, except: socketId }, 'message', visitorMessage(first));
    floor.activity(first.conversationId, 'visitor', first.at);
    const routed = await routing.routeConversation(o.conversation.id, { conversation: o.conversation, visitorName: o.visitorName, messages: [opened, first] });
    // It has to wait: perhaps the FAQ answers it meanwhile.
    if (routed.outcome === 'queued') await queueFaq.offer(o.conversation.id, first.text).catch(unlessClosedMeanwhile);
  }

  /** After the ack of a later message: to the assignee, watching leads and the visitor's other tabs. */
  async function fanOutMessage(visitorId: string, socketId: string | undefined, message: StoredMessage) {
    // Read after the store: an assignment made since then sends the history, which holds this message.
    const agentId = await pool.assignmentOf(message.conversationId);
    const m = await views.toMessage(message);
    notifier.visitor({ visitorId, except: socketId }, 'message', visitorMessage(m));
    notifier.agents({ agentIds: agentId ? [agentId] : [], watchersOf: message.conversationId }, 'message', m);
    floor.activity(m.conversationId, 'visitor', m.at);
  }

  /** When business hours are on and the team is closed now: when it opens next (null: never). */
  async function closedNow(): Promise<{ reopensAt: number | null } | null> {
    const hours = await deps.businessHours?.();
    if (!hours) return null;
    const o = openingAt(hours, clock.now());
    return o.open ? null : o;
  }

  /** A re-send: the original's ack again, and whatever followed the original finished. */
  function duplicate(message: StoredMessage): MessageAck {
    background.run('redeliver', async () => routing.redeliver(await views.toMessage(message), { visitor: false }));
    return ackOf(message, true);
  }

  return {
    /**
     * Who the visitor is, their active conversation and one page of it after `afterSeq`; an
     * `afterSeq` that counts in another conversation (`conversationId`) starts from the beginning.
     */
    async visitorSession(visitorId: string, token: string, afterSeq = 0, conversationId?: string): Promise<VisitorSession> {
      const [c, agents, form, closed] = await Promise.all([
        store.findActiveConversation(visitorId),
        pool.agents(),
        parts.preChat.ask(visitorId),
        closedNow(),
      ]);
      // Closed by business hours: the widget offers the form and says when the team is back.
      const agentsAvailable = !closed && agents.some((a) => a.status === 'online');
      const reopens = closed?.reopensAt != null ? { reopensAt: closed.reopensAt } : {};
      const sessionLimits = { maxMessageLength: limits.maxMessageLength, messagesPerSecond: limits.visitorMessagesPerSecond };
      // No chat going on: the (closed) conversation answering a message they left, if one came since their last chat.
      const answer = c ? null : await store.answerToShow(visitorId);
      const shown = c ?? (answer ? await store.getConversation(answer) : null);
      if (!shown) return { visitorId, token, conversation: null, messages: [], hasMore: false, agentsAvailable, ...form, ...reopens, limits: sessionLimits };
      if (c) lookups.opened(visitorId, c.id);
      const [view, page] = await Promise.all([
        views.conversationView(shown),
        views.page(shown.id, { afterSeq: conversationId && conversationId !== shown.id ? 0 : afterSeq }, false),
      ]);
      const queued = view.queuePosition ? (await queueWait.reader())(view.queuePosition, view.openedAt) : undefined;
      return {
        visitorId,
        token,
        conversation: visitorState(view, queued),
        messages: page.messages.map(visitorMessage),
        hasMore: page.hasMore,
        agentsAvailable,
        ...form,
        ...reopens,
        limits: sessionLimits,
      };
    },

    /** One page of one of the visitor's conversations, closed ones included; never notes. */
    async visitorHistory(visitorId: string, q: HistoryQuery): Promise<Page<VisitorMessage>> {
      const c = await store.getConversation(q.conversationId);
      // Someone else's conversation looks the same as a missing one.
      if (!c || c.visitorId !== visitorId) throw new AppError('CONVERSATION_NOT_FOUND');
      const page = await views.page(c.id, pageAt(q), false, q.limit);
      return { messages: page.messages.map(visitorMessage), hasMore: page.hasMore };
    },

    /**
     * Stores a visitor message and acknowledges it; the first one opens the conversation.
     * `socketId`: the sending socket, which gets the ack rather than a copy of the message.
     * `beforeOpening`: awaited once, before this message would open a new conversation; a
     * rejection refuses the message with nothing stored (the cap on new conversations). So does a
     * required pre-chat field (name, email, department) missing from the visitor's profile (PRE_CHAT_REQUIRED).
     * While business hours are on and the team is closed, a message that would open a
     * conversation is refused (TEAM_CLOSED, nothing stored); a chat already going on goes on.
     */
    async visitorSend(
      visitorId: string,
      p: { clientId: string; text: string },
      socketId?: string,
      beforeOpening?: () => Promise<void>,
    ): Promise<MessageAck> {
      const draft = { clientId: p.clientId, author: 'visitor' as const, authorId: visitorId, kind: 'text' as const, text: messageText(p.text, limits), at: clock.now() };
      let allowedToOpen = false;
      for (let attempt = 0; attempt < MAX_SEND_ATTEMPTS; attempt++) {
        let conversationId = lookups.activeOf.get(visitorId);
        if (!conversationId) {
          if (!allowedToOpen) {
            const closed = await closedNow();
            if (closed) {
              // A re-send of a message stored while the team was open is still its original.
              const original = await store.findMessageByClientId(visitorId, p.clientId);
              if (original) return duplicate(original);
              const when = closed.reopensAt === null ? '' : `; open again from ${new Date(closed.reopensAt).toISOString()}`;
              throw new AppError('TEAM_CLOSED', `The team is closed now${when}: leave a message (offline:message)`);
            }
            await parts.preChat.check(visitorId);
            await beforeOpening?.();
            allowedToOpen = true;
          }
          // Most often a new conversation: try opening it with this message, in one statement.
          const opened = await store.openConversationWith(visitorId, draft.at, { clientId: p.clientId, text: draft.text });
          if (opened) {
            lookups.opened(visitorId, opened.conversation.id);
            if (opened.message) metrics?.messageStored('visitor', 'text');
            background.run('route new conversation', () => fanOutOpened(visitorId, socketId, opened));
            if (opened.message) return ackOf(opened.message, false);
            const original = await store.findMessageByClientId(visitorId, p.clientId);
            if (!original) throw new Error(`Message ${p.clientId} was reported stored but is not`);
            return ackOf(original, true);
          }
          // Refused: an active conversation exists, or this is a re-send (whose conversation may have closed).
          const [active, original] = await Promise.all([
            store.findActiveConversation(visitorId),
            store.findMessageByClientId(visitorId, p.clientId),
          ]);
          if (original) return duplicate(original);
          if (!active) continue; // closed in between: try again
          conversationId = active.id;
          lookups.opened(visitorId, conversationId);
        }
        // The store refuses a conversation closed since it was seen open: then look again.
        const outcome = await store.appendMessage({ conversationId, ...draft });
        if (outcome.status === 'duplicate') return duplicate(outcome.message);
        if (outcome.status === 'stored') {
          metrics?.messageStored('visitor', 'text');
          const { message } = outcome;
          background.run('deliver visitor message', () => fanOutMessage(visitorId, socketId, message));
          return ackOf(message, false);
        }
        lookups.activeOf.delete(visitorId);
      }
      throw new AppError('CONVERSATION_CLOSED');
    },

    /** `text`: the draft agents may see (the caller applies the team's typing-preview setting). */
    async visitorTyping(visitorId: string, typing: boolean, text?: string) {
      const c = await store.findActiveConversation(visitorId);
      if (!c) return;
      const agentId = await pool.assignmentOf(c.id);
      const p = text === undefined ? { conversationId: c.id, typing } : { conversationId: c.id, typing, text };
      notifier.agents({ agentIds: agentId ? [agentId] : [], watchersOf: c.id }, 'typing', p);
    },

    async visitorClose(visitorId: string) {
      const known = lookups.activeOf.get(visitorId);
      if (known) {
        // Stale when another process closed it: then look the active one up.
        const closed = await conversations.close(known, { by: 'visitor', byId: visitorId }).catch(unlessClosedMeanwhile);
        if (closed) return closed;
      }
      const c = await store.findActiveConversation(visitorId);
      if (!c) throw new AppError('NO_CONVERSATION');
      return conversations.close(c.id, { by: 'visitor', byId: visitorId });
    },

    /**
     * Name and email the shopper gave, the customer tier their host page signed, the department
     * their next conversations go to; a field left out keeps its stored value. A tier that does
     * not verify (TIER_INVALID) or an unknown department (DEPARTMENT_NOT_FOUND) refuses the
     * whole call, storing nothing. A VIP tier raises the priority of a conversation going on.
     */
    async setVisitorProfile(visitorId: string, p: { name?: string; email?: string; tier?: string; department?: string }) {
      const tier = p.tier === undefined ? undefined : verifyTier(p.tier);
      if (p.department !== undefined && !(await store.getDepartment(p.department))) throw new AppError('DEPARTMENT_NOT_FOUND');
      await store.setVisitorProfile(visitorId, { name: p.name, email: p.email, tier, departmentId: p.department }, clock.now());
      if (tier?.tier === 'vip') {
        const c = await store.findActiveConversation(visitorId);
        if (c) await parts.priorities.raise(c.id, PRIORITY.vip);
      }
      return { visitorId };
    },

    /**
     * Replaces the visitor's page context. `userAgent` is the connection's header (never
     * taken from the payload); a missing one keeps the stored value.
     */
    async setVisitorContext(visitorId: string, context: PageContext, userAgent: string | undefined) {
      await store.setVisitorContext(visitorId, context, userAgent ? userAgent.slice(0, MAX_USER_AGENT) : null, clock.now());
      return { visitorId };
    },

    /**
     * Leave-a-message: the text is checked like a chat message; the visitor's context is kept with
     * it. A conversation of theirs still waiting in the queue closes (reason `left_message`): the
     * message takes its place. One an agent holds goes on.
     */
    async leaveMessage(visitorId: string, p: { name: string; email: string; text: string }) {
      const text = messageText(p.text, limits);
      const left = await store.addLeftMessage({ visitorId, name: p.name, email: p.email, text, at: clock.now() });
      log.info({ leftMessageId: left.id, visitorId }, 'message left');
      const waiting = await store.findActiveConversation(visitorId);
      if (waiting && !(await pool.assignmentOf(waiting.id))) {
        await conversations.close(waiting.id, { by: 'visitor', byId: visitorId }, { reason: 'left_message' }).catch(unlessClosedMeanwhile);
      }
      // After the ack; one follow-up per left message (the store refuses a second).
      if (parts.followUps) background.run('follow-up for a left message', () => parts.followUps!.leftMessage({ id: left.id, visitorId, text }));
      if (deps.leftMessageAdded) background.run('push a left message', () => deps.leftMessageAdded!(left.id));
      return { id: left.id };
    },

    /**
     * A conversation written outside the chat (the answer to a left message, already closed):
     * shown at once in the visitor's open widgets, unless a live chat of theirs is on screen.
     * Later widgets get it from `session:sync`.
     */
    async showAnswer(conversationId: string) {
      const c = await store.getConversation(conversationId);
      if (!c || (await store.findActiveConversation(c.visitorId))) return;
      const view = await views.conversationView(c);
      notifier.visitor(c.visitorId, 'conversation:state', visitorState(view));
      // Two or three messages: the left one, the answer (one page).
      for (const m of (await views.page(c.id, { afterSeq: 0 }, false)).messages) notifier.visitor(c.visitorId, 'message', visitorMessage(m));
    },

    /** The visitor's answer to the FAQ answer offered while queued (queue-faq.ts). */
    faqFeedback: queueFaq.feedback,

    /** Rates one of the visitor's closed conversations; a new rating replaces the old one. */
    async rateConversation(visitorId: string, p: { conversationId: string; score: number; comment?: string }) {
      const c = await store.getConversation(p.conversationId);
      // Someone else's conversation looks the same as a missing one.
      if (!c || c.visitorId !== visitorId) throw new AppError('CONVERSATION_NOT_FOUND');
      if (c.status !== 'closed') throw new AppError('CONVERSATION_NOT_CLOSED');
      const comment = p.comment?.trim() || null;
      await store.upsertRating({ conversationId: c.id, visitorId, score: p.score, comment, at: clock.now() });
      if (parts.followUps) background.run('follow-up for a low rating', () => parts.followUps!.rated(c.id, p.score, comment));
      floor.figuresChanged();
      return { conversationId: c.id, score: p.score };
    },
  };
}
