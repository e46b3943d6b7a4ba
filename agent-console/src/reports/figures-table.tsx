/**
 * The table of a report's figures, one row per group and the total in the footer, from the
 * columns the CSV export holds too (shared/reports.ts, shared/quality.ts). A figure shown as
 * several spreads (mean, median, p90) gets one heading over them and the spreads in a second
 * header row. The reports' figures and the quality table both render it.
 */
import type { Locale } from '../i18n';

export interface TableColumn<R> {
  id: string;
  header: Record<Locale, string>;
  /** A spread of a figure: the figure (one heading over its spreads) and the spread. */
  split?: { group: Record<Locale, string>; sub: Record<Locale, string> };
  cell(row: R): string;
}

interface FiguresTableProps<R extends { key: string | null }> {
  locale: Locale;
  columns: readonly TableColumn<R>[];
  /** The first column's header (what the rows are: agents, days, departments…). */
  groupHeader: string;
  rows: readonly R[];
  total: R;
  /** The first cell of a row; `isTotal` for the footer's. */
  rowLabel(row: R, isTotal: boolean): string;
  caption?: string;
  /** The id of the heading that names the table (else the caption or the enclosing region does). */
  labelledBy?: string;
}

/** The first header row: a figure's spreads under one heading, other columns alone. */
function headerGroups<R>(columns: readonly TableColumn<R>[], locale: Locale): { id: string; text: string; span: number }[] {
  const out: { id: string; text: string; span: number }[] = [];
  for (const c of columns) {
    const text = c.split ? c.split.group[locale] : c.header[locale];
    const last = out[out.length - 1];
    if (c.split && last && last.span > 0 && last.text === text) last.span++;
    else out.push({ id: c.id, text, span: 1 });
  }
  return out;
}

export function FiguresTable<R extends { key: string | null }>({ locale, columns, groupHeader, rows, total, rowLabel, caption, labelledBy }: FiguresTableProps<R>) {
  const spreads = columns.filter((c) => c.split);
  const depth = spreads.length ? 2 : 1;
  const cells = (r: R) => columns.map((c) => <td key={c.id}>{c.cell(r)}</td>);
  return (
    <table class="report-table" aria-labelledby={labelledBy} style={{ fontSize: '13px', whiteSpace: 'nowrap' }}>
      {caption && <caption class="hint">{caption}</caption>}
      <thead>
        <tr>
          <th scope="col" rowSpan={depth}>
            {groupHeader}
          </th>
          {headerGroups(columns, locale).map((h) =>
            h.span > 1 ? (
              <th key={h.id} scope="colgroup" colSpan={h.span} style={{ textAlign: 'center' }}>
                {h.text}
              </th>
            ) : (
              <th key={h.id} scope="col" rowSpan={depth}>
                {h.text}
              </th>
            ),
          )}
        </tr>
        {depth > 1 && (
          <tr>
            {spreads.map((c) => (
              <th key={c.id} scope="col" aria-label={c.header[locale]}>
                {c.split!.sub[locale]}
              </th>
            ))}
          </tr>
        )}
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.key ?? ''}>
            <th scope="row">{rowLabel(r, false)}</th>
            {cells(r)}
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <th scope="row">{rowLabel(total, true)}</th>
          {cells(total)}
        </tr>
      </tfoot>
    </table>
  );
}
