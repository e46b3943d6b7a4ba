/**
 * Quality review (质检, docs/reports.md "Quality review"): the rules that score every closed
 * conversation, their findings, a lead's own review, and the per-agent quality report
 * (`/api/v1/quality`, `/api/v1/reports/quality`, docs/protocol.md §9.15). Shared by the server
 * and the console; the report's columns are shared with the CSV export so the file holds
 * exactly the console's table.
 */
import type { FaqLanguage } from './faq';
import type { HistoryCounting } from './reports';

export const QUALITY_RULES = ['greeting', 'closing', 'firstResponse', 'longestWait', 'forbiddenWords', 'courtesy', 'unresolved'] as const;
export type QualityRuleId = (typeof QUALITY_RULES)[number];

export interface QualityRuleSwitch {
  /** A rule switched off is not checked and takes nothing off the score. */
  enabled: boolean;
  /** Points taken off the score (out of 100) when the rule fails. 0–100. */
  points: number;
}

/** The lead's quality rules, part of the team settings (`settings.quality`). */
export interface QualitySettings {
  /** Passes when the greeting routine greeted, or the agent's first typed text holds one of these phrases. */
  greeting: QualityRuleSwitch & { phrases: Record<FaqLanguage, string[]> };
  /** Passes when the closing routine sent its text, or the agent's last typed text holds one of these phrases (chats an agent closed). */
  closing: QualityRuleSwitch & { phrases: Record<FaqLanguage, string[]> };
  /** Fails when the first typed agent answer came more than `seconds` after the chat opened, or never. 1–3600. */
  firstResponse: QualityRuleSwitch & { seconds: number };
  /** Fails when the shopper once waited more than `seconds` for a typed answer. 1–3600. */
  longestWait: QualityRuleSwitch & { seconds: number };
  /** Fails when the agent typed any of these words (English whole words, any case; Chinese anywhere). */
  forbiddenWords: QualityRuleSwitch & { words: string[] };
  /** Passes when the agent's typed texts hold at least one of these phrases (either language). */
  courtesy: QualityRuleSwitch & { phrases: Record<FaqLanguage, string[]> };
  /** Fails when the chat closed without a category, or the shopper (or the idle routine) closed it with their last message unanswered. */
  unresolved: QualityRuleSwitch;
}

export type QualityOutcome = 'pass' | 'fail' | 'na';

/** What each rule found, besides its outcome. */
export interface QualityDetails {
  /** `via`: the routine sent it, or a typed text held `phrase`; null when it failed or did not apply. */
  greeting: { via: 'routine' | 'phrase' | null; phrase: string | null };
  closing: { via: 'routine' | 'phrase' | null; phrase: string | null };
  /** `seconds`: the measured time (null: none), against the limit in force when scored. */
  firstResponse: { seconds: number | null; limitSeconds: number };
  longestWait: { seconds: number | null; limitSeconds: number };
  forbiddenWords: { words: { word: string; count: number }[] };
  courtesy: { phrases: string[] };
  unresolved: { reasons: ('no_category' | 'unanswered')[] };
}

/** One enabled rule's result (`na`: it did not apply); `deducted` is its points when it failed, else 0. */
export type QualityFinding = { [R in QualityRuleId]: { rule: R; outcome: QualityOutcome; deducted: number } & QualityDetails[R] }[QualityRuleId];

/** A conversation's automatic score: 100 less the points of every failed rule, at least 0. */
export interface QualityScore {
  score: number;
  findings: QualityFinding[];
  /** When it was scored (with the rules in force then). */
  scoredAt: number;
}

/** A lead's own score and comment on a closed conversation (one per conversation; saving again replaces it). */
export interface QualityReview {
  /** 0–100. */
  score: number;
  comment: string;
  reviewerId: string;
  reviewerName: string | null;
  reviewedAt: number;
}

/** PUT /api/v1/quality/conversations/:id/review */
export interface QualityReviewBody {
  score: number;
  comment?: string;
}

