/**
 * Wrap-up: a conversation the visitor ended stays in its agent's list, marked as ended (with the
 * agent's draft, which lives in the console), until the agent files its category and summary
 * (`conversation:wrapup`) or `wrapUpMinutes` pass, when it is filed uncategorised. The store's
 * steps are conditional updates: a second tab or process filing or expiring it changes nothing.
 */
import type { CloseCategory } from '../../../shared/protocol';
import { AppError } from '../../errors';
import type { Audience } from './audience';
import type { Actor, ChatServiceDeps } from './deps';
import type { Lookups } from './lookups';
import type { Routines } from './routines';

export type WrapUps = ReturnType<typeof createWrapUps>;

export function createWrapUps(deps: ChatServiceDeps, parts: { routines: Routines; lookups: Lookups; audience: Audience }) {
  const { store, notifier, clock } = deps;
  const { routines, lookups, audience } = parts;

  /** The agent's console drops the chat (filed or expired), on every socket of theirs. */
  const filed = (conversationId: string, agentId: string) =>
    notifier.agents({ agentIds: [agentId] }, 'conversation:removed', { conversationId, reason: 'closed' });

  return {
    /**
     * After the visitor closed: the wrap-up starts and the agent is told the chat ended (instead
     * of its removal). False when routines are off or it had started already: the caller removes it.
     */
    async start(conversationId: string, agentId: string): Promise<boolean> {
      const s = await routines.settings();
      if (!s) return false;
      const dueAt = clock.now() + s.wrapUpMinutes * 60_000;
      if (!(await store.startWrapUp(conversationId, dueAt))) return false;
      notifier.agents({ agentIds: [agentId] }, 'conversation:removed', { conversationId, reason: 'ended', wrapUpDueAt: dueAt });
      return true;
    },

    /** The agent who held it, or a lead, files the category and summary. */
    async file(actor: Actor, p: { conversationId: string; category: CloseCategory; summary?: string }) {
      const c = await lookups.conversationOrThrow(p.conversationId);
      if (actor.kind !== 'lead' && c.agentId !== actor.id) throw new AppError('CONVERSATION_NOT_FOUND');
      if (c.status !== 'closed') throw new AppError('CONVERSATION_NOT_CLOSED', 'The conversation is still going on; close it instead');
      const done = await store.fileWrapUp(p.conversationId, { category: p.category, summary: p.summary || null }, clock.now());
      if (!done) throw new AppError('CONVERSATION_CLOSED', 'Nothing to file: it was filed already, or its wrap-up time passed');
      filed(p.conversationId, done.agentId);
      await audience.announceConversation(p.conversationId);
      return { conversationId: p.conversationId };
    },

    /** Files every wrap-up past its time as uncategorised; returns how many. */
    async expire(): Promise<number> {
      const ended = await store.expireWrapUps(clock.now());
      ended.forEach((e) => filed(e.conversationId, e.agentId));
      return ended.length;
    },
  };
}
