/** In an agent's console: a lead took one of my conversations (or sent it back to the queue), and who. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { fill, type Locale } from '../i18n';
import type { ConsoleSession } from '../state/session';
import { visitorName } from './format';
import { floorStrings } from './strings';

export function TakenNotice({ session, locale }: { session: ConsoleSession; locale: Locale }) {
  const s = floorStrings(locale);
  // The session drops a removed chat before this hears of it: remember the names beforehand.
  const names = useRef<Record<string, { visitorName: string | null; visitorId: string }>>({});
  const [notice, setNotice] = useState<{ by: string; to?: string; visitor: string } | null>(null);
  useEffect(() => {
    const remember = () => {
      for (const c of Object.values(session.state.chats)) names.current[c.view.id] = c.view;
    };
    remember();
    const offState = session.subscribe(remember);
    const offRemoved = session.on('conversation:removed', (p) => {
      if (!p.by) return;
      const known = names.current[p.conversationId];
      setNotice({ by: p.by.name, to: p.to?.name, visitor: known ? visitorName(known, s) : '' });
    });
    return () => {
      offState();
      offRemoved();
    };
  }, [session, locale]);
  if (!notice) return null;
  return (
    <p class="banner" role="status">
      {notice.to ? fill(s.takenBy, notice) : fill(s.sentBackBy, notice)}{' '}
      <button type="button" class="link" onClick={() => setNotice(null)}>{s.dismiss}</button>
    </p>
  );
}
