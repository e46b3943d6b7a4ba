/** The conversation's department in its head (§8.14), labelled for screen readers; nothing when it has none. */
import type { DepartmentRef } from '../../../shared/protocol';
import type { Strings } from '../i18n';

export function DepartmentBadge({ department, t }: { department: DepartmentRef | null | undefined; t: Strings }) {
  if (!department) return null;
  return (
    <span class="badge department" title={`${t.conversationDepartment} ${department.name}`}>
      <span class="sr-only">{t.conversationDepartment} </span>
      {department.name}
    </span>
  );
}
