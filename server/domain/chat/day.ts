/** "Today" in a time zone: its date and the instant its midnight fell, with Intl (no I/O). */

/** The calendar date `n` days after `date` (both `YYYY-MM-DD`; exact in UTC arithmetic, whatever the zone). */
export const addDays = (date: string, n: number): string => new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

/** The server's own time zone, when the site has none configured. */
export const serverTimeZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone;

const formatters = new Map<string, Intl.DateTimeFormat>();
/** The wall-clock date and time in `timeZone` at `at`. */
export function wallClock(timeZone: string, at: number) {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  const parts = Object.fromEntries(f.formatToParts(at).map((p) => [p.type, p.value]));
  return { y: +parts.year, m: +parts.month, d: +parts.day, h: +parts.hour, min: +parts.minute, s: +parts.second };
}

/** The zone's offset from UTC at `at`, in ms (east positive). */
function offsetAt(timeZone: string, at: number): number {
  const w = wallClock(timeZone, at);
  return Date.UTC(w.y, w.m - 1, w.d, w.h, w.min, w.s) - Math.floor(at / 1000) * 1000;
}

/** The day `at` falls on in `timeZone` (`YYYY-MM-DD`) and the instant that day began there. */
export function dayIn(timeZone: string, at: number): { day: string; start: number } {
  const w = wallClock(timeZone, at);
  const midnightUtc = Date.UTC(w.y, w.m - 1, w.d);
  // Midnight's offset can differ from now's (a DST change today): correct once with it.
  let start = midnightUtc - offsetAt(timeZone, at);
  start = midnightUtc - offsetAt(timeZone, start);
  const day = `${w.y}-${String(w.m).padStart(2, '0')}-${String(w.d).padStart(2, '0')}`;
  return { day, start };
}

/**
 * The instant a wall-clock time (`m` 1-based) is read in `timeZone`. A time read twice (the hour
 * repeated when clocks go back) is its first reading; a time skipped (clocks go forward) is the
 * instant that long after the change began, which clocks show as the hour later.
 */
export function localInstant(timeZone: string, y: number, m: number, d: number, h: number, min: number): number {
  const asUtc = Date.UTC(y, m - 1, d, h, min);
  // A zone changes its offset at most once within a day: the offsets half a day either side cover it.
  const before = offsetAt(timeZone, asUtc - 43_200_000);
  const after = offsetAt(timeZone, asUtc + 43_200_000);
  const readings = [asUtc - before, asUtc - after].filter((t) => offsetAt(timeZone, t) === asUtc - t);
  return readings.length ? Math.min(...readings) : asUtc - before;
}
