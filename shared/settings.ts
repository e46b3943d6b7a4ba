/**
 * Team settings (`/api/v1/settings`, docs/protocol.md §9.9), shared by the server and the
 * console. A lead edits them; every signed-in agent or lead reads them.
 */
import { FAQ_LANGUAGES, type FaqLanguage } from './faq';
import type { CloseCategory, PreChatField } from './protocol';
import type { QualitySettings } from './quality';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** One day's opening hours, local to the settings' time zone, `HH:MM` 24-hour; `open` < `close`. */
export interface OpeningHours {
  open: string;
  close: string;
}

export interface TeamSettings {
  /** The widget's first line, per console language. */
  greeting: Record<FaqLanguage, string>;
  /** `days[d]` null: closed all day. `timeZone` is an IANA name (`Asia/Shanghai`). */
  businessHours: { timeZone: string; days: Record<Weekday, OpeningHours | null> };
  /**
   * Whether `businessHours` apply: outside them visitors get `agentsAvailable: false` with
   * `reopensAt`, and a first message is refused with TEAM_CLOSED (docs/protocol.md §5.1).
   */
  businessHoursOn: boolean;
  /** A visitor waiting longer than this stands out on the lead's floor. 10–3600. */
  waitingThresholdSeconds: number;
  /** Whether agents see the text a visitor is typing before it is sent (false: only "is typing"). */
  typingPreview: boolean;
  /**
   * Every close category the team has had, in the order offered; at least one not removed.
   * Removed ones stay listed so old transcripts and reports still show their names.
   */
  closeCategories: CloseCategoryDef[];
  /** Customer-service routines (docs/protocol.md §9.9); an empty text turns its message off. */
  routines: RoutineSettings;
  /** The widget's pre-chat form: each field off, or asked before the first message, optional or required. */
  preChat: PreChatSettings;
  /** Routing by department (docs/protocol.md §8.14, §9.14). */
  departments: DepartmentSettings;
  /** The quality review's rules (shared/quality.ts), applied to each conversation when it is scored. */
  quality: QualitySettings;
}

export interface DepartmentSettings {
  /**
   * The widget offers the shopper a choice of department (`VisitorSession.departments`) and, while
   * some exist, asks for one before the first message: required unless `preChat.department` is `optional`.
   */
  offerChoice: boolean;
  /** A conversation waits this long for its department's agents, then any agent may take it. 0–3600. */
  overflowSeconds: number;
}

/** How the pre-chat form asks one field. */
export const PRE_CHAT_MODES = ['off', 'optional', 'required'] as const;
export type PreChatMode = (typeof PRE_CHAT_MODES)[number];
/**
 * `name`, `email`: stored on the visitor's profile (required ones are enforced by the server);
 * `department`: asked exactly when departments are offered (`off` then counts as `required`),
 * required ones enforced by the server too; `question`: the first message itself.
 */
export type PreChatSettings = Record<PreChatField, PreChatMode>;

/** A close category, named by the lead. */
export interface CloseCategoryDef {
  /**
   * What conversations store, transcript filters and reports use. The five built-in ones keep
   * their ids (`inquiry`, `complaint`, `order`, `after_sales`, `other`); the server gives a new
   * one its id (`c-…`) when a lead adds it. Never changes, so a rename renames old chats too.
   */
  id: CloseCategory;
  /** Its name per language; one may be empty, and then the other is shown. */
  name: Record<FaqLanguage, string>;
  /** No longer offered when closing; still named wherever old conversations show it. */
  removed: boolean;
}

/** The categories a new team starts with (server/store/sql/migrations.ts 22 gives an older team's choice these names). */
export const BUILT_IN_CATEGORIES: CloseCategoryDef[] = [
  { id: 'inquiry', name: { en: 'Inquiry', 'zh-CN': '咨询' }, removed: false },
  { id: 'complaint', name: { en: 'Complaint', 'zh-CN': '投诉' }, removed: false },
  { id: 'order', name: { en: 'Order', 'zh-CN': '订单' }, removed: false },
  { id: 'after_sales', name: { en: 'After-sales', 'zh-CN': '售后' }, removed: false },
  { id: 'other', name: { en: 'Other', 'zh-CN': '其他' }, removed: false },
];

/** A category's name in `language` (else in the other language, else its id). */
export function categoryName(categories: readonly CloseCategoryDef[], id: string, language: FaqLanguage): string {
  const c = categories.find((x) => x.id === id);
  if (!c) return id;
  return c.name[language] || FAQ_LANGUAGES.map((l) => c.name[l]).find(Boolean) || id;
}

/** Suggested routine texts, shown in the settings page's empty fields. */
export const ROUTINE_SUGGESTIONS: Pick<RoutineSettings, 'greeting' | 'closing'> = {
  greeting: { en: 'Hi {visitor.name}, this is {agent.name}. How can I help you?', 'zh-CN': '{visitor.name}您好，我是客服{agent.name}，请问有什么可以帮您？' },
  closing: { en: 'Thank you for chatting with us, {visitor.name}. Have a nice day!', 'zh-CN': '感谢您的咨询，祝您生活愉快！' },
};

/**
 * Texts sent automatically in the agent's name (marked `auto` in the transcript) and the times
 * that trigger them. Texts may use `{visitor.name}` and `{agent.name}`; an unknown visitor name
 * is replaced by a polite form of address in the text's language.
 */
export interface RoutineSettings {
  /** Sent once per conversation when it is first assigned; '' sends nothing. */
  greeting: Record<FaqLanguage, string>;
  /** Sent once per conversation when an agent or lead closes it, before the close. */
  closing: Record<FaqLanguage, string>;
  /** Sent when the visitor has not answered the agent for `idlePromptMinutes`. */
  idlePrompt: Record<FaqLanguage, string>;
  /** Minutes of visitor silence after an agent message before the prompt; 0 turns both idle rules off. 1–120. */
  idlePromptMinutes: number;
  /** Further minutes of silence after the prompt before the conversation closes as `visitor_idle`. 1–120. */
  idleCloseMinutes: number;
  /** An assigned conversation with no agent answer after this long is flagged on the floor. 10–3600. */
  slowAnswerSeconds: number;
  /**
   * Such a conversation also goes, once, to another online agent with free capacity (the least
   * loaded; of its department when it has one); when nobody can take it, it stays. Default off.
   */
  slowAnswerReroute: boolean;
  /** A queued shopper who left the page this long ago leaves the queue as a missed chat; 0 keeps them queued. 0–3600. */
  missedAfterSeconds: number;
  /** A chat the visitor ended waits this long for its agent's category and summary, then is filed uncategorised. 1–1440. */
  wrapUpMinutes: number;
  /** A complaint's handling is due this long after it is registered. 1–720. */
  complaintDueHours: number;
  /** A follow-up (complaint, rating of 1 or 2, left message) is due this long after it is created. 1–60. */
  followUpDueDays: number;
  /** A shopper queued this long since their chat opened is offered the leave-a-message form (keeping their place); 0 never. 0–120. */
  queueWaitLimitMinutes: number;
}
