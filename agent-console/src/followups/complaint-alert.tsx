/**
 * In a lead's console: a conversation was just registered as a complaint (`complaint:registered`,
 * pushed). A banner per complaint, newest first, with the shopper's name, what it is about, its
 * severity and due time, and a button that opens the conversation read-only.
 */
import { useEffect, useState } from 'preact/hooks';
import type { ComplaintView } from '../../../shared/rest';
import type { Api } from '../api';
import { PastTranscript } from '../dialogs/past-transcript';
import { fill, type Locale, type Strings } from '../i18n';
import type { ConsoleSession } from '../state/session';
import { en, zhCN } from './strings';

/** More than this and the oldest alerts give way (the follow-ups view lists them all). */
const MAX_SHOWN = 3;

type Alert = ComplaintView & { visitor: string | null };

export function ComplaintAlerts({ session, api, t, locale }: { session: ConsoleSession; api: Api; t: Strings; locale: Locale }) {
  const s = locale === 'zh-CN' ? zhCN : en;
  const [alerts, setAlerts] = useState<Alert[]>([]);
  const [reading, setReading] = useState<Alert | null>(null);
  useEffect(
    () =>
      session.on('complaint:registered', (c) => {
        setAlerts((prev) => [{ ...c, visitor: null }, ...prev.filter((a) => a.id !== c.id)].slice(0, MAX_SHOWN));
        // The shopper's name, when the transcript can be read; the alert shows without it meanwhile.
        api.transcript(c.conversationId).then(
          (r) => setAlerts((prev) => prev.map((a) => (a.id === c.id ? { ...a, visitor: r.visitor?.name ?? r.visitor?.email ?? null } : a))),
          () => undefined,
        );
      }),
    [session],
  );
  const time = new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'short' });
  const dismiss = (id: string) => setAlerts((prev) => prev.filter((a) => a.id !== id));
  return (
    <>
      {alerts.map((a) => (
        <div key={a.id} class={`banner complaint-alert ${a.severity}`} role="alert" aria-label={s.alertLabel}>
          <span>
            {fill(s.alertText, {
              severity: s[`severity.${a.severity}`],
              category: a.category,
              visitor: a.visitor ?? s.aShopper,
              due: time.format(a.dueAt),
            })}
          </span>{' '}
          <button type="button" class="link" onClick={() => setReading(a)}>{s.openComplaint}</button>{' '}
          <button type="button" class="link" onClick={() => dismiss(a.id)} aria-label={fill(s.dismissAlert, { category: a.category })}>{s.dismiss}</button>
        </div>
      ))}
      {reading && (
        <PastTranscript
          id={reading.conversationId}
          api={api}
          t={t}
          locale={locale}
          title={fill(s.complaintTranscript, { visitor: reading.visitor ?? s.aShopper })}
          onDone={() => setReading(null)}
        />
      )}
    </>
  );
}
