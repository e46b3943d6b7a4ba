/** The conversation on screen: its head (department, transfer, close), transcript, composer and side panel. */
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { Api } from '../api';
import { Composer, type Draft } from '../composer/composer';
import { fillVariables } from '../composer/variables';
import { fill, type Locale, type Strings } from '../i18n';
import { en as complaintEn, zhCN as complaintZh } from '../followups/strings';
import { SidePanel } from '../side-panel/side-panel';
import type { Chat } from '../state/chats';
import type { ConsoleSession } from '../state/session';
import { DepartmentBadge } from './department-badge';
import { Transcript, type TranscriptPosition } from './transcript';
import { PresenceBadge } from './presence-badge';
import { visitorLabel } from './visitor-label';

interface ConversationProps {
  chat: Chat;
  session: ConsoleSession;
  api: Api;
  t: Strings;
  locale: Locale;
  agentName: string;
  draft: Draft;
  onDraft(d: Draft): void;
  position?: TranscriptPosition;
  onPosition(p: TranscriptPosition): void;
  onTransfer(): void;
  onClose(): void;
  onComplaint(): void;
}

export function Conversation({ chat, session, api, t, locale, agentName, onDraft, position, onPosition, onTransfer, onClose, onComplaint, ...props }: ConversationProps) {
  const [draft, setDraft] = useState(props.draft);
  const box = useRef<HTMLTextAreaElement>(null);
  const id = chat.view.id;

  useEffect(() => onDraft(draft), [draft]);
  // After the transcript scrolled into place (children's layout effects run first).
  useLayoutEffect(() => box.current?.focus(), []);

  const vars = { 'visitor.name': chat.view.visitorName ?? '', 'agent.name': agentName, 'conversation.id': id };
  const insert = (body: string) => {
    setDraft((d) => ({ ...d, text: fillVariables(body, vars) }));
    box.current?.focus();
  };
  const send = () => {
    if (!draft.text.trim()) return;
    session.send(id, draft.text, draft.note);
    session.typing(id, false);
    setDraft((d) => ({ ...d, text: '' }));
  };

  return (
    <>
      <main class="conversation" aria-label={`${t.transcript}: ${visitorLabel(chat, t)}`}>
        <div class="convhead">
          <h2>{visitorLabel(chat, t)}</h2>
          <DepartmentBadge department={chat.view.department} t={t} />
          {!chat.ended && <PresenceBadge presence={chat.view.visitorPresence} t={t} />}
          <button type="button" onClick={onComplaint}>{(locale === 'zh-CN' ? complaintZh : complaintEn).complaint}</button>
          {!chat.ended && <button type="button" onClick={onTransfer}>{t.transfer}</button>}
          <button type="button" class={chat.ended ? 'primary' : undefined} onClick={onClose}>{chat.ended ? t.fileWrapUp : t.close}</button>
        </div>
        {chat.ended && (
          <p class="banner ended" role="status">
            {fill(t.endedBanner, { time: new Date(chat.ended.wrapUpDueAt).toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' }) })}
          </p>
        )}
        <Transcript chat={chat} t={t} locale={locale} position={position} onPosition={onPosition} onRetry={(clientId) => session.retry(id, clientId)} onEarlier={() => session.loadEarlier(id)} />
        <Composer
          t={t}
          api={api}
          draft={draft}
          onDraft={setDraft}
          boxRef={box}
          insert={insert}
          send={send}
          typing={(typing) => session.typing(id, typing)}
        />
      </main>
      <SidePanel chat={chat} session={session} api={api} t={t} locale={locale} onInsert={insert} />
    </>
  );
}
