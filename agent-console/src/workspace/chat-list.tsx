/** My conversations, longest-waiting first. */
import type { Strings } from '../i18n';
import type { Chat } from '../state/chats';
import { ChatItem } from './chat-item';

export function ChatList({ t, list, activeId, onSelect }: { t: Strings; list: Chat[]; activeId: string | null; onSelect(id: string): void }) {
  return (
    <nav class="chatlist" aria-label={t.conversations}>
      <h2>{t.conversations}</h2>
      {!list.length && <p class="empty">{t.noConversations}</p>}
      <ul>
        {list.map((c) => (
          <ChatItem key={c.view.id} chat={c} t={t} active={c.view.id === activeId} onSelect={() => onSelect(c.view.id)} />
        ))}
      </ul>
    </nav>
  );
}
