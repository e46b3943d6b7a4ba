/** Today's headline figures, live: waiting now, longest wait, started, closed, first response, missed, rating. */
import type { FloorFigures } from '../../../shared/protocol';
import { fill } from '../i18n';
import { duration } from './format';
import type { FloorStrings } from './strings';

export function Figures({ f, now, s, thresholdMs }: { f: FloorFigures; now: number; s: FloorStrings; thresholdMs: number }) {
  const longest = f.oldestQueuedAt === null ? null : now - f.oldestQueuedAt;
  const items: [label: string, value: string, late?: boolean][] = [
    [s.waitingNow, String(f.waitingNow), longest !== null && longest > thresholdMs],
    [s.longestWait, longest === null ? s.none : duration(longest, s), longest !== null && longest > thresholdMs],
    [s.started, String(f.started)],
    [s.closed, String(f.closed)],
    [s.medianFirstResponse, f.medianFirstResponseMs === null ? s.none : duration(f.medianFirstResponseMs, s)],
    [s.missed, String(f.missed)],
    [s.averageRating, f.averageRating === null ? s.none : fill(s.ratingValue, { score: f.averageRating.toFixed(1), n: f.ratings })],
  ];
  return (
    <section class="floor-figures" aria-labelledby="floor-today">
      <h2 id="floor-today">
        {s.today} <small>{f.day}</small>
      </h2>
      <dl>
        {items.map(([label, value, late]) => (
          <div key={label} class={late ? 'late' : undefined}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
