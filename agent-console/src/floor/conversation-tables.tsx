/** The queue (position, waiting time) and the live conversations (agent, duration, unanswered for), each with Watch. */
import { memo } from 'preact/compat';
import type { FloorConversation } from '../../../shared/protocol';
import { PresenceBadge } from '../conversation/presence-badge';
import { fill, type Strings } from '../i18n';
import { FloorTable } from './floor-table';
import { duration, visitorName } from './format';
import type { FloorStrings } from './strings';

interface TableProps {
  rows: FloorConversation[];
  now: number;
  thresholdMs: number;
  s: FloorStrings;
  /** The console's strings: the shopper's presence. */
  t: Strings;
  watching: string | null;
  /** Stable across renders: rows that did not change are not rendered again. */
  onWatch(id: string): void;
}

type RowProps = Omit<TableProps, 'rows' | 'watching'> & { c: FloorConversation; pressed: boolean };

function WatchButton({ c, s, pressed, onWatch }: Pick<RowProps, 'c' | 's' | 'pressed' | 'onWatch'>) {
  return (
    <button type="button" aria-label={fill(s.watchLabel, { visitor: visitorName(c, s) })} aria-pressed={pressed} onClick={() => onWatch(c.id)}>
      {s.watch}
    </button>
  );
}

/** The visitor, with the conversation's department and what raised its priority (complaint 2, VIP 1). */
function Who({ c, s }: { c: FloorConversation; s: FloorStrings }) {
  const priority = c.priority ?? 0;
  return (
    <>
      {visitorName(c, s)}
      {priority & 2 ? <span class="badge priority">{s.complaint}</span> : null}
      {priority & 1 ? <span class="badge priority">{s.vip}</span> : null}
      {c.department && (
        <span class="badge department">
          <span class="sr-only">{s.department} </span>
          {c.department.name}
        </span>
      )}
    </>
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

// Rows are memoised: a push changes one conversation, and only its row renders again (until the clock ticks).
const QueueRow = memo(function QueueRow({ c, position, now, thresholdMs, s, t, pressed, onWatch }: RowProps & { position: number }) {
  const waited = now - (c.queuedAt ?? c.openedAt);
  return (
    <tr class={waited > thresholdMs ? 'late' : undefined}>
      <td>{position}</td>
      <th scope="row"><Who c={c} s={s} /> <PresenceBadge presence={c.visitorPresence} t={t} /></th>
      <td><Waited ms={waited} thresholdMs={thresholdMs} s={s} /></td>
      <td><WatchButton c={c} s={s} pressed={pressed} onWatch={onWatch} /></td>
    </tr>
  );
});

const LiveRow = memo(function LiveRow({ c, now, thresholdMs, s, t, pressed, onWatch }: RowProps) {
  const waited = c.waitingSince === null ? null : now - c.waitingSince;
  return (
    <tr class={[waited !== null && waited > thresholdMs ? 'late' : '', c.slowAnswer ? 'slow-answer' : ''].join(' ').trim() || undefined}>
      <th scope="row"><Who c={c} s={s} /> <PresenceBadge presence={c.visitorPresence} t={t} /></th>
      <td>
        {c.agent?.name}
        {c.slowAnswer && <span class="badge alert">{s.slowAnswer}</span>}
      </td>
      <td>{duration(now - c.openedAt, s)}</td>
      <td><Waited ms={waited} thresholdMs={thresholdMs} s={s} /></td>
      <td><WatchButton c={c} s={s} pressed={pressed} onWatch={onWatch} /></td>
    </tr>
  );
});

export function QueueTable({ rows, watching, ...row }: TableProps) {
  const { s } = row;
  return (
    <FloorTable id="floor-queue" title={s.queue} count={rows.length} columns={[s.position, s.visitor, s.waiting, '']} srLabel={s.watch} empty={s.queueEmpty} rows={rows.length}>
      {rows.map((c, i) => (
        <QueueRow key={c.id} c={c} position={i + 1} pressed={watching === c.id} {...row} />
      ))}
    </FloorTable>
  );
}

export function LiveTable({ rows, watching, ...row }: TableProps) {
  const { s } = row;
  return (
    <FloorTable id="floor-live" title={s.live} count={rows.length} columns={[s.visitor, s.agent, s.duration, s.unanswered, '']} srLabel={s.watch} empty={s.noLive} rows={rows.length}>
      {rows.map((c) => (
        <LiveRow key={c.id} c={c} pressed={watching === c.id} {...row} />
      ))}
    </FloorTable>
  );
}
