/**
 * The widget's pre-chat form (team setting `preChat`): which fields a visitor's session asks
 * for, and the refusal of a conversation's first message while a required name or email is
 * missing. The question needs no check (it is the first message itself); the department is
 * asked only where departments are offered.
 */
import { PRE_CHAT_FIELDS, type VisitorSession } from '../../../shared/protocol';
import { AppError } from '../../errors';
import type { ChatServiceDeps } from './deps';

/** The fields kept on the visitor's profile: asked only while the profile lacks them. */
const PROFILE = ['name', 'email'] as const;

export type PreChat = ReturnType<typeof createPreChat>;

export function createPreChat(deps: ChatServiceDeps) {
  const { store } = deps;
  const form = async () => deps.preChat?.() ?? null;

  return {
    /** What the session asks for: the fields switched on, less what the profile holds; undefined when none. */
    async ask(visitorId: string): Promise<VisitorSession['preChat']> {
      const f = await form();
      const on = f ? PRE_CHAT_FIELDS.filter((k) => f[k] !== 'off') : [];
      if (!on.length) return undefined;
      const v = await store.getVisitor(visitorId);
      const left = on.filter((k) => !(k === 'name' || k === 'email') || !v?.[k]);
      return left.length ? Object.fromEntries(left.map((k) => [k, f![k]])) : undefined;
    },

    /** Refuses to open a conversation while a required profile field is missing; nothing is stored. */
    async check(visitorId: string): Promise<void> {
      const f = await form();
      const required = f ? PROFILE.filter((k) => f[k] === 'required') : [];
      if (!required.length) return;
      const v = await store.getVisitor(visitorId);
      const missing = required.filter((k) => !v?.[k]);
      if (missing.length) throw new AppError('PRE_CHAT_REQUIRED', `Required before the first message: ${missing.join(', ')}`);
    },
  };
}
