import type { Strings } from '../i18n';
import type { Chat } from '../state/chats';

/** The visitor's name, or "Visitor" and the start of their id. */
export const visitorLabel = (chat: Chat, t: Strings) => chat.view.visitorName ?? `${t.visitor} ${chat.view.visitorId.slice(0, 6)}`;