/** GET /api/v1/quality/conversations/:id */
export interface ConversationQualityResponse {
  conversationId: string;
  agentId: string | null;
  /** Null while the conversation is open or waits for its wrap-up (then it is scored once filed). */
  automatic: QualityScore | null;
  review: QualityReview | null;
}

/** GET /api/v1/reports/quality?from&to&agentId&format&lang */
export interface QualityReportQuery {
  from?: string;
  to?: string;
  agentId?: string;
  format?: 'json' | 'csv';
  lang?: 'en' | 'zh-CN';
}

/** One agent's quality figures over the chats closed in the range (key null: chats nobody held). */
export interface QualityReportRow {
  key: string | null;
  label: string;
  /** Closed chats with an automatic score. */
  scored: number;
  averageScore: number | null;
  /** Per rule: scored chats where it failed. */
  failed: Record<QualityRuleId, number>;
  /** Chats a lead reviewed, and the mean of their scores. */
  reviewed: number;
  averageReview: number | null;
}

export interface QualityReportResponse {
  from: string;
  to: string;
  timeZone: string;
  /** Set when the report is one agent's (always, for an agent). */
  agentId: string | null;
  rows: QualityReportRow[];
  total: QualityReportRow;
  /** Set while earlier chats are still being scored (after an upgrade, in the background): `done` of `total` so far. Null once all are. */
  counting: HistoryCounting | null;
}

export type QualityLocale = 'en' | 'zh-CN';

/** Each rule's name, as the console and the CSV show it. */
export const QUALITY_RULE_NAMES: Record<QualityLocale, Record<QualityRuleId, string>> = {
  en: {
    greeting: 'Greeting',
    closing: 'Closing',
    firstResponse: 'First response',
    longestWait: 'Longest wait',
    forbiddenWords: 'Forbidden words',
    courtesy: 'Courtesy',
    unresolved: 'Unresolved',
  },
  'zh-CN': {
    greeting: '问候语',
    closing: '结束语',
    firstResponse: '首次响应',
    longestWait: '最长等待',
    forbiddenWords: '禁用词',
    courtesy: '礼貌用语',
    unresolved: '未解决',
  },
};

export interface QualityColumn {
  id: string;
  header: Record<QualityLocale, string>;
  cell(row: QualityReportRow): string;
}

const mean = (v: number | null) => (v === null ? '' : v.toFixed(1));

/** The quality table's columns after the agent, shared by the console and the CSV export. */
export const QUALITY_COLUMNS: readonly QualityColumn[] = [
  { id: 'scored', header: { en: 'Scored chats', 'zh-CN': '已评分会话' }, cell: (r) => String(r.scored) },
  { id: 'averageScore', header: { en: 'Average automatic score', 'zh-CN': '自动评分均值' }, cell: (r) => mean(r.averageScore) },
  ...QUALITY_RULES.map(
    (rule): QualityColumn => ({
      id: `failed.${rule}`,
      header: { en: `Failed: ${QUALITY_RULE_NAMES.en[rule]}`, 'zh-CN': `未通过：${QUALITY_RULE_NAMES['zh-CN'][rule]}` },
      cell: (r) => String(r.failed[rule]),
    }),
  ),
  { id: 'reviewed', header: { en: 'Reviewed by a lead', 'zh-CN': '主管已复核' }, cell: (r) => String(r.reviewed) },
  { id: 'averageReview', header: { en: 'Average lead score', 'zh-CN': '主管评分均值' }, cell: (r) => mean(r.averageReview) },
];

export const QUALITY_HEADERS: Record<QualityLocale, { agent: string; total: string; none: string }> = {
  en: { agent: 'Agent', total: 'Total', none: '(no agent)' },
  'zh-CN': { agent: '客服', total: '合计', none: '（无客服）' },
};

/** The first cell of a row as shown. */
export function qualityRowLabel(row: QualityReportRow, locale: QualityLocale, isTotal = false): string {
  const h = QUALITY_HEADERS[locale];
  if (isTotal) return h.total;
  return row.key === null ? h.none : row.label;
}
