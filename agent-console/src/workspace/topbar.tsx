/** The top bar: my status and load, end of shift, language, sign out. */
import type { JSX } from 'preact';
import type { AgentSelf, AgentStatus } from '../../../shared/protocol';
import type { Strings } from '../i18n';

const STATUSES: readonly AgentStatus[] = ['online', 'away', 'offline'];

interface TopBarProps {
  t: Strings;
  me: AgentSelf | null;
  langSwitch: JSX.Element;
  onStatus(status: AgentStatus): void;
  onEndShift(): void;
  onSignOut(): void;
}

export function TopBar({ t, me, langSwitch, onStatus, onEndShift, onSignOut }: TopBarProps) {
  return (
    <header class="topbar">
      <h1>{t.appName}</h1>
      {me && (
        <>
          <label>
            {t.status}
            <select
              value={me.status}
              onChange={(e) => {
                const status = STATUSES.find((s) => s === e.currentTarget.value);
                if (status) onStatus(status);
              }}
            >
              {STATUSES.map((s) => (
                <option key={s} value={s}>{t[s]}</option>
              ))}
            </select>
          </label>
          <span class="load" aria-label={`${t.load} ${me.load} / ${me.capacity}`}>
            {t.load} <strong>{me.load} / {me.capacity}</strong>
          </span>
          <span class="who">{me.name}</span>
        </>
      )}
      <button type="button" onClick={onEndShift} disabled={!me}>
        {t.endShift}
      </button>
      {langSwitch}
      <button type="button" onClick={onSignOut}>
        {t.signOut}
      </button>
    </header>
  );
}
