/**
 * Quality review's use cases: score closed conversations, show one conversation's findings and
 * review, take a lead's review, and report the figures per agent.
 *
 * Scoring is lazy, like the reports' facts: every read first scores the closed conversations
 * that have no score yet, when they are few (history-fill.ts; after an upgrade the background job
 * scores the history in steps and a read says how far it got). The rules are those in force at
 * that moment; a score is then kept, so a conversation's findings do not change under a lead who
 * reviewed them. Nothing is written at close, so a process that dies between a close and its
 * scoring loses nothing: the next read scores it. A chat waiting for its wrap-up is scored once
 * the wrap-up is filed or expires, since its category decides the "unresolved" rule.
 */
import type { ConversationQualityResponse, QualityReportResponse, QualityReportRow, QualityReviewBody, QualitySettings } from '../../../shared/quality';
import { QUALITY_RULES } from '../../../shared/quality';
import type { Role } from '../../../shared/protocol';
import { AppError } from '../../errors';
import { addDays, dayIn, serverTimeZone } from '../chat/day';
import type { Clock } from '../clock';
import { catchUp, countingAfterCatchUp, type HistoryFiller } from '../history-fill';
import type { QualityGroup, QualityStore, QualityTranscript, ScoredConversation } from '../ports/quality';
import { MAX_REPORT_DAYS, startOfDate } from '../reports';
import { qualityScorer } from './rules';

export interface QualityServiceDeps {
  store: QualityStore;
  clock: Clock;
  /** The lead's rules, read when conversations are scored. */
  rules: () => Promise<QualitySettings>;
  /** The site's IANA time zone for report ranges. @default the server's */
  timeZone?: () => string | null | undefined;
  /**
   * Conversations scored per step (their transcripts read, scored and saved in one transaction):
   * small enough that a step holds an embedded database well under 200 ms. @default QUALITY_FILL_BATCH
   */
  fillBatch?: number;
  /** A read found more conversations to score than it scores itself: start the background fill. @default nothing */
  historyBehind?: () => void;
}

export interface Viewer {
  id: string;
  role: Role;
}

/** Conversations scored per step, measured by bench/quality.ts (docs/reports.md). */
export const QUALITY_FILL_BATCH = 150;
const DAY_MS = 86_400_000;

export type QualityService = ReturnType<typeof createQualityService>;

