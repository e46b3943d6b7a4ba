/**
 * Searching stored conversations, live and closed, for transcripts and their export
 * (server/store/sql/transcript-search.ts implements it).
 */
import type { ConversationSummary } from './records';

/** Filters, all optional, combined with AND. */
export interface TranscriptFilter {
  /** Contained in any text message or note, case-insensitively (a plain substring: Chinese has no word boundaries). */
  text?: string;
  /** Contained in the visitor's name or email (their profile, or what they typed into the offline form). */
  visitor?: string;
  agentId?: string;
  category?: string;
  /** The visitor's rating, 1–5. */
  rating?: number;
  /** opened_at >= from, < to (ms since the epoch). */
  from?: number;
  to?: number;
  /** `live`: queued or open; `closed`. */
  status?: 'live' | 'closed';
}

/** One conversation with everything a report row carries. */
export interface TranscriptRow extends ConversationSummary {
  visitorEmail: string | null;
  /** When it was first assigned to an agent (its first `assigned` event). */
  assignedAt: number | null;
  rating: number | null;
  ratingComment: string | null;
}

export interface TranscriptSearchStore {
  /** Newest first, keyset-paginated on (openedAt desc, id desc); at most `limit`. */
  search(filter: TranscriptFilter, page: { after?: { openedAt: number; id: string }; limit: number }): Promise<TranscriptRow[]>;
}
