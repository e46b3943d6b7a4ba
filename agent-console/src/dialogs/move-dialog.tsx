/**
 * Moving chats to a colleague or back to the queue, with a note: one conversation
 * (Transfer, which may also go to a department) or all of mine at the end of a shift (Handover).
 */
import { useEffect, useState } from 'preact/hooks';
import type { DepartmentRef } from '../../../shared/protocol';
import type { DepartmentsResponse } from '../../../shared/rest';
import type { Result } from '../../../shared/protocol';
import type { Api } from '../api';
import type { Strings } from '../i18n';
import { errorText } from '../locales/error-text';
import { colleagueLabel, useColleagues } from './colleagues';
import { Dialog } from './dialog';

interface MoveDialogProps {
  t: Strings;
  api: Api;
  meId?: string;
  labels: { title: string; to: string; note: string; confirm: string };
  /** Offer the departments too (a transfer); `toDepartmentId` is then the one chosen. */
  departments?: boolean;
  move(toAgentId: string | null, note?: string, toDepartmentId?: string): Promise<Result<unknown>>;
  onDone(): void;
}

/** A department's option value in the target list (colleagues' are their ids). */
const DEPARTMENT = 'department:';

export function MoveDialog({ t, api, meId, labels, departments: offerDepartments, move, onDone }: MoveDialogProps) {
  const colleagues = useColleagues(api, meId);
  const [departments, setDepartments] = useState<DepartmentRef[]>([]);
  useEffect(() => {
    if (offerDepartments) api.request<DepartmentsResponse>('GET', '/departments').then((r) => setDepartments(r.departments), () => setDepartments([]));
  }, []);
  const [error, setError] = useState('');
  return (
    <Dialog title={labels.title} onCancel={onDone}>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          const f = new FormData(e.currentTarget);
          const note = String(f.get('note') ?? '').trim();
          const to = String(f.get('to'));
          const r = to.startsWith(DEPARTMENT)
            ? await move(null, note || undefined, to.slice(DEPARTMENT.length))
            : await move(to || null, note || undefined);
          if (r.ok) onDone();
          else setError(errorText(t, r.error));
        }}
      >
        <label>
          {labels.to}
          <select name="to">
            <option value="">{t.backToQueue}</option>
            {departments.length > 0 && (
              <optgroup label={t.departmentsGroup}>
                {departments.map((d) => (
                  <option key={d.id} value={DEPARTMENT + d.id}>{d.name}</option>
                ))}
              </optgroup>
            )}
            {(colleagues ?? []).length > 0 && (
              <optgroup label={t.colleaguesGroup}>
                {colleagues!.map((c) => (
                  <option key={c.id} value={c.id}>{colleagueLabel(c, t)}</option>
                ))}
              </optgroup>
            )}
          </select>
        </label>
        {colleagues?.length === 0 && <p class="hint">{t.noColleagueFree}</p>}
        <label>
          {labels.note}
          <textarea name="note" rows={2} maxLength={1000} />
        </label>
        {error && <p role="alert" class="error">{error}</p>}
        <div class="buttons">
          <button type="button" onClick={onDone}>{t.cancel}</button>
          <button type="submit" class="primary">{labels.confirm}</button>
        </div>
      </form>
    </Dialog>
  );
}
