/**
 * The console's views besides the chats. Each feature folder owns one view component and its
 * strings (`<feature>/strings.ts` with `en` and `zhCN`); this table is the only place that
 * lists them. `lead: true` views are shown to leads only (the server refuses their calls to agents).
 */
import type { ComponentType } from 'preact';
import type { AgentSelf } from '../../../shared/protocol';
import { AccountView } from '../account/account-view';
import * as account from '../account/strings';
import type { Api } from '../api';
import type { Locale, Strings } from '../i18n';
import { FollowUpsView } from '../followups/followups-view';
import * as followups from '../followups/strings';
import { InboxBadge } from '../inbox/inbox-badge';
import { InboxView } from '../inbox/inbox-view';
import type { ConsoleSession } from '../state/session';
import { TranscriptsView } from '../transcripts/transcripts-view';
import { LibraryView } from '../library/library-view';
import * as library from '../library/strings';
import { SettingsView } from '../settings/settings-view';
import * as settings from '../settings/strings';
import { FloorView } from '../floor/floor-view';
import { en as floorEn, zhCN as floorZh } from '../floor/strings';
import { ReportsView } from '../reports/reports-view';
import * as reports from '../reports/strings';
import { QualityRulesView } from '../quality/rules-view';
import * as quality from '../quality/strings';
import { TeamView } from '../team/team-view';
import * as team from '../team/strings';

export interface ViewProps {
  t: Strings;
  locale: Locale;
  api: Api;
  session: ConsoleSession;
  me: AgentSelf;
  /** Opens a conversation of mine in the chats view. */
  openChat(conversationId: string): void;
  /** Switches this tab to a new token of mine (after I changed my password): saved, and the session reconnects with it. */
  replaceToken(token: string): void;
}

export interface ViewEntry {
  id: string;
  /** The navigation label in each language. */
  label: Record<Locale, string>;
  lead: boolean;
  component: ComponentType<ViewProps>;
  /** Shown in the view's navigation button, mounted as long as the console is (a count kept live). */
  badge?: ComponentType<Pick<ViewProps, 'session' | 'api' | 'locale' | 'me'>>;
}

/** In navigation order, after "Chats". Features add one line each. */
export const VIEWS: readonly ViewEntry[] = [
  { id: 'floor', label: { en: floorEn.label, 'zh-CN': floorZh.label }, lead: true, component: FloorView },
  { id: 'team', label: { en: team.en.nav, 'zh-CN': team.zhCN.nav }, lead: true, component: TeamView },
  { id: 'library', label: { en: library.en.nav, 'zh-CN': library.zhCN.nav }, lead: true, component: LibraryView },
  { id: 'settings', label: { en: settings.en.nav, 'zh-CN': settings.zhCN.nav }, lead: true, component: SettingsView },
  { id: 'quality', label: { en: quality.en.nav, 'zh-CN': quality.zhCN.nav }, lead: true, component: QualityRulesView },
  { id: 'inbox', label: { en: 'Left messages', 'zh-CN': '留言' }, lead: false, component: InboxView, badge: InboxBadge },
  { id: 'transcripts', label: { en: 'Transcripts', 'zh-CN': '对话记录' }, lead: false, component: TranscriptsView },
  { id: 'followups', label: { en: followups.en.nav, 'zh-CN': followups.zhCN.nav }, lead: false, component: FollowUpsView },
  { id: 'reports', label: { en: reports.en.nav, 'zh-CN': reports.zhCN.nav }, lead: false, component: ReportsView },
  { id: 'account', label: { en: account.en.nav, 'zh-CN': account.zhCN.nav }, lead: false, component: AccountView },
];

export const visibleViews = (me: AgentSelf | null): readonly ViewEntry[] =>
  me ? VIEWS.filter((v) => !v.lead || me.role === 'lead') : [];
