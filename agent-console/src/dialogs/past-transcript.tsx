/** An earlier conversation's transcript, read over REST with my token (read-only), with an optional panel beside it. */
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { Message } from '../../../shared/protocol';
import type { Api } from '../api';
import { eventText } from '../conversation/event-text';
import type { Locale, Strings } from '../i18n';
import { errorText } from '../locales/error-text';
import { Dialog } from './dialog';

export function PastTranscript({ id, api, t, locale, title, aside, onDone }: { id: string; api: Api; t: Strings; locale: Locale; title?: string; aside?: ComponentChildren; onDone(): void }) {
  const [messages, setMessages] = useState<Message[] | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    api.transcript(id).then((r) => setMessages(r.messages), (e: unknown) => setError(errorText(t, e)));
  }, [id]);
  const time = new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'short' });
  const log = (
    <div class="log past-log" role="log" aria-label={t.transcript} tabIndex={0}>
      {(messages ?? []).map((m) =>
        m.kind === 'event' ? (
          <div key={m.seq} class="event">{eventText(m, t)} · {time.format(m.at)}</div>
        ) : (
          <div key={m.seq} class={`msg ${m.author} ${m.kind}`}>
            <span class="meta">{m.authorName ?? t.visitor} · {time.format(m.at)}</span>
            <span class="text">{m.text}</span>
          </div>
        ),
      )}
    </div>
  );
  return (
    <Dialog title={title ?? t.pastConversations} onCancel={onDone}>
      {error && <p role="alert" class="error">{error}</p>}
      {aside ? <div class="with-aside">{log}{aside}</div> : log}
      <div class="buttons">
        <button type="button" onClick={onDone}>{t.closeWindow}</button>
      </div>
    </Dialog>
  );
}
