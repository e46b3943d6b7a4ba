/** Which pre-chat fields the widget asks now (apart from the form, so it runs in Node tests too). */
import type { PreChatField } from '../../shared/protocol';
import type { ChatState } from './chat';

/** The fields to ask now (in the session's order), or null. A question alone is what the composer asks anyway. */
export function preChatFields(s: ChatState): PreChatField[] | null {
  const p = s.preChat;
  if (!p || s.conversation || s.outbox.length) return null;
  const f = (Object.keys(p) as PreChatField[]).filter((k) => !(k in s.known) && (k != 'department' || s.departments?.length));
  return f.some((k) => k != 'question') ? f : null;
}
