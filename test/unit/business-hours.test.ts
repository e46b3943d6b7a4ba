/** openingAt: open, closed overnight and over a weekend, and the next opening across DST changes. */
import { openingAt } from '../../server/domain/business-hours';
import { DEFAULT_SETTINGS } from '../../server/domain/settings';
import type { TeamSettings } from '../../shared/settings';

const shanghai = DEFAULT_SETTINGS.businessHours; // Mon–Fri 09:00–18:00, Asia/Shanghai (UTC+8, no DST)
const at = (iso: string) => Date.parse(iso);
const zone = (timeZone: string): TeamSettings['businessHours'] => ({ ...shanghai, timeZone });

test('open during the hours, from the opening minute up to (not including) the closing one', () => {
  expect(openingAt(shanghai, at('2026-03-26T01:00:00Z'))).toEqual({ open: true }); // Thu 09:00
  expect(openingAt(shanghai, at('2026-03-26T09:59:59Z'))).toEqual({ open: true }); // Thu 17:59:59
  expect(openingAt(shanghai, at('2026-03-26T10:00:00Z'))).toEqual({ open: false, reopensAt: at('2026-03-27T01:00:00Z') });
});

test('closed overnight: open again the next morning; early in the morning: later that day', () => {
  expect(openingAt(shanghai, at('2026-03-26T12:00:00Z'))).toEqual({ open: false, reopensAt: at('2026-03-27T01:00:00Z') }); // Thu 20:00
  expect(openingAt(shanghai, at('2026-03-26T22:30:00Z'))).toEqual({ open: false, reopensAt: at('2026-03-27T01:00:00Z') }); // Fri 06:30
});

test('closed over the weekend: open again on Monday', () => {
  expect(openingAt(shanghai, at('2026-03-27T11:00:00Z'))).toEqual({ open: false, reopensAt: at('2026-03-30T01:00:00Z') }); // Fri 19:00
  expect(openingAt(shanghai, at('2026-03-28T04:00:00Z'))).toEqual({ open: false, reopensAt: at('2026-03-30T01:00:00Z') }); // Sat 12:00
});

test('the next opening across a DST change is 09:00 on the wall clock, not a whole number of days later', () => {
  // Berlin moves to summer time on Sunday 2026-03-29: Saturday noon is 11:00Z, Monday 09:00 is 07:00Z.
  expect(openingAt(zone('Europe/Berlin'), at('2026-03-28T11:00:00Z'))).toEqual({ open: false, reopensAt: at('2026-03-30T07:00:00Z') });
  // New York leaves summer time on Sunday 2026-11-01: Friday 20:00 EDT is 00:00Z, Monday 09:00 EST is 14:00Z.
  expect(openingAt(zone('America/New_York'), at('2026-10-31T00:00:00Z'))).toEqual({ open: false, reopensAt: at('2026-11-02T14:00:00Z') });
});

test('hours set inside a skipped or repeated hour fall where the wall clock shows them', () => {
  const sundayOnly = (open: string, close: string): TeamSettings['businessHours'] => ({
    timeZone: 'Europe/Berlin',
    days: { ...Object.fromEntries(Object.keys(shanghai.days).map((d) => [d, null])), sun: { open, close } } as TeamSettings['businessHours']['days'],
  });
  // 02:30 does not exist on 2026-03-29 in Berlin: it opens when clocks show 03:30 (01:30Z).
  expect(openingAt(sundayOnly('02:30', '04:00'), at('2026-03-28T20:00:00Z'))).toEqual({ open: false, reopensAt: at('2026-03-29T01:30:00Z') });
  // 02:30 happens twice on 2026-10-25: it opens at the first (00:30Z, summer time).
  expect(openingAt(sundayOnly('02:30', '04:00'), at('2026-10-24T20:00:00Z'))).toEqual({ open: false, reopensAt: at('2026-10-25T00:30:00Z') });
});

test('no open day at all: closed with no time to reopen', () => {
  const never = { ...shanghai, days: Object.fromEntries(Object.keys(shanghai.days).map((d) => [d, null])) } as TeamSettings['businessHours'];
  expect(openingAt(never, at('2026-03-26T02:00:00Z'))).toEqual({ open: false, reopensAt: null });
});
