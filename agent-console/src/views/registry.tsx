/**
 * The console's views besides the chats. Each feature folder owns one view component and its
 * strings (`<feature>/strings.ts` with `en` and `zhCN`); this table is the only place that
 * lists them. `lead: true` views are shown to leads only (the server refuses their calls to agents).
 */
import type { ComponentType } from 'preact';
import type { AgentSelf } from '../../../shared/protocol';
import type { Api } from '../api';
import type { Locale, Strings } from '../i18n';
import { InboxView } from '../inbox/inbox-view';
import type { ConsoleSession } from '../state/session';
import { TranscriptsView } from '../transcripts/transcripts-view';

export interface ViewProps {
  t: Strings;
  locale: Locale;
  api: Api;
  session: ConsoleSession;
  me: AgentSelf;
  /** Opens a conversation of mine in the chats view. */
  openChat(conversationId: string): void;
}

export interface ViewEntry {
  id: string;
  /** The navigation label in each language. */
  label: Record<Locale, string>;
  lead: boolean;
  component: ComponentType<ViewProps>;
}

/** In navigation order, after "Chats". Features add one line each. */
export const VIEWS: readonly ViewEntry[] = [
  { id: 'inbox', label: { en: 'Left messages', 'zh-CN': '留言' }, lead: false, component: InboxView },
  { id: 'transcripts', label: { en: 'Transcripts', 'zh-CN': '对话记录' }, lead: false, component: TranscriptsView },
];

export const visibleViews = (me: AgentSelf | null): readonly ViewEntry[] =>
  me ? VIEWS.filter((v) => !v.lead || me.role === 'lead') : [];
