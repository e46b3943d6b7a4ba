/**
 * Quality review's use cases: score closed conversations, show one conversation's findings and
 * review, take a lead's review, and report the figures per agent.
 *
 * Scoring is lazy, like the reports' facts: every read first scores the closed conversations
 * that have no score yet (with the rules in force at that moment; a score is then kept, so a
 * conversation's findings do not change under a lead who reviewed them). Nothing is written at
 * close, so a process that dies between a close and its scoring loses nothing: the next read
 * scores it. A chat waiting for its wrap-up is scored once the wrap-up is filed or expires, since
 * its category decides the "unresolved" rule.
 */
import type { ConversationQualityResponse, QualityReportResponse, QualityReportRow, QualityReviewBody, QualitySettings } from '../../../shared/quality';
import { QUALITY_RULES } from '../../../shared/quality';
import type { Role } from '../../../shared/protocol';
import { AppError } from '../../errors';
import { dayIn, serverTimeZone } from '../chat/day';
import type { Clock } from '../clock';
import type { QualityGroup, QualityStore, ScoredConversation } from '../ports/quality';
import { MAX_REPORT_DAYS, startOfDate } from '../reports';
import { qualityScorer } from './rules';

export interface QualityServiceDeps {
  store: QualityStore;
  clock: Clock;
  /** The lead's rules, read when conversations are scored. */
  rules: () => Promise<QualitySettings>;
  /** The site's IANA time zone for report ranges. @default the server's */
  timeZone?: () => string | null | undefined;
}

export interface Viewer {
  id: string;
  role: Role;
}

/** Conversations scored per step (their transcripts are read at once). */
const BATCH = 500;
const DAY_MS = 86_400_000;

export type QualityService = ReturnType<typeof createQualityService>;

export function createQualityService(deps: QualityServiceDeps) {
  const { store, clock } = deps;
  let filling: Promise<void> | null = null;

  async function scoreAll(ids: readonly string[]): Promise<void> {
    const score = qualityScorer(await deps.rules());
    const at = clock.now();
    const scores = (await store.transcripts(ids)).map(
      (t): ScoredConversation => ({ conversationId: t.conversationId, agentId: t.agentId, closedAt: t.closedAt, settledAt: t.settledAt, scoredAt: at, ...score(t) }),
    );
    await store.saveScores(scores);
  }

  /** Scores every settled closed conversation without a score; one pass at a time per process. */
  function fill(): Promise<void> {
    filling ??= (async () => {
      try {
        for (;;) {
          const ids = await store.unscored(BATCH);
          if (ids.length) await scoreAll(ids);
          if (ids.length < BATCH) return;
        }
      } finally {
        filling = null;
      }
    })();
    return filling;
  }

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
      await fill();
      automatic = await store.scoreOf(id);
      // Older than what the sweep looks at (a close committed very late): score it alone.
      if (!automatic) {
        await scoreAll([id]);
        automatic = await store.scoreOf(id);
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
    fill,

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
      const end = startOfDate(timeZone, new Date(Date.parse(`${to}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10));
      if (end - start > MAX_REPORT_DAYS * DAY_MS + DAY_MS) throw new AppError('VALIDATION_FAILED', `to: at most ${MAX_REPORT_DAYS} days`);
      if (viewer.role !== 'lead' && req.agentId !== undefined && req.agentId !== viewer.id) throw new AppError('FORBIDDEN');
      const agentId = viewer.role === 'lead' ? req.agentId : viewer.id;
      await fill();
      const groups = await store.groups({ from: start, to: end, agentId });
      const names = await store.userNames(groups.flatMap((g) => (g.key ? [g.key] : [])));
      const rows = groups
        .filter((g) => !g.total)
        .map((g) => toRow(g, g.key === null ? '' : (names.get(g.key) ?? g.key)))
        .sort((a, b) => a.label.localeCompare(b.label) || (a.key ?? '').localeCompare(b.key ?? ''));
      const total = groups.find((g) => g.total) ?? { total: true, key: null, scored: 0, scoreSum: 0, failed: {}, reviewed: 0, reviewSum: 0 };
      return { from, to, timeZone, agentId: agentId ?? null, rows, total: toRow(total, '') };
    },
  };
}
