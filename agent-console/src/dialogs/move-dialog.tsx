/**
 * Moving chats to a colleague or back to the queue, with a note: one conversation
 * (Transfer) or all of mine at the end of a shift (Handover).
 */
import { useState } from 'preact/hooks';
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
  move(toAgentId: string | null, note?: string): Promise<Result<unknown>>;
  onDone(): void;
}

export function MoveDialog({ t, api, meId, labels, move, onDone }: MoveDialogProps) {
  const colleagues = useColleagues(api, meId);
  const [error, setError] = useState('');
  return (
    <Dialog title={labels.title} onCancel={onDone}>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          const f = new FormData(e.currentTarget);
          const note = String(f.get('note') ?? '').trim();
          const r = await move(String(f.get('to')) || null, note || undefined);
          if (r.ok) onDone();
          else setError(errorText(t, r.error));
        }}
      >
        <label>
          {labels.to}
          <select name="to">
            <option value="">{t.backToQueue}</option>
            {(colleagues ?? []).map((c) => (
              <option key={c.id} value={c.id}>{colleagueLabel(c, t)}</option>
            ))}
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
