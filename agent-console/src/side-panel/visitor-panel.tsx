/** Who the visitor is: name, page, referrer, browser, local time, host-page data and earlier conversations. */
import { useEffect, useState } from 'preact/hooks';
import type { VisitorInfo } from '../../../shared/protocol';
import type { Locale, Strings } from '../i18n';
import type { ConsoleSession } from '../state/session';

/** Only http(s) pages become links; anything else the widget reported is shown as text. */
const safeUrl = (u?: string) => (u && /^https?:\/\//i.test(u) ? u : null);

export function useVisitorInfo(session: ConsoleSession, conversationId: string) {
  const [info, setInfo] = useState<VisitorInfo | null>(null);
  useEffect(() => {
    void session.call('visitor:info', { conversationId }).then((r) => r.ok && setInfo(r.data));
  }, [conversationId]);
  return info;
}

export function VisitorPanel({ info, t, locale, onOpenTranscript }: { info: VisitorInfo | null; t: Strings; locale: Locale; onOpenTranscript(id: string): void }) {
  if (!info) return null;
  const c = info.context;
  let local = '';
  try {
    if (c?.timeZone) local = new Intl.DateTimeFormat(locale, { timeZone: c.timeZone, hour: '2-digit', minute: '2-digit' }).format(Date.now()) + ` (${c.timeZone})`;
  } catch {
    // A time zone this browser does not know.
    local = c?.timeZone ?? '';
  }
  const date = new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'short' });
  return (
    <section aria-label={t.visitorPanel}>
      <h3>{t.visitorPanel}</h3>
      <dl>
        <dt>{t.name}</dt>
        <dd>{info.name ?? '—'}{info.email ? ` <${info.email}>` : ''}</dd>
        <dt>{t.page}</dt>
        <dd>{safeUrl(c?.url) ? <a href={c!.url} target="_blank" rel="noopener noreferrer">{c?.title || c?.url}</a> : c?.url ?? '—'}</dd>
        <dt>{t.referrer}</dt>
        <dd>{c?.referrer || '—'}</dd>
        <dt>{t.browser}</dt>
        <dd>{[c?.language, info.userAgent].filter(Boolean).join(' · ') || '—'}</dd>
        <dt>{t.localTime}</dt>
        <dd>{local || '—'}</dd>
        {Object.entries(c?.data ?? {}).map(([k, v]) => (
          <>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </>
        ))}
      </dl>
      <h3>{t.pastConversations}</h3>
      {info.pastConversations.length === 0 ? (
        <p class="empty">{t.none}</p>
      ) : (
        <ul class="past">
          {info.pastConversations.map((p) => (
            <li key={p.id}>
              <button type="button" class="link" onClick={() => onOpenTranscript(p.id)}>
                {date.format(p.openedAt)} · {p.agentName ?? '—'} · {t[`status.${p.status}`]}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
