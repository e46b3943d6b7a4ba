/** Durations and names as the floor shows them, in the reader's language. */
import { fill } from '../i18n';
import type { FloorStrings } from './strings';

/** "45 s", "3 min 5 s", "1 h 20 min" (or 45秒, 3分5秒, 1小时20分); never negative. */
export function duration(ms: number, s: FloorStrings): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  if (h) return fill(s.hours, { h, m });
  if (m) return fill(s.minutes, { m, s: total % 60 });
  return fill(s.seconds, { s: total });
}

/** The shopper's name, or "Visitor" and the start of their id. */
export const visitorName = (c: { visitorName: string | null; visitorId: string }, s: FloorStrings) =>
  c.visitorName ?? fill(s.anonymous, { id: c.visitorId.slice(0, 6) });

/** An error code as a sentence. */
export const errorText = (code: string, s: FloorStrings) => s.errors[code] ?? s.errors.other;
