/**
 * CSV for spreadsheets (RFC 4180): fields quoted when needed, CRLF line ends, and the file
 * opened with a UTF-8 byte order mark so Excel reads Chinese correctly. A text cell that a
 * spreadsheet would run as a formula (starting with = + - @, or a tab or carriage return,
 * which some programs strip first) is prefixed with ' (OWASP "CSV injection").
 */

export const CSV_BOM = '\uFEFF';

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(v: string | number | null): string {
  if (v === null) return '';
  if (typeof v === 'number') return String(v);
  const s = FORMULA_START.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const csvLine = (cells: (string | number | null)[]) => `${cells.map(csvCell).join(',')}\r\n`;
