/** "Today" in a time zone: its date and the instant its midnight fell, with Intl (no I/O). */

/** The server's own time zone, when the site has none configured. */
export const serverTimeZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone;

const formatters = new Map<string, Intl.DateTimeFormat>();
function wallClock(timeZone: string, at: number) {
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
