/**
 * Today's headline figures, live: waiting now, longest wait, started, closed, first response,
 * missed, rating. While the server still counts earlier chats (after an upgrade or a change of
 * time zone, today's closes come last) the counted figures are partial: a notice says how far
 * counting got, and each of them is marked and described by it until the push that ends it.
 */
import type { FloorFigures } from '../../../shared/protocol';
import { fill } from '../i18n';
import { CountingNotice } from '../reports/counting';
import { duration } from './format';
import type { FloorStrings } from './strings';

/** A figure: label, value, and whether it stands out as late. */
type Item = [label: string, value: string, late?: boolean];

const NOTICE_ID = 'floor-counting';

export function Figures({ f, now, s, thresholdMs }: { f: FloorFigures; now: number; s: FloorStrings; thresholdMs: number }) {
  const longest = f.oldestQueuedAt === null ? null : now - f.oldestQueuedAt;
  // From the queue, now: complete whatever the history's count.
  const live: Item[] = [
    [s.waitingNow, String(f.waitingNow), longest !== null && longest > thresholdMs],
    [s.longestWait, longest === null ? s.none : duration(longest, s), longest !== null && longest > thresholdMs],
  ];
  // From today's counted chats: partial while `counting`.
  const counted: Item[] = [
    [s.started, String(f.started)],
    [s.closed, String(f.closed)],
    [s.medianFirstResponse, f.medianFirstResponseMs === null ? s.none : duration(f.medianFirstResponseMs, s)],
    [s.missed, String(f.missed)],
    [s.averageRating, f.averageRating === null ? s.none : fill(s.ratingValue, { score: f.averageRating.toFixed(1), n: f.ratings })],
  ];
  const partial = f.counting !== null;
  return (
    <section class="floor-figures" aria-labelledby="floor-today">
      <h2 id="floor-today">
        {s.today} <small>{f.day}</small>
      </h2>
      <CountingNotice counting={f.counting} text={s.counting} hint={s.countingHint} id={NOTICE_ID} />
      <dl>
        {live.map(([label, value, late]) => (
          <div key={label} class={late ? 'late' : undefined}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
        {counted.map(([label, value]) => (
          <div key={label} class={partial ? 'partial' : undefined}>
            <dt>{label}</dt>
            <dd aria-describedby={partial ? NOTICE_ID : undefined}>
              {value}
              {partial && <span class="partial-mark" aria-hidden="true">…</span>}
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
