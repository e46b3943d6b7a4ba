/**
 * The calendar arithmetic of reports, without I/O: where a report's day begins in the site's
 * time zone (DST days, zones far from UTC), the CSV's cell defusing, and the console's period
 * presets (weeks from Monday, months across a year's end).
 */
import { periodRange } from '../../agent-console/src/reports/period';
import { csvCell } from '../../server/domain/reports-csv';
import { startOfDate } from '../../server/domain/reports';

test.each([
  ['Asia/Shanghai', '2026-03-02', '2026-03-01T16:00:00.000Z'],
  ['UTC', '2026-03-02', '2026-03-02T00:00:00.000Z'],
  ['Europe/Berlin', '2026-03-29', '2026-03-28T23:00:00.000Z'], // the day summer time starts
  ['Europe/Berlin', '2026-03-30', '2026-03-29T22:00:00.000Z'],
  ['Europe/Berlin', '2026-10-25', '2026-10-24T22:00:00.000Z'], // the day it ends
  ['America/New_York', '2026-11-01', '2026-11-01T04:00:00.000Z'],
  ['Pacific/Kiritimati', '2026-03-02', '2026-03-01T10:00:00.000Z'], // UTC+14
  ['Pacific/Pago_Pago', '2026-03-02', '2026-03-02T11:00:00.000Z'], // UTC-11
])('in %s, %s begins at %s', (zone, date, iso) => {
  expect(new Date(startOfDate(zone, date)).toISOString()).toBe(iso);
});

test('a day a zone skipped is refused, not moved', () => {
  // Samoa crossed the date line: 30 December 2011 never happened in Apia.
  expect(() => startOfDate('Pacific/Apia', '2011-12-30')).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
});

test.each([
  ['=1+1', "'=1+1"],
  ['+49 30 1234', "'+49 30 1234"],
  ['-5', "'-5"],
  ['@SUM(A1)', "'@SUM(A1)"],
  ['\tx', "'\tx"],
  ['a,b', '"a,b"'],
  ['say "hi"', '"say ""hi"""'],
  ['=A1,"x"', `"'=A1,""x"""`],
  ['王芳', '王芳'],
  ['12.5', '12.5'],
])('CSV cell %j is written %j', (value, written) => {
  expect(csvCell(value)).toBe(written);
});

test.each([
  ['today', { from: '2026-03-04', to: '2026-03-04' }],
  ['yesterday', { from: '2026-03-03', to: '2026-03-03' }],
  ['week', { from: '2026-03-02', to: '2026-03-08' }],
  ['lastWeek', { from: '2026-02-23', to: '2026-03-01' }],
  ['month', { from: '2026-03-01', to: '2026-03-31' }],
  ['lastMonth', { from: '2026-02-01', to: '2026-02-28' }],
] as const)('on Wednesday 2026-03-04, %s is %j', (period, range) => {
  expect(periodRange(period, '2026-03-04')).toEqual(range);
});

test('on a Sunday the week is the one ending that day; in January last month is December', () => {
  expect(periodRange('week', '2026-03-08')).toEqual({ from: '2026-03-02', to: '2026-03-08' });
  expect(periodRange('lastMonth', '2027-01-15')).toEqual({ from: '2026-12-01', to: '2026-12-31' });
  expect(periodRange('month', '2028-02-10')).toEqual({ from: '2028-02-01', to: '2028-02-29' });
});
