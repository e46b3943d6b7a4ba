/**
 * A report as CSV: exactly the console's table (shared/reports.ts columns, headers in the
 * viewer's language), UTF-8 with a BOM so spreadsheet programs read Chinese correctly, CRLF rows.
 * A cell that a spreadsheet would run as a formula (starting with = + - @, tab or CR; an agent
 * can name themselves "=HYPERLINK(...)") is prefixed with an apostrophe.
 */
import { REPORT_COLUMNS, REPORT_GROUP_HEADERS, reportRowLabel, type ReportLocale } from '../../shared/reports';
import type { ReportResponse } from '../../shared/reports';

const FORMULA = /^[=+\-@\t\r]/;

export function csvCell(value: string): string {
  const safe = FORMULA.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function reportCsv(report: ReportResponse, locale: ReportLocale): string {
  const header = [REPORT_GROUP_HEADERS[locale][report.groupBy], ...REPORT_COLUMNS.map((c) => c.header[locale])];
  const line = (cells: string[]) => cells.map(csvCell).join(',');
  const rows = [
    ...report.rows.map((r) => [reportRowLabel(r, locale), ...REPORT_COLUMNS.map((c) => c.cell(r))]),
    [reportRowLabel(report.total, locale, true), ...REPORT_COLUMNS.map((c) => c.cell(report.total))],
  ];
  return `\uFEFF${[header, ...rows].map(line).join('\r\n')}\r\n`;
}
