/** One row of the chat list: visitor, unread count, last text and how long they have waited. */
import type { Message } from '../../../shared/protocol';
import { PresenceBadge } from '../conversation/presence-badge';
import { visitorLabel } from '../conversation/visitor-label';
import { fill, type Strings } from '../i18n';
import { waitingSince, type Chat } from '../state/chats';

function since(t: Strings, at: number) {
  const sec = Math.max(0, Math.round((Date.now() - at) / 1000));
  const time =
    sec < 60 ? fill(t.secondsShort, { n: sec }) : sec < 3600 ? fill(t.minutesShort, { n: Math.floor(sec / 60) }) : fill(t.hoursShort, { n: Math.floor(sec / 3600) });
  return fill(t.waiting, { time });
}

export function ChatItem({ chat, t, active, onSelect }: { chat: Chat; t: Strings; active: boolean; onSelect(): void }) {
  // The last text from the end, without copying the transcript.
  let last: Message | undefined;
  for (let i = chat.messages.length - 1; i >= 0 && !last; i--) if (chat.messages[i].kind === 'text') last = chat.messages[i];
  const waiting = chat.ended ? null : waitingSince(chat);
  const urgency = waiting === null ? '' : Date.now() - waiting > 60_000 ? ' late' : ' waiting';
  return (
    <li>
      <button type="button" class={`chatitem${active ? ' active' : ''}${urgency}${chat.ended ? ' ended' : ''}`} aria-current={active ? 'true' : undefined} onClick={onSelect}>
        <span class="name">{visitorLabel(chat, t)}</span>
        {chat.ended ? <span class="badge ended">{t.ended}</span> : <PresenceBadge presence={chat.view.visitorPresence} t={t} />}
        {chat.unread > 0 && <span class="unread" aria-label={fill(t.unread, { n: chat.unread })}>{chat.unread}</span>}
        <span class="preview">{last?.text ?? ''}</span>
        {waiting !== null && <span class="wait">{since(t, waiting)}</span>}
      </button>
    </li>
  );
}
