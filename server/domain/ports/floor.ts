/**
 * What the lead's floor reads from durable storage (server/store/sql/floor.ts implements it):
 * the times of live conversations (today's figures come from the reports: domain/reports.ts).
 * Reads only; times are ms since the epoch.
 */

/** When a conversation last joined the queue and got its agent, and how long a visitor has waited. */
export interface ConversationTimes {
  conversationId: string;
  /** The latest `queued`, `requeued` or sent-back (`transferred` to nobody) event; else the opening. */
  queuedAt: number;
  /** The latest `assigned` event, or null. */
  assignedAt: number | null;
  /** The oldest visitor text after the last agent text, or null when the visitor has been answered. */
  waitingSince: number | null;
}

export interface FloorStore {
  /** One entry per id that exists, in no particular order. */
  conversationTimes(conversationIds: readonly string[]): Promise<ConversationTimes[]>;
}
