/**
 * Customer-service routines that speak: texts sent in the agent's name at fixed moments (a
 * greeting on the first assignment, a closing text before an agent's close, a prompt to a
 * visitor who went quiet), marked automatic in the transcript.
 *
 * Each has a deterministic client id (`auto:<kind>:<conversation>[:<seq>]`, a prefix clients
 * may not use; the stored `auto` column derives from it). The store's unique (author, client
 * id) makes a retry, a repair or a second process storing the same text store it once; the
 * greeting and the closing text are also looked up by conversation, so a transfer to another
 * agent does not greet again.
 */
import type { FaqLanguage } from '../../../shared/faq';
import type { RoutineSettings } from '../../../shared/settings';
import { fillVariables } from '../../../shared/variables';
import { AUTO_CLIENT_ID_PREFIX, type AppendOutcome } from '../ports/records';
import { visitorMessage } from '../transcripts';
import type { ChatServiceDeps } from './deps';
import type { Lookups } from './lookups';
import type { Views } from './views';

export type RoutineKind = 'greeting' | 'closing' | 'idle';
export type Routines = ReturnType<typeof createRoutines>;

/** The client id of a routine's message in a conversation (`after`: the message it follows, for repeatable ones). */
export const routineClientId = (kind: RoutineKind, conversationId: string, after?: number) =>
  `${AUTO_CLIENT_ID_PREFIX}${kind}:${conversationId}${after === undefined ? '' : `:${after}`}`;

/** Which routine sent a message, from its client id; null for a typed one. */
export function routineOf(clientId: string | null): RoutineKind | null {
  if (!clientId?.startsWith(AUTO_CLIENT_ID_PREFIX)) return null;
  return clientId.slice(AUTO_CLIENT_ID_PREFIX.length).split(':')[0] as RoutineKind;
}

/** The settings language closest to a visitor's browser language (`zh*` is Chinese, anything else English). */
export const routineLanguage = (language: string | undefined): FaqLanguage =>
  language?.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';

export function createRoutines(deps: ChatServiceDeps, parts: { lookups: Lookups; views: Views }) {
  const { store, notifier, clock } = deps;
  const { lookups, views } = parts;

  /** The routines' settings; null (routines off) when the service was built without them. */
  const settings = async (): Promise<RoutineSettings | null> => (deps.routines ? deps.routines() : null);

  /**
   * Stores the text of `template` (in the visitor's language, variables filled) as the agent's
   * message and delivers it like a typed one. Nothing when the template is empty.
   */
  async function send(
    conversationId: string,
    agentId: string,
    clientId: string,
    template: Record<FaqLanguage, string>,
  ): Promise<AppendOutcome | null> {
    const visitor = await store.getVisitor(await lookups.visitorIdOf(conversationId));
    const body = template[routineLanguage(visitor?.context?.language)].trim();
    if (!body) return null;
    const text = fillVariables(body, { 'visitor.name': visitor?.name ?? '', 'agent.name': (await lookups.agentName(agentId)) ?? '' });
    const outcome = await store.appendMessage({ conversationId, clientId, author: 'agent', authorId: agentId, kind: 'text', text, at: clock.now() });
    if (outcome.status !== 'stored') return outcome;
    const m = await views.toMessage(outcome.message);
    notifier.visitor(visitor?.id ?? (await lookups.visitorIdOf(conversationId)), 'message', visitorMessage(m));
    notifier.agents({ agentIds: [agentId], watchersOf: conversationId }, 'message', m);
    return outcome;
  }

  /** Once per conversation: skipped when any agent already sent it. */
  async function once(kind: 'greeting' | 'closing', conversationId: string, agentId: string) {
    const s = await settings();
    if (!s) return null;
    const clientId = routineClientId(kind, conversationId);
    if (await store.hasClientId(conversationId, clientId)) return null;
    return send(conversationId, agentId, clientId, s[kind]);
  }

  return {
    settings,

    /** After an assignment is delivered: the greeting, unless this conversation was greeted before. */
    greet: (conversationId: string, agentId: string) => once('greeting', conversationId, agentId),

    /** Before an agent's or lead's close: the closing text, in the closer's name. */
    closing: (conversationId: string, agentId: string) => once('closing', conversationId, agentId),

    /** "Are you still there?" after the agent's message `afterSeq`: once per such message. */
    async promptIdle(conversationId: string, agentId: string, afterSeq: number) {
      const s = await settings();
      return s && send(conversationId, agentId, routineClientId('idle', conversationId, afterSeq), s.idlePrompt);
    },
  };
}
