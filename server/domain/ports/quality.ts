/**
 * What quality review needs from durable storage (server/store/sql/quality.ts implements it):
 * the transcripts of closed conversations to score, the scores and the leads' reviews, and the
 * per-agent figures of a range. Times are ms since the epoch.
 */
import type { AuthorKind, CloseReason } from '../../../shared/protocol';
import type { QualityFinding, QualityRuleId } from '../../../shared/quality';
import type { FillProgress, FillStep } from '../history-fill';

/** What the rules read of a closed conversation: its chat texts (no notes) and how it ended. */
export interface QualityTranscript {
  conversationId: string;
  /** Who held it at close (the agent its score counts for); null: nobody ever did. */
  agentId: string | null;
  openedAt: number;
  closedAt: number;
  /** When its figures became final: the close, or the filing (or expiry) of its wrap-up. */
  settledAt: number;
  /** Whether an agent was ever assigned. */
  assigned: boolean;
  closedBy: AuthorKind | null;
  closeReason: CloseReason | null;
  closeCategory: string | null;
  /** Visitor and agent texts in order. `routine`: sent by a routine in the agent's name, not typed. */
  texts: { author: 'visitor' | 'agent'; text: string; at: number; routine: 'greeting' | 'closing' | 'idle' | null }[];
}

export interface ScoredConversation {
  conversationId: string;
  agentId: string | null;
  closedAt: number;
  settledAt: number;
  score: number;
  failed: QualityRuleId[];
  findings: QualityFinding[];
  scoredAt: number;
}

export interface StoredReview {
  conversationId: string;
  agentId: string | null;
  closedAt: number;
  reviewerId: string;
  reviewerName: string | null;
  score: number;
  comment: string;
  reviewedAt: number;
}

/** The conversation as quality review sees it: null when there is none. */
export interface QualitySubject {
  id: string;
  agentId: string | null;
  closedAt: number | null;
  /** A wrap-up is still due: its category may still come, so it is not scored yet. */
  wrapUpDue: boolean;
}

/** One agent's (or, `total`, everyone's) raw quality figures over a range. */
export interface QualityGroup {
  total: boolean;
  key: string | null;
  scored: number;
  scoreSum: number;
  failed: Partial<Record<QualityRuleId, number>>;
  reviewed: number;
  reviewSum: number;
}

export interface QualityStore {
  /**
   * How many closed, settled conversations have no score yet, counting no further than
   * `atMost`. Looks only from a little before the latest settled time already scored (at first,
   * at the whole history), so a read that finds nothing to do costs two index lookups.
   */
  backlog(atMost: number): Promise<number>;
  /**
   * Scores the next unscored conversations (oldest settled first, at most `limit`, where
   * `backlog` looks) with `score` and stores the scores, in one transaction. `wait`: wait for
   * another process's step instead of answering 'busy'. Scoring a newer conversation alone would
   * move where later steps look past the older ones still waiting: `saveScores` is for those
   * older than that.
   */
  scoreNext(limit: number, score: (ts: QualityTranscript[]) => ScoredConversation[], opts: { wait: boolean }): Promise<FillStep>;
  /** Conversations scored, of those closed and settled. */
  progress(): Promise<FillProgress>;
  transcripts(ids: readonly string[]): Promise<QualityTranscript[]>;
  /** Stores scores; a conversation already scored (by another process) keeps its score. */
  saveScores(scores: readonly ScoredConversation[]): Promise<void>;
  subject(conversationId: string): Promise<QualitySubject | null>;
  scoreOf(conversationId: string): Promise<ScoredConversation | null>;
  reviewOf(conversationId: string): Promise<StoredReview | null>;
  saveReview(review: Omit<StoredReview, 'reviewerName'>): Promise<void>;
  /** Per agent and the total over the chats closed in [from, to), optionally one agent's only. */
  groups(range: { from: number; to: number; agentId?: string }): Promise<QualityGroup[]>;
  userNames(ids: readonly string[]): Promise<Map<string, string>>;
}
