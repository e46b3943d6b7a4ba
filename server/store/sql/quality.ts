/**
 * Quality review's storage (the domain's QualityStore): automatic scores in
 * `conversation_quality`, leads' reviews in `quality_reviews` (migration 20), and the
 * transcripts the rules read. A score row copies the conversation's agent and close time, so
 * the per-agent report reads only these two tables through their close-time indexes.
 *
 * Scores are written in steps (`scoreNext`): one transaction under an advisory lock picks the
 * next batch, reads its transcripts, scores them with the domain's rules and saves them, so
 * processes sharing a database never score a batch twice, and PGlite's single session is held
 * for one bounded batch at a time.
 */
import type { CloseReason } from '../../../shared/protocol';
import { QUALITY_RULES, type QualityFinding, type QualityRuleId } from '../../../shared/quality';
import { routineOf } from '../../domain/chat/routines';
import type { FillProgress, FillStep } from '../../domain/history-fill';
import type { QualityGroup, QualityStore, QualityTranscript, ScoredConversation } from '../../domain/ports/quality';
import { advisoryLock } from './advisory-lock';
import { queryOne, ts } from './rows';
import type { SqlClient } from './types';

/** When a closed conversation's figures became final: its close, or its wrap-up's end. */
const SETTLED = 'coalesce(c.wrapup_ended_at, c.closed_at)';
/** How late a close (or wrap-up) may commit after a later one and still be picked up, ms. */
const LATE_MARGIN_MS = 15 * 60_000;
/** Arbitrary constant naming "quality scoring" among this database's advisory locks. */
const SCORING_LOCK_KEY = 7_349_201_124;

const LATEST_SCORED = `SELECT (extract(epoch FROM max(settled_at)) * 1000)::float8 AS at FROM conversation_quality`;
// Through conversations_settled_idx (migration 20). The bound is a timestamptz value, not
// to_timestamp(): seeing it, the planner expects the few recent rows and probes the scores'
// primary key for each, instead of hashing every score (0.4 s on 100,000).
const UNSCORED = `
SELECT c.id FROM conversations c
WHERE c.closed_at IS NOT NULL AND ${SETTLED} >= $1::timestamptz AND c.wrapup_due_at IS NULL
  AND NOT EXISTS (SELECT 1 FROM conversation_quality q WHERE q.conversation_id = c.id)
ORDER BY ${SETTLED}
LIMIT $2`;
const COUNT_UNSCORED = `SELECT count(*)::int AS n FROM (${UNSCORED}) u`;
const PROGRESS = `
SELECT (SELECT count(*) FROM conversation_quality)::int AS done,
  (SELECT count(*) FROM conversations WHERE closed_at IS NOT NULL AND wrapup_due_at IS NULL)::int AS total`;

const CONVERSATIONS = `
SELECT c.id, c.agent_id, c.opened_at, c.closed_at, ${SETTLED} AS settled_at, c.closed_by, c.close_category
FROM conversations c WHERE c.id = ANY ($1::text[]) AND c.closed_at IS NOT NULL`;
// Chat texts and the two events the rules need; notes are not the shopper's experience.
const TEXTS = `
SELECT conversation_id, author_kind, kind, body, client_id, event->>'type' AS type, event->>'reason' AS reason, created_at
FROM messages
WHERE conversation_id = ANY ($1::text[])
  AND ((kind = 'text' AND author_kind IN ('visitor', 'agent')) OR (kind = 'event' AND event->>'type' IN ('assigned', 'closed')))
ORDER BY conversation_id, seq`;

const SAVE_SCORES = `
INSERT INTO conversation_quality (conversation_id, agent_id, closed_at, settled_at, score, failed, findings, scored_at)
SELECT x.id, x.agent_id, ${ts('x.closed_at')}, ${ts('x.settled_at')}, x.score,
  ARRAY(SELECT jsonb_array_elements_text(x.failed)), x.findings, ${ts('x.scored_at')}
FROM jsonb_to_recordset($1::jsonb) AS x (id text, agent_id text, closed_at float8, settled_at float8, score int, failed jsonb, findings jsonb, scored_at float8)
ON CONFLICT (conversation_id) DO NOTHING`;

const SAVE_REVIEW = `
INSERT INTO quality_reviews (conversation_id, agent_id, closed_at, reviewer_id, score, comment, reviewed_at)
VALUES ($1, $2, ${ts('$3')}, $4, $5, $6, ${ts('$7')})
ON CONFLICT (conversation_id) DO UPDATE SET reviewer_id = EXCLUDED.reviewer_id, score = EXCLUDED.score,
  comment = EXCLUDED.comment, reviewed_at = EXCLUDED.reviewed_at`;

