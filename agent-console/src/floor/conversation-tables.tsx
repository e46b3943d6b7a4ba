/** The queue (position, waiting time) and the live conversations (agent, duration, unanswered for), each with Watch. */
import type { FloorConversation } from '../../../shared/protocol';
import { fill } from '../i18n';
import { FloorTable } from './floor-table';
import { duration, visitorName } from './format';
import type { FloorStrings } from './strings';

interface TableProps {
  rows: FloorConversation[];
  now: number;
  thresholdMs: number;
  s: FloorStrings;
  watching: string | null;
  onWatch(id: string): void;
}

function WatchButton({ c, s, watching, onWatch }: { c: FloorConversation; s: FloorStrings; watching: string | null; onWatch(id: string): void }) {
  return (
    <button type="button" aria-label={fill(s.watchLabel, { visitor: visitorName(c, s) })} aria-pressed={watching === c.id} onClick={() => onWatch(c.id)}>
      {s.watch}
    </button>
  );
}

/** A waiting time, marked when it is over the threshold (for screen readers too). */
function Waited({ ms, thresholdMs, s }: { ms: number | null; thresholdMs: number; s: FloorStrings }) {
  if (ms === null) return <>{s.answered}</>;
  return (
    <>
      {duration(ms, s)}
      {ms > thresholdMs && <span class="sr-only"> ({s.tooLong})</span>}
    </>
  );
}

export function QueueTable({ rows, now, thresholdMs, s, watching, onWatch }: TableProps) {
  return (
    <FloorTable id="floor-queue" title={s.queue} count={rows.length} columns={[s.position, s.visitor, s.waiting, '']} srLabel={s.watch} empty={s.queueEmpty} rows={rows.length}>
      {rows.map((c, i) => {
        const waited = now - (c.queuedAt ?? c.openedAt);
        return (
          <tr key={c.id} class={waited > thresholdMs ? 'late' : undefined}>
            <td>{i + 1}</td>
            <th scope="row">{visitorName(c, s)}</th>
            <td><Waited ms={waited} thresholdMs={thresholdMs} s={s} /></td>
            <td><WatchButton c={c} s={s} watching={watching} onWatch={onWatch} /></td>
          </tr>
        );
      })}
    </FloorTable>
  );
}

export function LiveTable({ rows, now, thresholdMs, s, watching, onWatch }: TableProps) {
  return (
    <FloorTable id="floor-live" title={s.live} count={rows.length} columns={[s.visitor, s.agent, s.duration, s.unanswered, '']} srLabel={s.watch} empty={s.noLive} rows={rows.length}>
      {rows.map((c) => {
        const waited = c.waitingSince === null ? null : now - c.waitingSince;
        return (
          <tr key={c.id} class={waited !== null && waited > thresholdMs ? 'late' : undefined}>
            <th scope="row">{visitorName(c, s)}</th>
            <td>{c.agent?.name}</td>
            <td>{duration(now - c.openedAt, s)}</td>
            <td><Waited ms={waited} thresholdMs={thresholdMs} s={s} /></td>
            <td><WatchButton c={c} s={s} watching={watching} onWatch={onWatch} /></td>
          </tr>
        );
      })}
    </FloorTable>
  );
}
