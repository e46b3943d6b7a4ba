/**
 * The reports page's quality table: per agent over the chats closed in the report's period
 * (shared/quality.ts columns, so the CSV export holds exactly this table). An agent's holds
 * their own row only (the server narrows it).
 */
import { useEffect, useState } from 'preact/hooks';
import { QUALITY_COLUMNS, QUALITY_HEADERS, qualityRowLabel, type QualityReportResponse } from '../../../shared/quality';
import type { Api } from '../api';
import type { Locale } from '../i18n';
import { FiguresTable } from '../reports/figures-table';
import { CountingNotice, useReloadWhileCounting } from '../reports/counting';
import { saveFile } from '../transcripts/api';
import { errorSentence } from '../views/error-sentence';
import { qualityApi } from './api';
import { en, zhCN } from './strings';

export function QualityTable({ api, locale, from, to }: { api: Api; locale: Locale; from: string; to: string }) {
  const s = locale === 'zh-CN' ? zhCN : en;
  const calls = qualityApi(api);
  const [report, setReport] = useState<QualityReportResponse | null>(null);
  const [error, setError] = useState('');
  /** Bumped to ask again while earlier chats are still being scored. */
  const [asked, setAsked] = useState(0);
  useEffect(() => {
    setError('');
    calls.report({ from, to }).then(setReport, (e) => setError(errorSentence(s.errors, e)));
  }, [from, to, asked]);
  useReloadWhileCounting(report?.counting, () => setAsked((n) => n + 1));

  const exportCsv = async () => {
    try {
      saveFile(await calls.csv({ from, to, lang: locale }), `quality-${from}-${to}.csv`);
    } catch (e) {
      setError(errorSentence(s.errors, e));
    }
  };

  return (
    <section class="quality-report" aria-labelledby="quality-report-title" style={{ overflowX: 'auto' }}>
      <h3 id="quality-report-title">{s.reportTitle}</h3>
      <p class="hint">{s.reportHint}</p>
      <CountingNotice counting={report?.counting} text={s.counting} hint={s.countingHint} />
      {error && <p role="alert" class="error">{error}</p>}
      {report &&
        (report.total.scored === 0 && report.total.reviewed === 0 ? (
          <p>{s.reportEmpty}</p>
        ) : (
          <FiguresTable
            locale={locale}
            columns={QUALITY_COLUMNS}
            groupHeader={QUALITY_HEADERS[locale].agent}
            rows={report.rows}
            total={report.total}
            rowLabel={(r, isTotal) => qualityRowLabel(r, locale, isTotal)}
            labelledBy="quality-report-title"
          />
        ))}
      <div>
        <button type="button" onClick={exportCsv} disabled={!report}>
          {s.exportCsv}
        </button>
      </div>
    </section>
  );
}
