/**
 * Team settings (`/api/v1/settings`, docs/protocol.md §9.9), shared by the server and the
 * console. A lead edits them; every signed-in agent or lead reads them.
 */
import type { FaqLanguage } from './faq';
import type { CloseCategory } from './protocol';

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
}
