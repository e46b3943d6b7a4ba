/**
 * The period picker's presets as date ranges, from the site's today (the server's `from` of a
 * report asked without dates): plain calendar arithmetic on `YYYY-MM-DD`, weeks from Monday.
 */
export const PERIODS = ['today', 'yesterday', 'week', 'lastWeek', 'month', 'lastMonth', 'custom'] as const;
export type Period = (typeof PERIODS)[number];

const DAY = 86_400_000;
const parse = (d: string) => Date.parse(`${d}T00:00:00Z`);
const fmt = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const addDays = (d: string, n: number) => fmt(parse(d) + n * DAY);

export function periodRange(period: Exclude<Period, 'custom'>, today: string): { from: string; to: string } {
  const weekday = (new Date(parse(today)).getUTCDay() + 6) % 7; // Monday 0
  const monday = addDays(today, -weekday);
  const first = `${today.slice(0, 8)}01`;
  switch (period) {
    case 'today':
      return { from: today, to: today };
    case 'yesterday':
      return { from: addDays(today, -1), to: addDays(today, -1) };
    case 'week':
      return { from: monday, to: addDays(monday, 6) };
    case 'lastWeek':
      return { from: addDays(monday, -7), to: addDays(monday, -1) };
    case 'month': {
      const next = new Date(parse(first));
      next.setUTCMonth(next.getUTCMonth() + 1);
      return { from: first, to: addDays(fmt(next.getTime()), -1) };
    }
    case 'lastMonth': {
      const last = addDays(first, -1);
      return { from: `${last.slice(0, 8)}01`, to: last };
    }
  }
}
