/** The page an invitation or password-reset link opens: choose a password, then sign in. */
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { Api } from '../api';
import type { Strings } from '../i18n';

export function AcceptInvitation({ t, api, token, langSwitch }: { t: Strings; api: Api; token: string; langSwitch: JSX.Element }) {
  const [email, setEmail] = useState<string | null>(null);
  const [state, setState] = useState<'form' | 'saved' | 'invalid'>('form');
  const [error, setError] = useState('');
  useEffect(() => {
    api.invitation(token).then((r) => setEmail(r.invitation.user.email), () => setState('invalid'));
  }, [token]);
  const done = () => {
    history.replaceState(null, '', location.pathname);
    location.reload();
  };
  return (
    <main class="signin">
      <form
        aria-label={t.setPassword}
        onSubmit={async (e) => {
          e.preventDefault();
          const password = String(new FormData(e.currentTarget).get('password'));
          setError('');
          await api.acceptInvitation(token, password).then(
            () => setState('saved'),
            (err: { code?: string }) => setError(err.code === 'VALIDATION_FAILED' ? t.newPassword : t.invitationInvalid),
          );
        }}
      >
        <h1>{t.setPassword}</h1>
        {state === 'invalid' && <p role="alert" class="error">{t.invitationInvalid}</p>}
        {state === 'saved' && (
          <>
            <p role="status">{t.passwordSaved}</p>
            <button type="button" class="primary" onClick={done}>{t.signIn}</button>
          </>
        )}
        {state === 'form' && (
          <>
            {email && <p>{email}</p>}
            <label>
              {t.newPassword}
              <input name="password" type="password" minLength={10} maxLength={200} required autoComplete="new-password" />
            </label>
            {error && <p role="alert" class="error">{error}</p>}
            <button type="submit" class="primary">{t.savePassword}</button>
          </>
        )}
        {langSwitch}
      </form>
    </main>
  );
}
