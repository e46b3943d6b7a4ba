/**
 * The left-message inbox: messages shoppers left with the widget's offline form, with their
 * page and time. A lead sees every message and assigns it; an agent sees those assigned to
 * them (the server filters). The assignee or a lead answers (the shopper sees the answer the
 * next time they open the chat, and by e-mail when the server sends e-mail) or closes it.
 */
import { useEffect, useState } from 'preact/hooks';
import type { ColleagueView, LeftMessageStatus, LeftMessageView, MailOutcome } from '../../../shared/rest';
import { fill } from '../i18n';
import { PastTranscript } from '../dialogs/past-transcript';
import { errorSentence } from '../views/error-sentence';
import type { ViewProps } from '../views/registry';
import { TeamSelect, useTeam } from '../views/team-select';
import { inboxApi } from './api';
import { en, zhCN, type InboxStrings } from './strings';

const STATUSES: (LeftMessageStatus | '')[] = ['open', 'answered', 'closed', ''];


export function InboxView({ t, locale, api, me, session }: ViewProps) {
  const s = locale === 'zh-CN' ? zhCN : en;
  const calls = inboxApi(api);
  const [status, setStatus] = useState<LeftMessageStatus | ''>('open');
  const [items, setItems] = useState<LeftMessageView[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [error, setError] = useState('');
  const time = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });

  const load = async (more = false) => {
    setError('');
    try {
      const r = await calls.list(status, more ? cursor : null);
      setItems((prev) => (more ? [...prev, ...r.leftMessages] : r.leftMessages));
      setCursor(r.nextCursor);
    } catch (e) {
      setError(errorSentence(s.errors, e));
    }
  };
  useEffect(() => void load(), [status]);
  // Leads get new and changed messages pushed: the list follows without a reload.
  useEffect(() => {
    const offNew = session.on('left-message:new', ({ leftMessage: m }) => {
      if (status === '' || status === m.status) setItems((prev) => (prev.some((x) => x.id === m.id) ? prev : [m, ...prev]));
    });
    const offUpdated = session.on('left-message:updated', ({ leftMessage: m }) => replace(m));
    return () => {
      offNew();
      offUpdated();
    };
  }, [session, status]);
  const team = useTeam(api, me.role === 'lead');

  const replace = (m: LeftMessageView) => setItems((prev) => prev.map((x) => (x.id === m.id ? m : x)));
  const current = items.find((m) => m.id === selected) ?? null;

  return (
    <section class="inbox" aria-label={s.title}>
      <div class="view-head">
        <h2>{s.title}</h2>
        <label class="inline">
          {s.show}
          <select value={status} onChange={(e) => setStatus(e.currentTarget.value as LeftMessageStatus | '')}>
            {STATUSES.map((v) => (
              <option key={v} value={v}>
                {v ? s[v] : s.all}
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={() => void load()}>
          {s.refresh}
        </button>
      </div>
      {error && <p role="alert" class="error">{error}</p>}
      <div class="inbox-panes">
        <div class="inbox-list">
          {items.length === 0 ? (
            <p class="empty">{s.empty}</p>
          ) : (
            <ul aria-label={s.list}>
              {items.map((m) => (
                <li key={m.id}>
                  <button type="button" class={`inbox-item${m.id === selected ? ' active' : ''}`} aria-current={m.id === selected ? 'true' : undefined} onClick={() => setSelected(m.id)}>
                    <span class="name">{m.name}</span>
                    <span class={`badge ${m.status}`}>{s[m.status]}</span>
                    <span class="left-preview">{m.text}</span>
                    <span class="meta">
                      {time.format(m.createdAt)}
                      {m.page?.title || m.page?.url ? ` · ${m.page.title || m.page.url}` : ''}
                      {m.assignee ? ` · ${m.assignee.name}` : ''}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          )}
          {cursor && (
            <button type="button" class="link" onClick={() => void load(true)}>
              {s.more}
            </button>
          )}
        </div>
        {current ? (
          <LeftMessage key={current.id} m={current} s={s} t={t} locale={locale} api={api} me={me} team={team} onChange={replace} time={time} />
        ) : (
          <p class="empty inbox-detail">{s.pick}</p>
        )}
      </div>
    </section>
  );
}

interface DetailProps extends Pick<ViewProps, 't' | 'locale' | 'api' | 'me'> {
  m: LeftMessageView;
  s: InboxStrings;
  team: ColleagueView[];
  time: Intl.DateTimeFormat;
  onChange(m: LeftMessageView): void;
}

function LeftMessage({ m, s, t, locale, api, me, team, time, onChange }: DetailProps) {
  const calls = inboxApi(api);
  const [draft, setDraft] = useState('');
  const [assignee, setAssignee] = useState(m.assignee?.id ?? '');
  const [error, setError] = useState('');
  const [mail, setMail] = useState<MailOutcome | null>(null);
  const [busy, setBusy] = useState(false);
  const [reading, setReading] = useState(false);
  const lead = me.role === 'lead';
  const mine = lead || m.assignee?.id === me.id;

  const run = async (fn: () => Promise<LeftMessageView>) => {
    setBusy(true);
    setError('');
    try {
      onChange(await fn());
    } catch (e) {
      setError(errorSentence(s.errors, e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <article class="inbox-detail" aria-label={`${m.name} <${m.email}>`}>
      <h3>
        {m.name} &lt;{m.email}&gt;
      </h3>
      <dl>
        <dt>{s.leftAt}</dt>
        <dd>{time.format(m.createdAt)}</dd>
        {m.page && (
          <>
            <dt>{s.page}</dt>
            <dd>
              {m.page.title}
              {m.page.title && m.page.url ? ' — ' : ''}
              {m.page.url}
            </dd>
          </>
        )}
        {m.language && (
          <>
            <dt>{s.language}</dt>
            <dd>{m.language}</dd>
          </>
        )}
        <dt>{s.assignee}</dt>
        <dd>{m.assignee?.name ?? s.nobody}</dd>
      </dl>
      <p class="left-text">{m.text}</p>

      {lead && m.status === 'open' && (
        <form
          class="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            void run(async () => (await calls.assign(m.id, assignee || null)).leftMessage);
          }}
        >
          <TeamSelect inline label={s.assignTo} none={s.nobody} team={team} value={assignee} onValue={setAssignee} />
          <button type="submit" disabled={busy}>
            {s.assign}
          </button>
        </form>
      )}

      {m.answer !== null && (
        <div class="left-answer">
          <p class="meta">{fill(s.answeredBy, { name: m.answeredBy?.name ?? '', time: m.answeredAt ? time.format(m.answeredAt) : '' })}</p>
          <p class="left-text">{m.answer}</p>
        </div>
      )}
      {mail && <p role="status">{fill(s[`email${mail}`], { email: m.email })}</p>}
      {m.closedAt !== null && <p class="meta">{fill(s.closedAt, { time: time.format(m.closedAt) })}</p>}

      {mine && m.status === 'open' && (
        <form
          class="answer-form"
          onSubmit={(e) => {
            e.preventDefault();
            void run(async () => {
              const r = await calls.answer(m.id, draft);
              setMail(r.email);
              setDraft('');
              return r.leftMessage;
            });
          }}
        >
          <label>
            {fill(s.answerLabel, { name: m.name })}
            <textarea rows={5} maxLength={4000} value={draft} onInput={(e) => setDraft(e.currentTarget.value)} />
          </label>
          <p class="hint">{fill(s.answerHint, { email: m.email })}</p>
          <div class="buttons">
            <button type="button" disabled={busy} onClick={() => void run(async () => (await calls.close(m.id)).leftMessage)}>
              {s.closeOpen}
            </button>
            <button type="submit" class="primary" disabled={busy || !draft.trim()}>
              {s.send}
            </button>
          </div>
        </form>
      )}
      {error && <p role="alert" class="error">{error}</p>}
      <div class="buttons">
        {mine && m.status === 'answered' && (
          <button type="button" disabled={busy} onClick={() => void run(async () => (await calls.close(m.id)).leftMessage)}>
            {s.close}
          </button>
        )}
        {m.conversationId && (
          <button type="button" onClick={() => setReading(true)}>
            {s.openConversation}
          </button>
        )}
      </div>
      {reading && m.conversationId && (
        <PastTranscript id={m.conversationId} api={api} t={t} locale={locale} title={s.conversation} onDone={() => setReading(false)} />
      )}
    </article>
  );
}
