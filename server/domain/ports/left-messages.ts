/**
 * The left-message inbox: what the inbox use cases need from storage
 * (server/store/sql/left-messages.ts implements it). A left message is `open` until it is
 * answered or closed; an answer is written together with the closed conversation that
 * carries it to the shopper.
 */
import type { LeftMessageRecord } from './records';

export type LeftMessageStatus = 'open' | 'answered' | 'closed';

/** A left message as the inbox sees it (`handled` is superseded by `status`). */
export interface InboxMessageRecord extends Omit<LeftMessageRecord, 'handled'> {
  status: LeftMessageStatus;
  /** The agent or lead it is assigned to, with their display name. */
  assigneeId: string | null;
  assigneeName: string | null;
  answer: string | null;
  answeredBy: string | null;
  answeredByName: string | null;
  answeredAt: number | null;
  closedAt: number | null;
  /** The conversation the answer created (the shopper reads it in the widget). */
  conversationId: string | null;
}

export interface InboxFilter {
  status?: LeftMessageStatus;
  assigneeId?: string;
  /** Keyset position: rows after this one in (createdAt desc, id desc) order. */
  after?: { createdAt: number; id: string };
  limit: number;
}

/** What an answer writes, in one statement. */
export interface NewAnswer {
  id: string;
  /** The one answering (an agent or lead), and their name for the conversation's `assigned` event. */
  agentId: string;
  agentName: string;
  text: string;
  at: number;
  /** Only if still assigned to this user (an agent answering); undefined: whoever holds it (a lead). */
  assignedTo?: string;
}

/**
 * Expected outcomes are values. `not_open`: already answered or closed; `not_assigned`: the
 * `assignedTo` condition failed (reassigned meanwhile); `not_found`: no such message.
 */
export type InboxWrite =
  | { status: 'saved'; message: InboxMessageRecord }
  | { status: 'not_found' | 'not_open' | 'not_assigned' };

export interface LeftMessageInbox {
  list(filter: InboxFilter): Promise<InboxMessageRecord[]>;
  get(id: string): Promise<InboxMessageRecord | null>;
  /** Sets (null: clears) the assignee of an open message. */
  assign(id: string, assigneeId: string | null): Promise<InboxWrite>;
  /**
   * Marks an open message answered and, in the same write, stores the visitor's closed
   * conversation: `opened` (at the left message's time), the left message as the visitor's
   * text, `assigned` to the answerer, the answer as their text, and `closed` by them.
   */
  answer(a: NewAnswer): Promise<InboxWrite>;
  /** Closes an open or answered message (`assignedTo` as in `answer`). */
  close(id: string, at: number, assignedTo?: string): Promise<InboxWrite>;
  /** How many messages are open (only those assigned to `assigneeId`, when given). */
  countOpen(assigneeId?: string): Promise<number>;
}
