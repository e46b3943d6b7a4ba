import type { ReportGroupBy } from '../../shared/reports';
import { rollupSegments, type Segment } from '../../server/store/sql/rollup-segments';

const DAY = 86_400_000;
const ms = (d: string) => Date.parse(`${d}T00:00:00Z`);
const day = (t: number) => new Date(t).toISOString().slice(0, 10);

/** Every day a segment's rows stand for, each with the period (row) that holds it. */
function daysOf(s: Segment): { day: string; period: string }[] {
  const out: { day: string; period: string }[] = [];
  for (let t = ms(s.from); t < ms(s.to); ) {
    const period = day(t);
    let next: number;
    if (s.grain === 'd') next = t + DAY;
    else if (s.grain === 'w') next = t + 7 * DAY;
    else {
      const d = new Date(t);
      next = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
    }
    for (let u = t; u < next; u += DAY) out.push({ day: day(u), period });
    t = next;
  }
  return out;
}

/** A cheap deterministic sequence, so the cases are the same on every run. */
function* ranges(): Generator<[string, string]> {
  let x = 12345;
  const rnd = (n: number) => ((x = (x * 1103515245 + 12345) % 2 ** 31), x % n);
  for (let i = 0; i < 400; i++) {
    const from = ms('2024-01-01') + rnd(1200) * DAY;
    yield [day(from), day(from + rnd(i % 4 === 0 ? 800 : 70) * DAY)];
  }
  yield ['2026-01-01', '2026-12-31'];
  yield ['2026-02-15', '2027-03-14'];
  yield ['2026-01-31', '2026-02-01'];
  yield ['2026-03-02', '2026-03-02'];
}

const GROUPINGS: ReportGroupBy[] = ['day', 'week', 'month', 'agent', 'category'];

describe('rollupSegments', () => {
  it.each(GROUPINGS)('grouped by %s, covers every day of the range exactly once, each within one group', (g) => {
    for (const [from, to] of ranges()) {
      const segments = rollupSegments(from, to, g);
      const covered = segments.flatMap(daysOf);
      const expected: string[] = [];
      for (let t = ms(from); t <= ms(to); t += DAY) expected.push(day(t));
      expect(covered.map((c) => c.day)).toEqual(expected);
      // Days, weeks and days on either side of the months: at most seven range scans.
      expect(segments.length).toBeLessThanOrEqual(7);
      for (const s of segments) {
        if (s.grain === 'w') {
          expect([new Date(ms(s.from)).getUTCDay(), new Date(ms(s.to)).getUTCDay()]).toEqual([1, 1]);
        }
        if (s.grain === 'm') expect([s.from.slice(8), s.to.slice(8)]).toEqual(['01', '01']);
      }
      if (g === 'day') expect(segments.every((s) => s.grain === 'd')).toBe(true);
      if (g === 'week') expect(segments.some((s) => s.grain === 'm')).toBe(false);
      // A row counted for a month (or week) must hold days of that month (or week) only.
      const groupOf = (d: string) => (g === 'month' ? d.slice(0, 7) : g === 'week' ? day(ms(d) - ((new Date(ms(d)).getUTCDay() + 6) % 7) * DAY) : '');
      for (const c of covered) expect(groupOf(c.day)).toBe(groupOf(c.period));
    }
  });

  it('reads a calendar year as twelve months, and a year by week mostly as weeks', () => {
    expect(rollupSegments('2026-01-01', '2026-12-31', 'agent')).toEqual([{ grain: 'm', from: '2026-01-01', to: '2027-01-01' }]);
    // 2026-01-01 is a Thursday: four days, 52 weeks from Monday 5 January, then Thursday 31 December alone.
    expect(rollupSegments('2026-01-01', '2026-12-31', 'week')).toEqual([
      { grain: 'd', from: '2026-01-01', to: '2026-01-05' },
      { grain: 'w', from: '2026-01-05', to: '2026-12-28' },
      { grain: 'd', from: '2026-12-28', to: '2027-01-01' },
    ]);
    // Mid-month to mid-month: the ends in weeks and days, the middle in months.
    expect(rollupSegments('2026-02-15', '2027-03-14', 'category')).toEqual([
      { grain: 'd', from: '2026-02-15', to: '2026-02-16' },
      { grain: 'w', from: '2026-02-16', to: '2026-02-23' },
      { grain: 'd', from: '2026-02-23', to: '2026-03-01' },
      { grain: 'm', from: '2026-03-01', to: '2027-03-01' },
      { grain: 'w', from: '2027-03-01', to: '2027-03-15' },
    ]);
  });
});
