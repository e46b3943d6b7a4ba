/** Registering the conversation on screen as a complaint (category, severity; the owner is me). */
import { useState } from 'preact/hooks';
import { COMPLAINT_SEVERITIES, type ComplaintSeverity } from '../../../shared/rest';
import type { Api } from '../api';
import { Dialog } from '../dialogs/dialog';
import type { Locale, Strings } from '../i18n';
import { errorText } from '../locales/error-text';
import { followUpsApi } from './api';
import { en, zhCN } from './strings';

export function ComplaintDialog({ t, locale, api, conversationId, onDone }: { t: Strings; locale: Locale; api: Api; conversationId: string; onDone(): void }) {
  const s = locale === 'zh-CN' ? zhCN : en;
  const [error, setError] = useState('');
  return (
    <Dialog title={s.complaintTitle} onCancel={onDone}>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          const f = new FormData(e.currentTarget);
          const severity = COMPLAINT_SEVERITIES.find((x) => x === f.get('severity')) ?? 'medium';
          await followUpsApi(api)
            .registerComplaint({ conversationId, category: String(f.get('category') ?? '').trim(), severity })
            .then(onDone, (err) => setError(errorText(t, err)));
        }}
      >
        <p class="hint">{s.complaintHint}</p>
        <label>
          {s.complaintCategory}
          <input name="category" required maxLength={60} />
        </label>
        <label>
          {s.severity}
          <select name="severity" defaultValue={'medium' satisfies ComplaintSeverity}>
            {COMPLAINT_SEVERITIES.map((x) => (
              <option key={x} value={x}>{s[`severity.${x}`]}</option>
            ))}
          </select>
        </label>
        {error && <p role="alert" class="error">{error}</p>}
        <div class="buttons">
          <button type="button" onClick={onDone}>{s.cancel}</button>
          <button type="submit" class="primary">{s.register}</button>
        </div>
      </form>
    </Dialog>
  );
}
