/**
 * Email and password. A refusal after too many failed attempts says how long to wait; any other
 * failure shows one message whatever the reason.
 */
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import type { Strings } from '../i18n';
import { signInError } from './sign-in-error';

export function SignIn({ t, onSignedIn, langSwitch }: { t: Strings; onSignedIn(email: string, password: string): Promise<void>; langSwitch: JSX.Element }) {
  const [error, setError] = useState('');
  return (
    <main class="signin">
      <form
        aria-label={t.signIn}
        onSubmit={async (e) => {
          e.preventDefault();
          const f = new FormData(e.currentTarget);
          setError('');
          await onSignedIn(String(f.get('email')), String(f.get('password'))).catch((err: unknown) => setError(signInError(t, err)));
        }}
      >
        <h1>{t.appName}</h1>
        <label>
          {t.email}
          <input name="email" type="email" required autoComplete="username" />
        </label>
        <label>
          {t.password}
          <input name="password" type="password" required autoComplete="current-password" />
        </label>
        {error && <p role="alert" class="error">{error}</p>}
        <button type="submit" class="primary">{t.signIn}</button>
        <p class="hint">{t.firstLoginHint}</p>
        {langSwitch}
      </form>
    </main>
  );
}
