/**
 * The quality report as CSV: exactly the console's quality table (shared/quality.ts columns,
 * headers in the viewer's language), written like the main report's CSV (BOM, CRLF, cells a
 * spreadsheet would run as formulas defused).
 */
import { QUALITY_COLUMNS, QUALITY_HEADERS, qualityRowLabel, type QualityLocale, type QualityReportResponse } from '../../../shared/quality';
import { csvCell } from '../reports-csv';

export function qualityReportCsv(report: QualityReportResponse, locale: QualityLocale): string {
  const header = [QUALITY_HEADERS[locale].agent, ...QUALITY_COLUMNS.map((c) => c.header[locale])];
  const rows = [
    ...report.rows.map((r) => [qualityRowLabel(r, locale), ...QUALITY_COLUMNS.map((c) => c.cell(r))]),
    [qualityRowLabel(report.total, locale, true), ...QUALITY_COLUMNS.map((c) => c.cell(report.total))],
  ];
  return `\uFEFF${[header, ...rows].map((cells) => cells.map(csvCell).join(',')).join('\r\n')}\r\n`;
}
