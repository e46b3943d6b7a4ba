/**
 * My account (every user): change my own password. The current one is required; the server
 * then ends every other session of mine and answers a new token, which this tab switches to.
 */
import { useState } from 'preact/hooks';
import type { ChangePasswordRequest, ChangePasswordResponse } from '../../../shared/rest';
import { ApiError } from '../api';
import { errorText } from '../locales/error-text';
import type { ViewProps } from '../views/registry';
import { passwordProblem, PASSWORD_MAX } from './password-check';
import { messageSoundOn, setMessageSound } from './sounds';
import { en, zhCN } from './strings';

export function AccountView({ t, locale, api, me, replaceToken }: ViewProps) {
  const s = locale === 'zh-CN' ? zhCN : en;
  const [error, setError] = useState('');
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const [sound, setSound] = useState(messageSoundOn);
  return (
    <main class="admin account" aria-labelledby="account-title">
      <h2 id="account-title">{s.title}</h2>
      <dl>
        <dt>{t.name}</dt>
        <dd>{me.name}</dd>
        <dt>{s.role}</dt>
        <dd>{me.role === 'lead' ? s.lead : s.agent}</dd>
      </dl>
      <form
        class="card stacked"
        aria-label={s.changePassword}
        onSubmit={async (e) => {
          e.preventDefault();
          const form = e.currentTarget;
          const f = new FormData(form);
          const currentPassword = String(f.get('current'));
          const newPassword = String(f.get('next'));
          setDone(false);
          const problem = passwordProblem(currentPassword, newPassword, String(f.get('repeat')));
          if (problem) return setError(s[problem]);
          setError('');
          setBusy(true);
          try {
            const r = await api.request<ChangePasswordResponse>('POST', '/me/password', { currentPassword, newPassword } satisfies ChangePasswordRequest);
            form.reset();
            setDone(true);
            replaceToken(r.token);
          } catch (err) {
            const code = err instanceof ApiError ? err.code : '';
            setError(code === 'INVALID_CREDENTIALS' ? s.wrongCurrent : code === 'VALIDATION_FAILED' ? s.tooShort : errorText(t, err));
          } finally {
            setBusy(false);
          }
        }}
      >
        <h3>{s.changePassword}</h3>
        <label>
          {s.currentPassword}
          <input name="current" type="password" required maxLength={PASSWORD_MAX} autoComplete="current-password" />
        </label>
        <label>
          {s.newPassword}
          <input name="next" type="password" required maxLength={PASSWORD_MAX} autoComplete="new-password" />
        </label>
        <label>
          {s.repeatPassword}
          <input name="repeat" type="password" required maxLength={PASSWORD_MAX} autoComplete="new-password" />
        </label>
        {error && <p role="alert" class="error">{error}</p>}
        {done && <p role="status">{s.changed}</p>}
        <button type="submit" class="primary" disabled={busy}>{busy ? s.saving : s.save}</button>
      </form>
      <form class="card stacked" aria-label={s.sounds} onSubmit={(e) => e.preventDefault()}>
        <h3>{s.sounds}</h3>
        <label class="inline">
          <input type="checkbox" checked={sound} onChange={(e) => {
            setMessageSound(e.currentTarget.checked);
            setSound(e.currentTarget.checked);
          }} />
          {s.messageSound}
        </label>
      </form>
    </main>
  );
}
