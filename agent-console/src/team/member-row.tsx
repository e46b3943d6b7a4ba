/** One team member in the table, with an inline edit form (name, role, capacity, departments). */
import { useState } from 'preact/hooks';
import type { DepartmentView, MemberView, PatchUserRequest } from '../../../shared/rest';
import { fill, type Strings } from '../i18n';
import { RoleCapacityFields, roleOf } from './role-capacity';
import type { TeamStrings } from './strings';

interface MemberRowProps {
  s: TeamStrings;
  t: Strings;
  m: MemberView;
  isMe: boolean;
  departments: DepartmentView[];
  save(patch: PatchUserRequest, departmentIds?: string[]): Promise<boolean>;
  resetPassword(): void;
}

export function MemberRow({ s, t, m, isMe, departments, save, resetPassword }: MemberRowProps) {
  const [editing, setEditing] = useState(false);
  const mine = departments.filter((d) => d.agentIds.includes(m.id));
  const label = isMe ? m.name + s.you : m.name;
  if (editing) {
    return (
      <tr class="editing">
        <td colSpan={8}>
          <form
            class="inline"
            aria-label={fill(s.editOf, { name: m.name })}
            onSubmit={async (e) => {
              e.preventDefault();
              const f = new FormData(e.currentTarget);
              const patch: PatchUserRequest = { name: String(f.get('name')).trim(), capacity: Number(f.get('capacity')) };
              if (!isMe) patch.role = roleOf(f);
              if (await save(patch, f.getAll('department').map(String))) setEditing(false);
            }}
          >
            <label>
              {s.name}
              <input name="name" defaultValue={m.name} required maxLength={100} />
            </label>
            <RoleCapacityFields s={s} role={m.role} capacity={m.capacity} lockRole={isMe} />
            {departments.length > 0 && (
              <fieldset class="departments-field">
                <legend>{fill(s.departmentsOf, { name: m.name })}</legend>
                {departments.map((d) => (
                  <label key={d.id} class="check">
                    <input type="checkbox" name="department" value={d.id} defaultChecked={d.agentIds.includes(m.id)} />
                    {d.name}
                  </label>
                ))}
              </fieldset>
            )}
            <button type="submit" class="primary">{s.save}</button>
            <button type="button" onClick={() => setEditing(false)}>{s.cancel}</button>
          </form>
        </td>
      </tr>
    );
  }
  return (
    <tr class={m.active ? '' : 'inactive'}>
      <td>{label}</td>
      <td>{m.email}</td>
      <td>{m.role === 'lead' ? s.lead : s.agent}</td>
      <td>{mine.length ? mine.map((d) => d.name).join(', ') : s.none}</td>
      <td>{m.active ? t[m.status] : '—'}</td>
      <td>{fill(s.load, { load: m.load, capacity: m.capacity })}</td>
      <td>{m.active ? s.active : s.deactivated}</td>
      <td class="actions">
        <button type="button" aria-label={fill(s.editOf, { name: m.name })} onClick={() => setEditing(true)}>{s.edit}</button>
        {m.active && (
          <button type="button" aria-label={fill(s.resetPasswordOf, { name: m.name })} onClick={resetPassword}>{s.resetPassword}</button>
        )}
        {!isMe &&
          (m.active ? (
            <button
              type="button"
              class="danger"
              aria-label={fill(s.deactivateOf, { name: m.name })}
              onClick={() => confirm(fill(s.confirmDeactivate, { name: m.name })) && void save({ active: false })}
            >
              {s.deactivate}
            </button>
          ) : (
            <button type="button" aria-label={fill(s.reactivateOf, { name: m.name })} onClick={() => void save({ active: true })}>
              {s.reactivate}
            </button>
          ))}
      </td>
    </tr>
  );
}
