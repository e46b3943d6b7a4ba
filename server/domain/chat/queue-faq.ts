/**
 * The FAQ while queued. When a conversation has to wait, the shopper's first question is
 * matched against the FAQ, in Chinese when it holds Chinese characters, else in English; a good
 * enough answer is offered in the transcript (`faq_offered`: the widget shows it as "This may
 * help"). The shopper answers once: "That solved it" closes the conversation as self-served
 * (`closed`, reason `faq_solved`), which takes it out of the queue; "I still need a person"
 * records `faq_declined` and keeps the place. Both stay in the transcript, for agents (who see
 * what the shopper was offered) and for reports.
 */
import type { FaqLanguage } from '../../../shared/faq';
import type { ConversationStatus } from '../../../shared/protocol';
import { AppError } from '../../errors';
import type { Audience } from './audience';
import type { Conversations } from './conversations';
import type { ChatServiceDeps } from './deps';

/**
 * "Good enough": the best entry's BM25 score reaches MIN_SCORE and leads the next one by
 * MIN_LEAD. Tuned on the demo FAQ with the shopper test set (test/fixtures/faq-questions.ts):
 * 45 of 52 questions get their right answer offered, one a wrong one, and greetings, "can I
 * talk to someone" and questions the FAQ does not cover mostly get none (test/unit/queue-faq.test.ts).
 */
export const FAQ_OFFER_MIN_SCORE = 5;
export const FAQ_OFFER_MIN_LEAD = 1.2;
/** The offer is recorded right after the opening, so it is among a transcript's first messages. */
const HEAD = 50;
const HAN = /\p{Script=Han}/u;

/** Which FAQ a question is matched in: Chinese when it holds a Chinese character, else English. */
export const questionLanguage = (text: string): FaqLanguage => (HAN.test(text) ? 'zh-CN' : 'en');

/** The entry worth offering among the best two matches of a question (best first), or null. */
export function offerable<T>(matches: readonly { entry: T; score: number }[]): T | null {
  const [best, next] = matches;
  if (!best || best.score < FAQ_OFFER_MIN_SCORE || best.score < FAQ_OFFER_MIN_LEAD * (next?.score ?? 0)) return null;
  return best.entry;
}

export type QueueFaq = ReturnType<typeof createQueueFaq>;

export function createQueueFaq(deps: ChatServiceDeps, parts: { audience: Audience; conversations: Conversations }) {
  const { store, pool } = deps;
  const { audience, conversations } = parts;

  /** The best FAQ answer to `question`, when it is good enough; else null. */
  async function bestAnswer(question: string) {
    return deps.faq ? offerable(await deps.faq(question, { language: questionLanguage(question), limit: 2 })) : null;
  }

  return {
    bestAnswer,

    /** After a new conversation joined the queue: offers the answer to its first question, if one is good enough. */
    async offer(conversationId: string, question: string) {
      const entry = await bestAnswer(question);
      if (!entry) return null;
      return audience.recordEvent(conversationId, { type: 'faq_offered', entryId: entry.id, question: entry.question, answer: entry.answer });
    },

    /** The visitor's answer to the offer: on offer while the conversation is queued and the offer unanswered. */
    async feedback(visitorId: string, p: { conversationId: string; solved: boolean }): Promise<{ conversationId: string; status: ConversationStatus }> {
      const c = await store.getConversation(p.conversationId);
      // Someone else's conversation looks the same as a missing one.
      if (!c || c.visitorId !== visitorId) throw new AppError('CONVERSATION_NOT_FOUND');
      const [agentId, head] = await Promise.all([pool.assignmentOf(c.id), store.messagesAfter(c.id, 0, { limit: HEAD })]);
      const offered = head.findIndex((m) => m.event?.type === 'faq_offered');
      if (c.status === 'closed' || agentId || offered < 0 || head.slice(offered).some((m) => m.event?.type === 'faq_declined')) {
        throw new AppError('FAQ_NOT_OFFERED');
      }
      if (p.solved) {
        await conversations.close(c.id, { by: 'visitor', byId: visitorId }, { reason: 'faq_solved' });
        return { conversationId: c.id, status: 'closed' };
      }
      await audience.recordEvent(c.id, { type: 'faq_declined' });
      return { conversationId: c.id, status: 'queued' };
    },
  };
}
