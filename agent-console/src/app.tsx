/**
 * The agent console: the invitation page, sign-in, or the workspace once signed in.
 * Features live in folders: sign-in/, workspace/ (top bar, chat list), conversation/
 * (transcript), composer/, canned/, side-panel/ (FAQ, visitor), dialogs/, state/ (the session).
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { createApi } from './api';
import { type Locale, strings } from './i18n';
import { LanguageSwitch } from './language-switch';
import { AcceptInvitation } from './sign-in/accept-invitation';
import { SignIn } from './sign-in/sign-in';
import { clearToken, readToken, saveToken } from './sign-in/token';
import { Workspace } from './workspace/workspace';

export function App({ initialLocale }: { initialLocale: Locale }) {
  const [locale, setLocale] = useState<Locale>(initialLocale);
  const [token, setToken] = useState<string | null>(readToken);
  const t = strings(locale);
  const api = useMemo(() => createApi(location.origin, () => token), [token]);
  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);
  const signOut = () => {
    clearToken();
    setToken(null);
  };
  const langSwitch = <LanguageSwitch t={t} locale={locale} onChange={setLocale} />;
  const invite = /^#invite=([\w-]+)$/.exec(location.hash)?.[1];
  if (invite && !token) {
    return <AcceptInvitation t={t} api={api} token={invite} langSwitch={langSwitch} />;
  }
  if (!token) {
    return (
      <SignIn
        t={t}
        langSwitch={langSwitch}
        onSignedIn={async (email, password) => {
          const r = await api.login(email, password);
          saveToken(r.token);
          // Ask once, on a user gesture: desktop notifications for new chats.
          if ('Notification' in window && Notification.permission === 'default') void Notification.requestPermission();
          setToken(r.token);
        }}
      />
    );
  }
  const replaceToken = (next: string) => {
    saveToken(next);
    setToken(next);
  };
  // Not keyed by the token: a new token of the same user (password changed) keeps the page on
  // screen while the session reconnects with it.
  return <Workspace token={token} t={t} locale={locale} api={api} langSwitch={langSwitch} onSignOut={signOut} onToken={replaceToken} />;
}
