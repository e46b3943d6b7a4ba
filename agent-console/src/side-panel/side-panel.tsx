/** Beside the conversation: FAQ suggestions, the visitor, and their earlier transcripts. */
import { useState } from 'preact/hooks';
import type { Api } from '../api';
import { PastTranscript } from '../dialogs/past-transcript';
import type { Locale, Strings } from '../i18n';
import type { Chat } from '../state/chats';
import type { ConsoleSession } from '../state/session';
import { FaqSuggestions } from './faq-suggestions';
import { useVisitorInfo, VisitorPanel } from './visitor-panel';

interface SidePanelProps {
  chat: Chat;
  session: ConsoleSession;
  api: Api;
  t: Strings;
  locale: Locale;
  onInsert(answer: string): void;
}

export function SidePanel({ chat, session, api, t, locale, onInsert }: SidePanelProps) {
  const info = useVisitorInfo(session, chat.view.id);
  const [past, setPast] = useState<string | null>(null);
  let lastVisitorText: string | undefined;
  for (let i = chat.messages.length - 1; i >= 0 && lastVisitorText === undefined; i--) {
    const m = chat.messages[i];
    if (m.author === 'visitor' && m.kind === 'text') lastVisitorText = m.text;
  }
  return (
    <aside class="side" aria-label={t.visitorPanel}>
      <FaqSuggestions t={t} api={api} text={lastVisitorText} onInsert={onInsert} />
      <VisitorPanel info={info} t={t} locale={locale} onOpenTranscript={setPast} />
      {past && <PastTranscript id={past} api={api} t={t} locale={locale} onDone={() => setPast(null)} />}
    </aside>
  );
}
