/** A conversation as the console holds it, and the chat list's order. */
import type { ConversationView, ErrorCode, Message } from '../../../shared/protocol';
import type { Outgoing } from '../../../shared/client/outbox';

export interface Pending extends Outgoing {
  note: boolean;
  /** Why the server refused it for good (state `refused`). */
  error?: ErrorCode;
}

export interface Chat {
  view: ConversationView;
  /**
   * Stored messages in seq order, each once: a run of the transcript up to its end (earlier
   * ones, when the first seq is above 1, are read back on demand).
   */
  messages: Message[];
  /**
   * Set while catching up page by page after a reconnect: every message up to this seq is here,
   * some after it may not be yet (live ones can be ahead). The next sync resumes from it.
   */
  behind?: number;
  unread: number;
  /** Replies and notes not yet acknowledged, oldest first. */
  outbox: Pending[];
  /** Replies and notes the server refused for good: shown with the error, never sent again. */
  refused: Pending[];
  visitorTyping: boolean;
  /** The end of the visitor's draft, when the team shows typing previews. */
  visitorDraft?: string;
  /** The visitor ended it: listed until its wrap-up is filed, or until this time (ms) passes. */
  ended?: { wrapUpDueAt: number };
}

/** When the visitor started waiting for an answer: their oldest message after the last agent reply. */
export function waitingSince(chat: Chat): number | null {
  // From the end back to the last agent reply: only the messages since then count, so a long
  // transcript costs no more than a short one.
  let since: number | null = null;
  for (let i = chat.messages.length - 1; i >= 0; i--) {
    const m = chat.messages[i];
    if (m.kind !== 'text') continue;
    if (m.author === 'agent') break;
    if (m.author === 'visitor') since = m.at;
  }
  return since;
}

/** Longest-waiting first, then the rest by most recent activity. */
export function ordered(chats: Record<string, Chat>): Chat[] {
  // Each chat's keys once, not once per comparison.
  const keyed = Object.values(chats).map((chat) => ({
    chat,
    waiting: waitingSince(chat),
    active: chat.messages.at(-1)?.at ?? chat.view.openedAt,
  }));
  keyed.sort((a, b) =>
    a.waiting !== null || b.waiting !== null ? (a.waiting ?? Infinity) - (b.waiting ?? Infinity) : b.active - a.active,
  );
  return keyed.map((k) => k.chat);
}
