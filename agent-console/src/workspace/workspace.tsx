/** The signed-in console: top bar, chat list, the conversation on screen, and the dialogs. */
import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Api } from '../api';
import type { Draft } from '../composer/composer';
import { Conversation } from '../conversation/conversation';
import type { TranscriptPosition } from '../conversation/transcript';
import { CloseDialog } from '../dialogs/close-dialog';
import { HelpDialog } from '../dialogs/help-dialog';
import { ComplaintAlerts } from '../followups/complaint-alert';
import { ComplaintDialog } from '../followups/complaint-dialog';
import { MoveDialog } from '../dialogs/move-dialog';
import type { Locale, Strings } from '../i18n';
import { ordered } from '../state/chats';
import { visibleViews } from '../views/registry';
import { TakenNotice } from '../floor/taken-notice';
import { ChatList } from './chat-list';
import { RestartedBanner } from './restarted';
import { TopBar } from './topbar';
import { useListKeys } from './use-list-keys';
import { useSession } from './use-session';

interface WorkspaceProps {
  token: string;
  t: Strings;
  locale: Locale;
  api: Api;
  langSwitch: JSX.Element;
  onSignOut(): void;
  /** A new token for the same user (password changed): the session reconnects with it. */
  onToken(token: string): void;
}

export function Workspace({ token, t, locale, api, langSwitch, onSignOut, onToken }: WorkspaceProps) {
  const [session, s] = useSession(token, t);
  const [activeId, setActiveId] = useState<string | null>(null);
  // 'chats' or the id of a view in views/registry.tsx.
  const [view, setView] = useState('chats');
  const [dialog, setDialog] = useState<'transfer' | 'close' | 'handover' | 'help' | 'complaint' | null>(null);
  // Each conversation keeps its draft and scroll position across switches.
  const drafts = useRef<Record<string, Draft>>({});
  const positions = useRef<Record<string, TranscriptPosition>>({});
  const [, setNow] = useState(Date.now());

  // Waiting times in the list move on without any event.
  useEffect(() => {
    const tick = setInterval(() => setNow(Date.now()), 15_000);
    return () => clearInterval(tick);
  }, []);
  useEffect(() => {
    if (s.refused) onSignOut();
  }, [s.refused]);

  const list = ordered(s.chats);
  const active = activeId ? s.chats[activeId] : undefined;
  useEffect(() => {
    if (activeId && !s.chats[activeId]) setActiveId(null);
  }, [s.chats, activeId]);
  useEffect(() => {
    if (!activeId && list.length) setActiveId(list[0].view.id);
    session.setActive(activeId);
  }, [activeId, list.length]);

  const unreadTotal = list.reduce((n, c) => n + c.unread, 0);
  useEffect(() => {
    document.title = unreadTotal ? `(${unreadTotal}) ${t.appName}` : t.appName;
  }, [unreadTotal, t]);
  useListKeys(list, activeId, setActiveId);
  useEffect(() => {
    // "?" outside a text field opens the shortcuts.
    const onKey = (e: KeyboardEvent) => {
      const el = e.target as HTMLElement | null;
      if (e.key !== '?' || el?.closest('input, textarea, select, [contenteditable]')) return;
      e.preventDefault();
      setDialog('help');
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, []);

  const me = s.me;
  const views = visibleViews(me);
  const current = views.find((v) => v.id === view);
  const done = () => setDialog(null);

  return (
    <div class="console">
      <TopBar
        t={t}
        me={me}
        langSwitch={langSwitch}
        onStatus={(status) => void session.call('agent:status', { status })}
        onEndShift={() => setDialog('handover')}
        onSignOut={onSignOut}
      />
      {s.connection === 'offline' && (
        <p class="banner" role="status">
          {t.reconnecting}
        </p>
      )}
      {s.connection === 'online' && s.restarted && <RestartedBanner locale={locale} onDismiss={session.dismissRestarted} />}
      <TakenNotice session={session} locale={locale} />
      {me?.role === 'lead' && <ComplaintAlerts session={session} api={api} t={t} locale={locale} />}
      {views.length > 0 && (
        <nav class="views" aria-label={t.views}>
          {[{ id: 'chats', label: t.chatsView, badge: undefined }, ...views.map((v) => ({ id: v.id, label: v.label[locale], badge: v.badge }))].map((v) => (
            <button key={v.id} type="button" aria-current={v.id === view ? 'page' : undefined} onClick={() => setView(v.id)}>
              {v.label}
              {v.badge && me && <v.badge session={session} api={api} locale={locale} me={me} />}
            </button>
          ))}
          <button type="button" class="help" title={t.shortcuts} aria-keyshortcuts="?" onClick={() => setDialog('help')}>
            {t.help}
          </button>
        </nav>
      )}
      {current && me ? (
        <div class="panes view">
          <current.component
            t={t}
            locale={locale}
            api={api}
            session={session}
            me={me}
            openChat={(id) => {
              setView('chats');
              setActiveId(id);
            }}
            replaceToken={onToken}
          />
        </div>
      ) : (
      <div class="panes">
        <ChatList t={t} list={list} activeId={activeId} onSelect={setActiveId} />
        {active ? (
          <Conversation
            key={active.view.id}
            chat={active}
            session={session}
            api={api}
            t={t}
            locale={locale}
            agentName={me?.name ?? ''}
            draft={drafts.current[active.view.id] ?? { text: '', note: false }}
            onDraft={(d) => (drafts.current[active.view.id] = d)}
            position={positions.current[active.view.id]}
            onPosition={(p) => (positions.current[active.view.id] = p)}
            onTransfer={() => setDialog('transfer')}
            onClose={() => setDialog('close')}
            onComplaint={() => setDialog('complaint')}
          />
        ) : (
          <main class="conversation empty">{t.selectConversation}</main>
        )}
      </div>
      )}
      {dialog === 'transfer' && active && (
        <MoveDialog
          t={t}
          api={api}
          meId={me?.id}
          labels={{ title: t.transferTitle, to: t.transferTo, note: t.transferNote, confirm: t.confirmTransfer }}
          departments
          move={(toAgentId, note, toDepartmentId) =>
            session.call('conversation:transfer', {
              conversationId: active.view.id,
              toAgentId,
              ...(toDepartmentId ? { toDepartmentId } : {}),
              ...(note ? { note } : {}),
            })
          }
          onDone={done}
        />
      )}
      {dialog === 'help' && <HelpDialog t={t} onDone={done} />}
      {dialog === 'complaint' && active && <ComplaintDialog t={t} locale={locale} api={api} conversationId={active.view.id} onDone={done} />}
      {dialog === 'close' && active && <CloseDialog t={t} locale={locale} api={api} session={session} chat={active} onDone={done} />}
      {dialog === 'handover' && (
        <MoveDialog
          t={t}
          api={api}
          meId={me?.id}
          labels={{ title: t.endShiftTitle, to: t.handoverTo, note: t.handoverNote, confirm: t.confirmHandover }}
          move={(toAgentId, note) => session.call('agent:handover', { toAgentId, ...(note ? { note } : {}) })}
          onDone={done}
        />
      )}
    </div>
  );
}
