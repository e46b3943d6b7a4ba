/**
 * Reports: a period and grouping picker, a bar chart of one figure, the table of every figure
 * (shared/reports.ts columns, so the CSV export holds exactly this table) and the export button.
 * Agents see their own chats only (the server narrows their reports).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { REPORT_COLUMNS, REPORT_GROUP_HEADERS, reportRowLabel } from '../../../shared/reports';
import { REPORT_GROUP_BYS, type ReportGroupBy, type ReportQuery, type ReportResponse, type ReportRow } from '../../../shared/reports';
import { fill } from '../i18n';
import { errorText } from '../locales/error-text';
import { QualityTable } from '../quality/quality-table';
import type { ViewProps } from '../views/registry';
import { reportsApi } from './api';
import { BarChart, type Bar } from './bar-chart';
import { FiguresTable } from './figures-table';
import { CountingNotice, useReloadWhileCounting } from './counting';
import { PERIODS, periodRange, type Period } from './period';
import { en, zhCN } from './strings';

const METRICS = {
  closed: (r: ReportRow) => r.closed,
  firstResponse: (r: ReportRow) => (r.firstResponse.medianMs === null ? null : r.firstResponse.medianMs / 1000),
  serviceLevel: (r: ReportRow) => (r.serviceLevel === null ? null : r.serviceLevel * 100),
  averageRating: (r: ReportRow) => r.averageRating,
};
type Metric = keyof typeof METRICS;

const showNumber = (v: number | null) => (v === null ? '–' : Number.isInteger(v) ? String(v) : v.toFixed(1));

export function ReportsView({ t, locale, api }: ViewProps) {
  const s = locale === 'zh-CN' ? zhCN : en;
  const calls = reportsApi(api);
  const [today, setToday] = useState<string | null>(null);
  const [period, setPeriod] = useState<Period>('today');
  const [custom, setCustom] = useState({ from: '', to: '' });
  const [groupBy, setGroupBy] = useState<ReportGroupBy>('agent');
  const [seconds, setSeconds] = useState(20);
  const [metric, setMetric] = useState<Metric>('closed');
  const [report, setReport] = useState<ReportResponse | null>(null);
  const [error, setError] = useState('');
  /** The query shown, asked again while the history is still being counted. */
  const shown = useRef<ReportQuery>({ groupBy, serviceLevelSeconds: seconds });

  const query = (): ReportQuery => {
    const range = period === 'custom' ? custom : today ? periodRange(period, today) : {};
    return { ...range, groupBy, serviceLevelSeconds: seconds };
  };
  const load = (q: ReportQuery) => {
    shown.current = q;
    // Category rows are labelled with the names in this language.
    return calls.get({ ...q, lang: locale }).then(
      (r) => {
        setError('');
        setReport(r);
        if (!today && q.from === undefined) setToday(r.from);
      },
      (e) => setError(errorText(t, e)),
    );
  };
  useEffect(() => {
    load({ groupBy, serviceLevelSeconds: seconds });
  }, []);
  useReloadWhileCounting(report?.counting, () => load(shown.current));

  const exportCsv = async () => {
    try {
      const blob = await calls.csv({ ...query(), lang: locale });
      const a = document.createElement('a');
      a.href = URL.createObjectURL(blob);
      a.download = report ? `report-${report.from}-${report.to}-${report.groupBy}.csv` : 'report.csv';
      a.click();
      setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
    } catch (e) {
      setError(errorText(t, e));
    }
  };

  const bars: Bar[] = (report?.rows ?? []).map((r) => {
    const v = METRICS[metric](r);
    return { label: reportRowLabel(r, locale), value: v, text: showNumber(v) };
  });
  const groupName = report ? s[`groupBy.${report.groupBy}`] : '';

  return (
    <main class="admin reports" aria-labelledby="reports-title" style={{ maxWidth: 'none' }}>
      <h2 id="reports-title">{s.title}</h2>
      <form
        class="inline"
        aria-label={s.filters}
        onSubmit={(e) => {
          e.preventDefault();
          load(query());
        }}
      >
        <label class="field">
          <span id="report-period">{s.period}</span>
          <select aria-labelledby="report-period" value={period} onChange={(e) => setPeriod(e.currentTarget.value as Period)}>
            {PERIODS.map((p) => (
              <option key={p} value={p}>
                {s[`period.${p}`]}
              </option>
            ))}
          </select>
        </label>
        {period === 'custom' && (
          <>
            <label class="field">
              <span id="report-from">{s.from}</span> <input aria-labelledby="report-from" type="date" required value={custom.from} onInput={(e) => setCustom({ ...custom, from: e.currentTarget.value })} />
            </label>
            <label class="field">
              <span id="report-to">{s.to}</span> <input aria-labelledby="report-to" type="date" required value={custom.to} onInput={(e) => setCustom({ ...custom, to: e.currentTarget.value })} />
            </label>
          </>
        )}
        <label class="field">
          <span id="report-group">{s.groupBy}</span>
          <select aria-labelledby="report-group" value={groupBy} onChange={(e) => setGroupBy(e.currentTarget.value as ReportGroupBy)}>
            {REPORT_GROUP_BYS.map((g) => (
              <option key={g} value={g}>
                {s[`groupBy.${g}`]}
              </option>
            ))}
          </select>
        </label>
        <label class="field">
          <span id="report-sl">{s.serviceLevel}</span>
          <input aria-labelledby="report-sl" type="number" min={1} max={300} required value={seconds} style={{ width: '6em' }} onInput={(e) => setSeconds(Number(e.currentTarget.value))} />
        </label>
        <button type="submit">{s.show}</button>
        <button type="button" onClick={exportCsv} disabled={!report}>
          {s.exportCsv}
        </button>
      </form>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      {!report ? (
        !error && <p>{s.loading}</p>
      ) : (
        <>
          <CountingNotice counting={report.counting} text={s.counting} hint={s.countingHint} />
          <p class="hint">
            {fill(s.range, { from: report.from, to: report.to, timeZone: report.timeZone })}
            {report.agentId ? ` ${s.ownOnly}` : ''}
          </p>
          <section aria-label={s.chart}>
            <label class="field" style={{ alignSelf: 'flex-start', maxWidth: '20em' }}>
              <span id="report-metric">{s.chartMetric}</span>
              <select aria-labelledby="report-metric" value={metric} onChange={(e) => setMetric(e.currentTarget.value as Metric)}>
                {(Object.keys(METRICS) as Metric[]).map((m) => (
                  <option key={m} value={m}>
                    {s[`metric.${m}`]}
                  </option>
                ))}
              </select>
            </label>
            {bars.length ? (
              <BarChart label={fill(s.chartLabel, { metric: s[`metric.${metric}`], group: groupName, from: report.from, to: report.to })} bars={bars} />
            ) : (
              <p>{s.empty}</p>
            )}
          </section>
          <section aria-label={s.table} style={{ overflowX: 'auto' }}>
            <FiguresTable
              locale={locale}
              columns={REPORT_COLUMNS}
              groupHeader={REPORT_GROUP_HEADERS[locale][report.groupBy]}
              rows={report.rows}
              total={report.total}
              rowLabel={(r, isTotal) => reportRowLabel(r, locale, isTotal)}
              caption={s.definitions}
            />
          </section>
          <QualityTable api={api} locale={locale} from={report.from} to={report.to} />
        </>
      )}
    </main>
  );
}