export function createQualityService(deps: QualityServiceDeps) {
  const { store, clock } = deps;
  const batchSize = deps.fillBatch ?? QUALITY_FILL_BATCH;
  const behind = () => deps.historyBehind?.();

  /** Scores transcripts with the rules read now. Read before a step's transaction, not inside it. */
  async function scorer(): Promise<(ts: QualityTranscript[]) => ScoredConversation[]> {
    const score = qualityScorer(await deps.rules());
    const at = clock.now();
    return (ts) =>
      ts.map((t): ScoredConversation => ({ conversationId: t.conversationId, agentId: t.agentId, closedAt: t.closedAt, settledAt: t.settledAt, scoredAt: at, ...score(t) }));
  }

  /** The scores as one history to count. */
  const filler: HistoryFiller = {
    name: 'quality',
    batchSize,
    backlog: (atMost) => store.backlog(atMost),
    step: async (wait) => store.scoreNext(batchSize, await scorer(), { wait }),
    progress: () => store.progress(),
  };

  /** The conversation, if this viewer may see it: a lead any, an agent those they held. */
  async function visible(viewer: Viewer, id: string) {
    const c = await store.subject(id);
    if (!c || (viewer.role !== 'lead' && c.agentId !== viewer.id)) throw new AppError('CONVERSATION_NOT_FOUND');
    return c;
  }

  /** One conversation's automatic score (scored now if it is due) and its review. */
  async function conversation(viewer: Viewer, id: string): Promise<ConversationQualityResponse> {
    const c = await visible(viewer, id);
    let automatic: ScoredConversation | null = null;
    if (c.closedAt !== null && !c.wrapUpDue) {
      const current = await catchUp(filler, behind);
      automatic = await store.scoreOf(id);
      if (!automatic) {
        const scored = (await scorer())(await store.transcripts([id]));
        // Older than what the steps look at (a close committed very late): stored alone. While the
        // history is still being scored, one the steps have not reached is shown, and stored when they do.
        if (current) await store.saveScores(scored);
        automatic = current ? await store.scoreOf(id) : (scored[0] ?? null);
      }
    }
    const review = await store.reviewOf(id);
    return {
      conversationId: c.id,
      agentId: c.agentId,
      automatic: automatic && { score: automatic.score, findings: automatic.findings, scoredAt: automatic.scoredAt },
      review: review && { score: review.score, comment: review.comment, reviewerId: review.reviewerId, reviewerName: review.reviewerName, reviewedAt: review.reviewedAt },
    };
  }

  function toRow(g: QualityGroup, label: string): QualityReportRow {
    return {
      key: g.total ? '' : g.key,
      label,
      scored: g.scored,
      averageScore: g.scored ? g.scoreSum / g.scored : null,
      failed: Object.fromEntries(QUALITY_RULES.map((r) => [r, g.failed[r] ?? 0])) as QualityReportRow['failed'],
      reviewed: g.reviewed,
      averageReview: g.reviewed ? g.reviewSum / g.reviewed : null,
    };
  }

  return {
    filler,

    conversation,

    /** A lead's score and comment on a closed conversation; saving again replaces them. */
    async review(viewer: Viewer, id: string, body: QualityReviewBody): Promise<ConversationQualityResponse> {
      if (viewer.role !== 'lead') throw new AppError('FORBIDDEN', 'Only leads review conversations');
      const c = await visible(viewer, id);
      if (c.closedAt === null) throw new AppError('CONVERSATION_NOT_CLOSED', 'The conversation is still going on; review it once it is closed');
      await store.saveReview({
        conversationId: id,
        agentId: c.agentId,
        closedAt: c.closedAt,
        reviewerId: viewer.id,
        score: body.score,
        comment: body.comment ?? '',
        reviewedAt: clock.now(),
      });
      return conversation(viewer, id);
    },

    /** Per agent over the chats closed in a range of site days; an agent's is always their own. */
    async report(req: { from?: string; to?: string; agentId?: string }, viewer: Viewer): Promise<QualityReportResponse> {
      const timeZone = deps.timeZone?.() || serverTimeZone();
      const from = req.from ?? dayIn(timeZone, clock.now()).day;
      const to = req.to ?? from;
      if (to < from) throw new AppError('VALIDATION_FAILED', 'to: must not be before from');
      const start = startOfDate(timeZone, from);
      const end = startOfDate(timeZone, addDays(to, 1));
      if (end - start > MAX_REPORT_DAYS * DAY_MS + DAY_MS) throw new AppError('VALIDATION_FAILED', `to: at most ${MAX_REPORT_DAYS} days`);
      if (viewer.role !== 'lead' && req.agentId !== undefined && req.agentId !== viewer.id) throw new AppError('FORBIDDEN');
      const agentId = viewer.role === 'lead' ? req.agentId : viewer.id;
      const counting = await countingAfterCatchUp(filler, behind);
      const groups = await store.groups({ from: start, to: end, agentId });
      const names = await store.userNames(groups.flatMap((g) => (g.key ? [g.key] : [])));
      const rows = groups
        .filter((g) => !g.total)
        .map((g) => toRow(g, g.key === null ? '' : (names.get(g.key) ?? g.key)))
        .sort((a, b) => a.label.localeCompare(b.label) || (a.key ?? '').localeCompare(b.key ?? ''));
      const total = groups.find((g) => g.total) ?? { total: true, key: null, scored: 0, scoreSum: 0, failed: {}, reviewed: 0, reviewSum: 0 };
      return { from, to, timeZone, agentId: agentId ?? null, rows, total: toRow(total, ''), counting };
    },
  };
}
