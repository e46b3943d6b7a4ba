/**
 * The widget's pre-chat form (team setting `preChat`) together with the department choice
 * (setting `departments.offerChoice`): which fields a visitor's session asks for, and the refusal
 * of a conversation's first message while a required name, email or department is missing. The
 * question needs no check (it is the first message itself).
 *
 * The department is asked exactly when departments are offered and exist: a lead who turns the
 * choice on wants shoppers to choose, so it is required then even with the form's department
 * `off`; `optional` in the form lets shoppers skip it. Without departments offered it is never
 * asked, whatever the form says.
 */
import { PRE_CHAT_FIELDS, type DepartmentRef, type PreChatField, type VisitorSession } from '../../../shared/protocol';
import type { PreChatMode } from '../../../shared/settings';
import { AppError } from '../../errors';
import { DEFAULT_SETTINGS } from '../settings';
import type { ChatServiceDeps } from './deps';

/** The fields kept on the visitor's profile, each with the profile's value that answers it. */
const PROFILE = { name: 'name', email: 'email', department: 'departmentId' } as const;

export type PreChat = ReturnType<typeof createPreChat>;

export function createPreChat(deps: ChatServiceDeps) {
  const { store } = deps;

  /** The departments a shopper may choose from, when the lead has the widget offer a choice. */
  async function offered(): Promise<DepartmentRef[] | undefined> {
    if (!((await deps.departments?.()) ?? DEFAULT_SETTINGS.departments).offerChoice) return undefined;
    return (await store.listDepartments()).map(({ id, name }) => ({ id, name }));
  }

  /** Each field's mode as it applies now, and the departments offered. */
  async function form() {
    const [f, departments] = await Promise.all([deps.preChat?.() ?? DEFAULT_SETTINGS.preChat, offered()]);
    const department: PreChatMode = departments?.length ? (f.department === 'optional' ? 'optional' : 'required') : 'off';
    return { modes: { ...f, department }, departments };
  }

  return {
    /**
     * What the session asks for (the fields on, less the name and email the profile holds;
     * undefined when none) and the departments offered. The department is asked before every
     * new conversation: a shopper's need may differ from last time.
     */
    async ask(visitorId: string): Promise<Pick<VisitorSession, 'preChat' | 'departments'>> {
      const { modes, departments } = await form();
      const choice = departments ? { departments } : {};
      const on = PRE_CHAT_FIELDS.filter((k) => modes[k] !== 'off');
      if (!on.length) return choice;
      const v = await store.getVisitor(visitorId);
      const left = on.filter((k) => !(k === 'name' || k === 'email') || !v?.[k]);
      return left.length ? { preChat: Object.fromEntries(left.map((k) => [k, modes[k]])), ...choice } : choice;
    },

    /**
     * Refuses to open a conversation while a required field is missing from the profile (the
     * department: the last one chosen, or named by the host page); nothing is stored.
     */
    async check(visitorId: string): Promise<void> {
      const { modes } = await form();
      const required = (Object.keys(PROFILE) as (keyof typeof PROFILE & PreChatField)[]).filter((k) => modes[k] === 'required');
      if (!required.length) return;
      const v = await store.getVisitor(visitorId);
      const missing = required.filter((k) => !v?.[PROFILE[k]]);
      if (missing.length) throw new AppError('PRE_CHAT_REQUIRED', `Required before the first message: ${missing.join(', ')}`);
    },
  };
}
