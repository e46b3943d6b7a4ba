/** Every agent: status (a lead may set it), load and capacity (a lead may set it), open chats, longest unanswered. */
import { memo } from 'preact/compat';
import type { AgentStatus } from '../../../shared/protocol';
import { fill } from '../i18n';
import type { ConsoleSession } from '../state/session';
import { FloorTable } from './floor-table';
import { duration } from './format';
import type { AgentRow } from './model';
import type { FloorStrings } from './strings';

const STATUSES: readonly AgentStatus[] = ['online', 'away', 'offline'];

interface AgentsTableProps {
  rows: AgentRow[];
  now: number;
  thresholdMs: number;
  s: FloorStrings;
  session: ConsoleSession;
  /** Stable across renders (rows are memoised). */
  onError(code: string): void;
}

type RowProps = Omit<AgentsTableProps, 'rows'> & AgentRow;

/** Memoised on the row's values: a push re-renders only the agents it changed (until the clock ticks). */
const AgentRowView = memo(
  function AgentRowView({ agent: a, openChats, oldestUnanswered, now, thresholdMs, s, session, onError }: RowProps) {
    const act = (r: Promise<{ ok: boolean; error?: { code: string } }>) =>
      void r.then((x) => x.ok || onError(x.error?.code ?? 'other')).catch(() => onError('other'));
    const waited = oldestUnanswered === null ? null : now - oldestUnanswered;
    const late = waited !== null && waited > thresholdMs;
    return (
      <tr class={late ? 'late' : undefined}>
        <th scope="row">
          {a.name}
          {!a.connected && <small> ({s.disconnected})</small>}
        </th>
        <td>
          <select
            aria-label={fill(s.statusOf, { name: a.name })}
            value={a.status}
            onChange={(e) => {
              const status = STATUSES.find((x) => x === e.currentTarget.value);
              if (status) act(session.call('agent:set-status', { agentId: a.id, status }));
            }}
          >
            {STATUSES.map((x) => (
              <option key={x} value={x}>{s[x]}</option>
            ))}
          </select>
        </td>
        <td>
          {a.load} /{' '}
          <input
            type="number"
            min={0}
            max={100}
            class="capacity"
            aria-label={fill(s.capacityOf, { name: a.name })}
            value={a.capacity}
            onChange={(e) => {
              const capacity = Number(e.currentTarget.value);
              if (Number.isInteger(capacity) && capacity >= 0 && capacity <= 100) {
                act(session.call('agent:capacity', { agentId: a.id, capacity }));
              }
            }}
          />
        </td>
        <td>{openChats}</td>
        <td>
          {waited === null ? s.none : duration(waited, s)}
          {late && <span class="sr-only"> ({s.tooLong})</span>}
        </td>
      </tr>
    );
  },
  (a, b) =>
    a.agent === b.agent && a.openChats === b.openChats && a.oldestUnanswered === b.oldestUnanswered &&
    a.now === b.now && a.thresholdMs === b.thresholdMs && a.s === b.s && a.session === b.session && a.onError === b.onError,
);

export function AgentsTable({ rows, ...row }: AgentsTableProps) {
  const { s } = row;
  return (
    <FloorTable id="floor-agents" title={s.agents} columns={[s.agent, s.status, s.load, s.openChats, s.longestUnanswered]} rows={rows.length}>
      {rows.map((r) => (
        <AgentRowView key={r.agent.id} {...r} {...row} />
      ))}
    </FloorTable>
  );
}
