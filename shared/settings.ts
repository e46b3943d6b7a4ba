/**
 * Team settings (`/api/v1/settings`, docs/protocol.md §9.9), shared by the server and the
 * console. A lead edits them; every signed-in agent or lead reads them.
 */
import type { FaqLanguage } from './faq';
import type { CloseCategory } from './protocol';
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
  /** A visitor waiting longer than this stands out on the lead's floor. 10–3600. */
  waitingThresholdSeconds: number;
  /** Whether agents see the text a visitor is typing before it is sent (false: only "is typing"). */
  typingPreview: boolean;
  /** The categories offered when closing a conversation, in this order; at least one. */
  closeCategories: CloseCategory[];
  /** Customer-service routines (docs/protocol.md §9.9); an empty text turns its message off. */
  routines: RoutineSettings;
  /** The quality review's rules (shared/quality.ts), applied to each conversation when it is scored. */
  quality: QualitySettings;
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
  /** A chat the visitor ended waits this long for its agent's category and summary, then is filed uncategorised. 1–1440. */
  wrapUpMinutes: number;
  /** A complaint's handling is due this long after it is registered. 1–720. */
  complaintDueHours: number;
  /** A follow-up (complaint, rating of 1 or 2, left message) is due this long after it is created. 1–60. */
  followUpDueDays: number;
}
