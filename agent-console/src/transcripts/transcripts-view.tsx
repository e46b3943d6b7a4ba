/**
 * Transcript search: by words (Chinese or English), visitor, agent, category, rating, status
 * and start date; a results table; a conversation opened read-only with its quality findings
 * and review beside it; and the export of every match as CSV or JSON. A lead searches
 * everything, an agent what they handled (the server filters, so an agent has no agent field).
 */
import { useEffect, useState } from 'preact/hooks';
import { BUILT_IN_CATEGORIES, categoryName, type CloseCategoryDef } from '../../../shared/settings';
import type { TranscriptRowView } from '../../../shared/rest';
import { PastTranscript } from '../dialogs/past-transcript';
import { FindingsPanel } from '../quality/findings-panel';
import { fill, type Strings } from '../i18n';
import { settingsApi } from '../settings/api';
import { errorSentence } from '../views/error-sentence';
import type { ViewProps } from '../views/registry';
import { TeamSelect, useTeam } from '../views/team-select';
import { saveFile, transcriptsApi, type Filters } from './api';
import { en, zhCN, type TranscriptStrings } from './strings';

/** 75 → "1m 15s" / "1 分 15 秒". */
function duration(s: TranscriptStrings, seconds: number | null): string {
  if (seconds === null) return '—';
  if (seconds < 60) return fill(s.seconds, { s: seconds });
  if (seconds < 3600) return fill(s.minutes, { m: Math.floor(seconds / 60), s: seconds % 60 });
  return fill(s.hours, { h: Math.floor(seconds / 3600), m: Math.floor((seconds % 3600) / 60) });
}

export function TranscriptsView({ t, locale, api, me }: ViewProps) {
  const s = locale === 'zh-CN' ? zhCN : en;
  const calls = transcriptsApi(api);
  const [filters, setFilters] = useState<Filters>({});
  const [rows, setRows] = useState<TranscriptRowView[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState('');
  const [reading, setReading] = useState<string | null>(null);
  const time = new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'short' });
  const lead = me.role === 'lead';
  const team = useTeam(api, lead);
  // Every category the team has had, removed ones too: old chats are filed under them.
  const [categories, setCategories] = useState<CloseCategoryDef[]>(BUILT_IN_CATEGORIES);
  useEffect(() => {
    settingsApi(api).get().then((r) => setCategories(r.settings.closeCategories), () => undefined);
  }, []);
  const categoryLabel = (id: string | null) => (id ? categoryName(categories, id, locale) : '—');

  const search = async (f: Filters, more = false) => {
    setError('');
    try {
      const r = await calls.search(f, more ? cursor : null);
      setRows((prev) => (more && prev ? [...prev, ...r.transcripts] : r.transcripts));
      setCursor(r.nextCursor);
    } catch (e) {
      setError(errorSentence(s.errors, e));
    }
  };
  useEffect(() => {
    void search({});
  }, []);

  const exportAs = async (format: 'csv' | 'json') => {
    setBusy(s.exporting);
    setError('');
    try {
      saveFile(await calls.export(filters, format, locale), `transcripts-${new Date().toISOString().slice(0, 10)}.${format}`);
    } catch (e) {
      setError(errorSentence(s.errors, e));
    } finally {
      setBusy('');
    }
  };

  const field = (name: keyof Filters) => ({
    value: filters[name] === undefined ? '' : String(filters[name]),
    onInput: (e: { currentTarget: { value: string } }) => setFilters((f) => ({ ...f, [name]: e.currentTarget.value || undefined })),
  });

  return (
    <section class="transcripts" aria-label={s.title}>
      <div class="view-head">
        <h2>{s.title}</h2>
      </div>
      <form
        class="search-form"
        aria-label={s.form}
        onSubmit={(e) => {
          e.preventDefault();
          void search(filters);
        }}
      >
        <label>
          {s.text}
          <input type="search" name="q" maxLength={200} {...field('q')} />
        </label>
        <label>
          {s.visitor}
          <input type="search" name="visitor" maxLength={200} {...field('visitor')} />
        </label>
        {lead && (
          <TeamSelect label={s.agent} none={s.anyone} team={team} name="agentId" value={filters.agentId ?? ''} onValue={(v) => setFilters((f) => ({ ...f, agentId: v || undefined }))} />
        )}
        <label>
          {s.category}
          <select name="category" {...field('category')}>
            <option value="">{s.anyCategory}</option>
            {categories.map((c) => (
              <option key={c.id} value={c.id}>
                {c.removed ? fill(s.removedCategory, { name: categoryLabel(c.id) }) : categoryLabel(c.id)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {s.rating}
          <select name="rating" {...field('rating')}>
            <option value="">{s.anyRating}</option>
            {[5, 4, 3, 2, 1].map((n) => (
              <option key={n} value={n}>
                {fill(s.stars, { n })}
              </option>
            ))}
          </select>
        </label>
        <label>
          {s.status}
          <select name="status" {...field('status')}>
            <option value="">{s.anyStatus}</option>
            <option value="live">{s.live}</option>
            <option value="closed">{s.closed}</option>
          </select>
        </label>
        <label>
          {s.from}
          <input type="date" name="from" {...field('from')} />
        </label>
        <label>
          {s.to}
          <input type="date" name="to" {...field('to')} />
        </label>
        <div class="buttons">
          <button type="submit" class="primary">
            {s.search}
          </button>
          <button type="button" disabled={!!busy} onClick={() => void exportAs('csv')}>
            {s.exportCsv}
          </button>
          <button type="button" disabled={!!busy} onClick={() => void exportAs('json')}>
            {s.exportJson}
          </button>
        </div>
      </form>
      {busy && <p role="status">{busy}</p>}
      {error && <p role="alert" class="error">{error}</p>}
      {rows && rows.length === 0 && <p class="empty">{s.none}</p>}
      {rows && rows.length > 0 && (
        <table class="results" aria-label={s.results}>
          <thead>
            <tr>
              <th scope="col">{s.started}</th>
              <th scope="col">{s.aVisitor}</th>
              <th scope="col">{s.handledBy}</th>
              <th scope="col">{s.status}</th>
              <th scope="col">{s.category}</th>
              <th scope="col">{s.rating}</th>
              <th scope="col">{s.firstResponse}</th>
              <th scope="col">{s.handling}</th>
              <th scope="col">
                <span class="sr-only">{s.open}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id}>
                <td>{time.format(r.openedAt)}</td>
                <td>{r.visitorName ?? r.visitorEmail ?? s.aVisitor}</td>
                <td>{r.agentName ?? '—'}</td>
                <td>{r.status === 'closed' ? s.closed : s.live}</td>
                <td>{categoryLabel(r.closeCategory)}</td>
                <td>{r.rating === null ? '—' : '★'.repeat(r.rating)}</td>
                <td>{duration(s, r.firstResponseSeconds)}</td>
                <td>{duration(s, r.handlingSeconds)}</td>
                <td>
                  <button
                    type="button"
                    aria-label={fill(s.openLabel, { name: r.visitorName ?? s.aVisitor, time: time.format(r.openedAt) })}
                    onClick={() => setReading(r.id)}
                  >
                    {s.open}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {cursor && (
        <button type="button" class="link" onClick={() => void search(filters, true)}>
          {s.more}
        </button>
      )}
      {reading && (
        <PastTranscript
          id={reading}
          api={api}
          t={t}
          locale={locale}
          title={s.conversation}
          aside={<FindingsPanel id={reading} api={api} locale={locale} lead={lead} />}
          onDone={() => setReading(null)}
        />
      )}
    </section>
  );
}
