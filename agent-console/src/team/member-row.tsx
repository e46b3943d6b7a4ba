/** One team member in the table, with an inline edit form (name, role, capacity). */
import { useState } from 'preact/hooks';
import type { MemberView, PatchUserRequest } from '../../../shared/rest';
import { fill, type Strings } from '../i18n';
import { RoleCapacityFields, roleOf } from './role-capacity';
import type { TeamStrings } from './strings';

interface MemberRowProps {
  s: TeamStrings;
  t: Strings;
  m: MemberView;
  isMe: boolean;
  save(patch: PatchUserRequest): Promise<boolean>;
  resetPassword(): void;
}

export function MemberRow({ s, t, m, isMe, save, resetPassword }: MemberRowProps) {
  const [editing, setEditing] = useState(false);
  const label = isMe ? m.name + s.you : m.name;
  if (editing) {
    return (
      <tr class="editing">
        <td colSpan={7}>
          <form
            class="inline"
            aria-label={fill(s.editOf, { name: m.name })}
            onSubmit={async (e) => {
              e.preventDefault();
              const f = new FormData(e.currentTarget);
              const patch: PatchUserRequest = { name: String(f.get('name')).trim(), capacity: Number(f.get('capacity')) };
              if (!isMe) patch.role = roleOf(f);
              if (await save(patch)) setEditing(false);
            }}
          >
            <label>
              {s.name}
              <input name="name" defaultValue={m.name} required maxLength={100} />
            </label>
            <RoleCapacityFields s={s} role={m.role} capacity={m.capacity} lockRole={isMe} />
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
