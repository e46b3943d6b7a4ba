/**
 * Whether the team is open at an instant, by its business hours in their time zone, and when it
 * opens next. Pure: wall-clock arithmetic with Intl, so DST changes fall where the zone has them.
 */
import { WEEKDAYS, type TeamSettings } from '../../shared/settings';
import { localInstant, wallClock } from './chat/day';

export type Opening = { open: true } | { open: false; /** null: no day has hours. */ reopensAt: number | null };

const DAY_MS = 86_400_000;
const time = (hhmm: string) => hhmm.split(':').map(Number) as [number, number];

export function openingAt(hours: TeamSettings['businessHours'], now: number): Opening {
  const today = wallClock(hours.timeZone, now);
  // A day's hours lie within that day, so yesterday's cannot reach now: today and the next week.
  for (let i = 0; i <= 7; i++) {
    // Calendar arithmetic on the date alone (UTC has no DST), then each time placed in the zone.
    const date = new Date(Date.UTC(today.y, today.m - 1, today.d) + i * DAY_MS);
    const y = date.getUTCFullYear();
    const m = date.getUTCMonth() + 1;
    const d = date.getUTCDate();
    const h = hours.days[WEEKDAYS[(date.getUTCDay() + 6) % 7]];
    if (!h) continue;
    const opens = localInstant(hours.timeZone, y, m, d, ...time(h.open));
    const closes = localInstant(hours.timeZone, y, m, d, ...time(h.close));
    if (now < opens) return { open: false, reopensAt: opens };
    if (now < closes) return { open: true };
  }
  return { open: false, reopensAt: null };
}
