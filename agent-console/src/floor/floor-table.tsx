/** A titled table section of the floor: heading (with a count), column headers, rows that scroll sideways. */
import type { ComponentChildren } from 'preact';

interface FloorTableProps {
  id: string;
  title: string;
  /** Shown after the title, e.g. the queue's length. */
  count?: number;
  /** Columns; an empty string is a column of buttons (its header only for screen readers). */
  columns: string[];
  /** Shown instead of the table when it would be empty. */
  empty?: string;
  /** The header of the '' column, for screen readers. */
  srLabel?: string;
  /** How many rows `children` holds (0 shows `empty`). */
  rows: number;
  children: ComponentChildren;
}

export function FloorTable({ id, title, count, columns, empty, srLabel, rows, children }: FloorTableProps) {
  return (
    <section class="floor-table" aria-labelledby={id}>
      <h2 id={id}>
        {title} {count !== undefined && <small>({count})</small>}
      </h2>
      {rows === 0 && empty ? (
        <p class="muted">{empty}</p>
      ) : (
        <div class="scroll">
          <table>
            <thead>
              <tr>
                {columns.map((c, i) => (
                  <th key={i} scope="col">{c || <span class="sr-only">{srLabel}</span>}</th>
                ))}
              </tr>
            </thead>
            <tbody>{children}</tbody>
          </table>
        </div>
      )}
    </section>
  );
}