// $1 from, $2 to (ms), $3 agent id or null.
const RANGE = `closed_at >= ${ts('$1')} AND closed_at < ${ts('$2')} AND ($3::text IS NULL OR agent_id = $3::text)`;
// One pass: a filtered count per rule (the ids are the fixed QUALITY_RULES), no unnesting.
const SCORES = `
SELECT agent_id AS k, grouping(agent_id) = 1 AS total, count(*)::int AS n, sum(score)::int AS total_score,
  ${QUALITY_RULES.map((rule, i) => `(count(*) FILTER (WHERE '${rule}' = ANY (failed)))::int AS failed_${i}`).join(',\n  ')}
FROM conversation_quality WHERE ${RANGE} GROUP BY GROUPING SETS ((agent_id), ())`;
const REVIEWS = `
SELECT agent_id AS k, grouping(agent_id) = 1 AS total, count(*)::int AS n, sum(score)::int AS total_score
FROM quality_reviews WHERE ${RANGE} GROUP BY GROUPING SETS ((agent_id), ())`;

interface ScoreRow {
  conversation_id: string;
  agent_id: string | null;
  closed_at: Date;
  settled_at: Date;
  score: number;
  failed: QualityRuleId[];
  findings: QualityFinding[];
  scored_at: Date;
}

type GroupRow = { k: string | null; total: boolean; n: number; total_score?: number } & Record<`failed_${number}`, number | undefined>;
const groupId = (r: GroupRow) => (r.total ? '\u0000total' : (r.k ?? '\u0000none'));

type Query = Pick<SqlClient, 'query'>;

/** From a little before the latest settled time already scored (the first call: from the start). */
async function unscoredSince(q: Query): Promise<string> {
  const latest = (await q.query<{ at: number | null }>(LATEST_SCORED, [])).rows[0]?.at ?? null;
  return new Date(latest === null ? 0 : latest - LATE_MARGIN_MS).toISOString();
}

async function unscored(q: Query, limit: number): Promise<string[]> {
  const { rows } = await q.query<{ id: string }>(UNSCORED, [await unscoredSince(q), limit]);
  return rows.map((r) => r.id);
}

async function transcripts(q: Query, ids: readonly string[]): Promise<QualityTranscript[]> {
  if (!ids.length) return [];
  const [convs, msgs] = await Promise.all([
    q.query<{ id: string; agent_id: string | null; opened_at: Date; closed_at: Date; settled_at: Date; closed_by: QualityTranscript['closedBy']; close_category: string | null }>(CONVERSATIONS, [ids]),
    q.query<{ conversation_id: string; author_kind: 'visitor' | 'agent' | 'system'; kind: string; body: string; client_id: string | null; type: string | null; reason: string | null; created_at: Date }>(TEXTS, [ids]),
  ]);
  const byId = new Map(
    convs.rows.map((c): [string, QualityTranscript] => [
      c.id,
      {
        conversationId: c.id,
        agentId: c.agent_id,
        openedAt: c.opened_at.getTime(),
        closedAt: c.closed_at.getTime(),
        settledAt: c.settled_at.getTime(),
        assigned: false,
        closedBy: c.closed_by,
        closeReason: null,
        closeCategory: c.close_category,
        texts: [],
      },
    ]),
  );
  for (const m of msgs.rows) {
    const t = byId.get(m.conversation_id);
    if (!t) continue;
    if (m.kind === 'event') {
      if (m.type === 'assigned') t.assigned = true;
      else if (m.reason) t.closeReason = m.reason as CloseReason;
      continue;
    }
    const routine = m.author_kind === 'agent' ? routineOf(m.client_id) : null;
    t.texts.push({ author: m.author_kind as 'visitor' | 'agent', text: m.body, at: m.created_at.getTime(), routine });
  }
  return [...byId.values()];
}

async function saveScores(q: Query, scores: readonly ScoredConversation[]): Promise<void> {
  if (!scores.length) return;
  const rows = scores.map((s) => ({
    id: s.conversationId,
    agent_id: s.agentId,
    closed_at: s.closedAt,
    settled_at: s.settledAt,
    score: s.score,
    failed: s.failed,
    findings: s.findings,
    scored_at: s.scoredAt,
  }));
  await q.query(SAVE_SCORES, [JSON.stringify(rows)]);
}

