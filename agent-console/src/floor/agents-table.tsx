/** Every agent: status (a lead may set it), load and capacity (a lead may set it), open chats, longest unanswered. */
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
  onError(code: string): void;
}

export function AgentsTable({ rows, now, thresholdMs, s, session, onError }: AgentsTableProps) {
  const act = (r: Promise<{ ok: boolean; error?: { code: string } }>) =>
    void r.then((x) => x.ok || onError(x.error?.code ?? 'other')).catch(() => onError('other'));
  return (
    <FloorTable id="floor-agents" title={s.agents} columns={[s.agent, s.status, s.load, s.openChats, s.longestUnanswered]} rows={rows.length}>
      {rows.map(({ agent: a, openChats, oldestUnanswered }) => {
        const waited = oldestUnanswered === null ? null : now - oldestUnanswered;
        const late = waited !== null && waited > thresholdMs;
        return (
          <tr key={a.id} class={late ? 'late' : undefined}>
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
      })}
    </FloorTable>
  );
}
