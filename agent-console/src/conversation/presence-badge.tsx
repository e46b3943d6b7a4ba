/** Whether the shopper is on the page, has it in the background, left, or came back (§5.1 `visitor:presence`). */
import type { VisitorPresence } from '../../../shared/protocol';
import type { Strings } from '../i18n';

export function PresenceBadge({ presence, t }: { presence: VisitorPresence | undefined; t: Strings }) {
  if (!presence) return null;
  const key = presence.state === 'on_page' && presence.returned ? 'presenceReturned' : (`presence.${presence.state}` as const);
  const since = new Date(presence.since).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return (
    <span class={`badge presence ${presence.state}`} title={`${t[key]} · ${since}`}>
      {t[key]}
    </span>
  );
}
