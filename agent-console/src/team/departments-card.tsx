/** The departments (售前, 售后, ...): add one, rename or delete each (members are set per agent in the table). */
import { useState } from 'preact/hooks';
import type { DepartmentView } from '../../../shared/rest';
import { fill } from '../i18n';
import type { TeamStrings } from './strings';

interface DepartmentsCardProps {
  s: TeamStrings;
  departments: DepartmentView[];
  /** Each resolves true when the server accepted it (the view shows the error otherwise). */
  add(name: string): Promise<boolean>;
  rename(d: DepartmentView, name: string): Promise<boolean>;
  remove(d: DepartmentView): Promise<boolean>;
}

function DepartmentItem({ s, d, rename, remove }: { s: TeamStrings; d: DepartmentView } & Pick<DepartmentsCardProps, 'rename' | 'remove'>) {
  const [editing, setEditing] = useState(false);
  if (editing) {
    return (
      <li>
        <form
          class="inline"
          aria-label={fill(s.renameOf, { name: d.name })}
          onSubmit={async (e) => {
            e.preventDefault();
            const name = String(new FormData(e.currentTarget).get('name')).trim();
            if (await rename(d, name)) setEditing(false);
          }}
        >
          <label>
            {s.departmentName}
            <input name="name" defaultValue={d.name} required maxLength={60} />
          </label>
          <button type="submit" class="primary">{s.save}</button>
          <button type="button" onClick={() => setEditing(false)}>{s.cancel}</button>
        </form>
      </li>
    );
  }
  return (
    <li>
      <span>{d.name}</span> <span class="hint">{fill(s.memberCount, { n: d.agentIds.length })}</span>
      <button type="button" aria-label={fill(s.renameOf, { name: d.name })} onClick={() => setEditing(true)}>{s.rename}</button>
      <button
        type="button"
        class="danger"
        aria-label={fill(s.deleteOf, { name: d.name })}
        onClick={() => confirm(fill(s.confirmDeleteDepartment, { name: d.name })) && void remove(d)}
      >
        {s.delete}
      </button>
    </li>
  );
}

export function DepartmentsCard({ s, departments, add, rename, remove }: DepartmentsCardProps) {
  return (
    <section class="card departments" aria-labelledby="departments-title">
      <h3 id="departments-title">{s.departments}</h3>
      <p class="hint">{s.departmentsHint}</p>
      {departments.length === 0 ? <p>{s.noDepartments}</p> : (
        <ul>
          {departments.map((d) => <DepartmentItem key={d.id} s={s} d={d} rename={rename} remove={remove} />)}
        </ul>
      )}
      <form
        class="inline"
        aria-label={s.addDepartment}
        onSubmit={async (e) => {
          e.preventDefault();
          const form = e.currentTarget;
          if (await add(String(new FormData(form).get('name')).trim())) form.reset();
        }}
      >
        <label>
          {s.departmentName}
          <input name="name" required maxLength={60} placeholder={s.departmentExample} />
        </label>
        <button type="submit" class="primary">{s.addDepartment}</button>
      </form>
    </section>
  );
}
