/**
 * Which roll-up rows a report range reads (report_rollups keeps a row per day, per week from
 * Monday, and per month): the fewest rows that cover the range exactly. Whole months come from
 * the monthly rows, whole weeks in what is left from the weekly ones, and the remaining days from
 * the daily ones, so a year reads 12 months and at most a few weeks and days at its ends instead
 * of 365 days.
 *
 * A segment must also fall within one group: grouped by day only days fit, grouped by week weeks
 * and days (never months, which cut weeks), grouped by month months, and weeks only where they
 * lie within one month. Days are `YYYY-MM-DD` strings; calendar arithmetic in UTC, which is
 * exact for dates.
 */
import type { ReportGroupBy } from '../../../shared/reports';
import { addDays } from '../../domain/chat/day';

export type Grain = 'd' | 'w' | 'm';

/** Rows of `grain` whose period is in [from, to) (`to` exclusive). */
export interface Segment {
  grain: Grain;
  from: string;
  to: string;
}

const DAY_MS = 86_400_000;
const toMs = (day: string) => Date.parse(`${day}T00:00:00Z`);
/** The Monday on or after `day`. */
const mondayOnOrAfter = (day: string) => addDays(day, (8 - new Date(toMs(day)).getUTCDay()) % 7);
function nextMonthStart(day: string): string {
  const [y, m] = day.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
}
/** The first day of `day`'s month. */
const monthStart = (day: string) => `${day.slice(0, 7)}-01`;

/** [from, to): whole weeks from the weekly rows, the days before and after them from the daily ones. */
function weeksAndDays(from: string, to: string): Segment[] {
  if (from >= to) return [];
  const w0 = mondayOnOrAfter(from);
  const weeks = Math.floor((toMs(to) - toMs(w0)) / (7 * DAY_MS));
  if (weeks <= 0) return [{ grain: 'd', from, to }];
  const w1 = addDays(w0, weeks * 7);
  const out: Segment[] = [];
  if (from < w0) out.push({ grain: 'd', from, to: w0 });
  out.push({ grain: 'w', from: w0, to: w1 });
  if (w1 < to) out.push({ grain: 'd', from: w1, to });
  return out;
}

/** The segments covering the days `fromDay` to `lastDay` (both inclusive) for grouping `g`. */
export function rollupSegments(fromDay: string, lastDay: string, g: ReportGroupBy): Segment[] {
  const end = addDays(lastDay, 1);
  if (fromDay >= end) return [];
  if (g === 'day') return [{ grain: 'd', from: fromDay, to: end }];
  if (g === 'week') return weeksAndDays(fromDay, end);
  const m0 = fromDay === monthStart(fromDay) ? fromDay : nextMonthStart(fromDay);
  const m1 = monthStart(end);
  if (m0 >= m1) {
    // No whole month: the range lies within one month, or across the boundary of two, where a
    // month's rows must not take a week that reaches into the next.
    const cut = nextMonthStart(fromDay);
    return g === 'month' && cut < end ? [...weeksAndDays(fromDay, cut), ...weeksAndDays(cut, end)] : weeksAndDays(fromDay, end);
  }
  return [...weeksAndDays(fromDay, m0), { grain: 'm', from: m0, to: m1 }, ...weeksAndDays(m1, end)];
}