export function createQualityStore({ sql }: { sql: Pick<SqlClient, 'query' | 'transaction'> }): QualityStore {
  return {
    transcripts: (ids) => transcripts(sql, ids),
    saveScores: (scores) => saveScores(sql, scores),

    async backlog(atMost) {
      return (await sql.query<{ n: number }>(COUNT_UNSCORED, [await unscoredSince(sql), atMost])).rows[0].n;
    },

    scoreNext(limit, score, { wait }): Promise<FillStep> {
      return sql.transaction(async (tx): Promise<FillStep> => {
        if (!(await advisoryLock(tx, SCORING_LOCK_KEY, wait))) return 'busy';
        // Planned for this batch's ids, as the reports' steps are (see there).
        await tx.query('SET LOCAL plan_cache_mode = force_custom_plan');
        const ids = await unscored(tx, limit);
        await saveScores(tx, score(await transcripts(tx, ids)));
        return ids.length < limit ? 'done' : 'more';
      });
    },

    async progress(): Promise<FillProgress> {
      const r = (await sql.query<{ done: number; total: number }>(PROGRESS)).rows[0];
      return { done: Math.min(r.done, r.total), total: r.total };
    },

    async subject(id) {
      const row = await queryOne<{ id: string; agent_id: string | null; closed_at: Date | null; due: boolean }>(
        sql,
        'SELECT id, agent_id, closed_at, wrapup_due_at IS NOT NULL AS due FROM conversations WHERE id = $1',
        [id],
      );
      return row && { id: row.id, agentId: row.agent_id, closedAt: row.closed_at?.getTime() ?? null, wrapUpDue: row.due };
    },

    async scoreOf(id) {
      const r = await queryOne<ScoreRow>(sql, 'SELECT * FROM conversation_quality WHERE conversation_id = $1', [id]);
      return (
        r && {
          conversationId: r.conversation_id,
          agentId: r.agent_id,
          closedAt: r.closed_at.getTime(),
          settledAt: r.settled_at.getTime(),
          score: r.score,
          failed: r.failed,
          findings: r.findings,
          scoredAt: r.scored_at.getTime(),
        }
      );
    },

    async reviewOf(id) {
      const r = await queryOne<{ conversation_id: string; agent_id: string | null; closed_at: Date; reviewer_id: string; display_name: string | null; score: number; comment: string; reviewed_at: Date }>(
        sql,
        `SELECT r.*, u.display_name FROM quality_reviews r LEFT JOIN users u ON u.id = r.reviewer_id WHERE r.conversation_id = $1`,
        [id],
      );
      return (
        r && {
          conversationId: r.conversation_id,
          agentId: r.agent_id,
          closedAt: r.closed_at.getTime(),
          reviewerId: r.reviewer_id,
          reviewerName: r.display_name,
          score: r.score,
          comment: r.comment,
          reviewedAt: r.reviewed_at.getTime(),
        }
      );
    },

    async saveReview(r) {
      await sql.query(SAVE_REVIEW, [r.conversationId, r.agentId, r.closedAt, r.reviewerId, r.score, r.comment, r.reviewedAt]);
    },

    async groups({ from, to, agentId }) {
      const params = [from, to, agentId ?? null];
      const [scores, reviews] = await Promise.all([sql.query<GroupRow>(SCORES, params), sql.query<GroupRow>(REVIEWS, params)]);
      const groups = new Map<string, QualityGroup>();
      const group = (r: GroupRow) => {
        const id = groupId(r);
        let g = groups.get(id);
        if (!g) groups.set(id, (g = { total: r.total, key: r.total ? null : r.k, scored: 0, scoreSum: 0, failed: {}, reviewed: 0, reviewSum: 0 }));
        return g;
      };
      for (const r of scores.rows) {
        const failed = Object.fromEntries(QUALITY_RULES.map((rule, i) => [rule, Number(r[`failed_${i}`] ?? 0)]));
        Object.assign(group(r), { scored: Number(r.n), scoreSum: Number(r.total_score ?? 0), failed });
      }
      for (const r of reviews.rows) Object.assign(group(r), { reviewed: Number(r.n), reviewSum: Number(r.total_score ?? 0) });
      return [...groups.values()];
    },

    async userNames(ids) {
      if (!ids.length) return new Map();
      const { rows } = await sql.query<{ id: string; display_name: string }>('SELECT id, display_name FROM users WHERE id = ANY ($1::text[])', [ids]);
      return new Map(rows.map((r) => [r.id, r.display_name]));
    },
  };
}
