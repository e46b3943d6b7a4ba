/** The role and capacity fields of the invite and edit forms. */
import type { Role } from '../../../shared/protocol';
import type { TeamStrings } from './strings';

export const roleOf = (f: FormData): Role => (f.get('role') === 'lead' ? 'lead' : 'agent');

export function RoleCapacityFields({ s, role = 'agent', capacity = 5, lockRole = false }: { s: TeamStrings; role?: Role; capacity?: number; lockRole?: boolean }) {
  return (
    <>
      <label>
        {s.role}
        <select name="role" defaultValue={role} disabled={lockRole}>
          <option value="agent">{s.agent}</option>
          <option value="lead">{s.lead}</option>
        </select>
      </label>
      <label>
        {s.capacity}
        <input name="capacity" type="number" min={0} max={100} defaultValue={String(capacity)} required />
      </label>
    </>
  );
}
