/**
 * Reports (`GET /api/v1/reports`, protocol.md §9.13; every figure in docs/reports.md): the
 * query and response types, and the columns shared by the console's table and the CSV export so
 * that the file holds exactly what the table shows: the same columns, headers and formatted values.
 */

/**
 * How a report's rows are grouped: by the agent who held the chat, the department it closed in,
 * its close category, or a calendar bucket in the site's time zone.
 */
export type ReportGroupBy = 'agent' | 'department' | 'category' | 'day' | 'week' | 'month';
export const REPORT_GROUP_BYS: readonly ReportGroupBy[] = ['agent', 'department', 'category', 'day', 'week', 'month'];

/** `GET /reports` query (docs/reports.md defines every figure). */
export interface ReportQuery {
  /** First day, `YYYY-MM-DD` in the site's time zone. @default today */
  from?: string;
  /** Last day, inclusive. @default `from` */
  to?: string;
  /** @default 'day' */
  groupBy?: ReportGroupBy;
  /** "Answered within N seconds" for the service level, 1–3600. @default 20 */
  serviceLevelSeconds?: number;
  /** Only this agent's chats. A lead may name anyone; an agent only themselves (else 403 FORBIDDEN). */
  agentId?: string;
  /** `csv`: the same rows as a UTF-8 CSV file (with BOM). @default 'json' */
  format?: 'json' | 'csv';
  /** The CSV's header language. @default 'en' */
  lang?: 'en' | 'zh-CN';
}

/** A duration's spread over the chats (or replies) it was measured on, in ms; null when none. */
export interface DurationStats {
  count: number;
  meanMs: number | null;
  medianMs: number | null;
  p90Ms: number | null;
}

/** One row of a report: a group's figures. */
export interface ReportRow {
  /** Agent id, department id, category, or the bucket's first day `YYYY-MM-DD`; null for "no agent"/"no department"/"no category"; '' for the total row. */
  key: string | null;
  /** What to show for the key: the agent's name, the department's name, the category's name, or the day. */
  label: string;
  /** Chats opened in the period. */
  started: number;
  /** Chats closed in the period; every figure below is over these. */
  closed: number;
  /** Closed without any agent reply, and not self-served. */
  missed: number;
  /** Closed because the FAQ answered the shopper (close reason `faq_solved`). */
  selfServed: number;
  /** Closed chats to which the FAQ offered an answer while they were queued (a `faq_offered` event). */
  faqOffered: number;
  /** Self-served ÷ FAQ offered: how often the offered answer solved it; null when none offered. */
  faqSolvedRate: number | null;
  /** Closed chats that were transferred at least once. */
  transferred: number;
  /** Closed chats whose first response came within `serviceLevelSeconds`, ÷ (closed − self-served): missed chats count as not answered, self-served ones not at all; null when none. */
  serviceLevel: number | null;
  queueWait: DurationStats;
  firstResponse: DurationStats;
  reaction: DurationStats;
  /** Over replies, not chats: each run of visitor messages to the next agent reply. */
  reply: DurationStats;
  handling: DurationStats;
  /** Closed chats with a rating. */
  rated: number;
  averageRating: number | null;
  /** Ratings of 4 or 5 ÷ ratings. */
  satisfied: number | null;
  /** Closed chats offered a rating: an agent held them (the widget offers it then), or they were rated. */
  ratingOffered: number;
  /** Offered ÷ closed; null when none closed. */
  ratingCoverage: number | null;
  /** Rated ÷ offered; null when none offered. */
  responseRate: number | null;
  /** Complaints registered in the period (grouped by the chat's agent, department and close category). */
  complaints: number;
  /** Of those, handled (their follow-up closed) within 24 hours of registration ÷ complaints; null when none. */
  complaintsHandledIn24h: number | null;
  /** Follow-up tasks created in the period (grouped by assignee and the chat's department and close category). */
  followUps: number;
  /** Of those, closed within 3 days of creation ÷ follow-ups; null when none. */
  followUpsDoneIn3Days: number | null;
}

/** `GET /reports`. An agent's report holds only their own chats. */
export interface ReportResponse {
  from: string;
  to: string;
  groupBy: ReportGroupBy;
  timeZone: string;
  serviceLevelSeconds: number;
  /** The agent whose chats alone the rows cover (always the asker, for an agent), or null for everyone's. */
  agentId: string | null;
  rows: ReportRow[];
  total: ReportRow;
  /**
   * Set while earlier chats are still being counted (after an upgrade or a change of time zone,
   * in the background): the figures cover only `done` of the `total` closed chats so far. Null
   * once every chat is counted.
   */
  counting: HistoryCounting | null;
}

/** How far the history is counted: `done` of `total` closed chats. */
export interface HistoryCounting {
  done: number;
  total: number;
}

export type ReportLocale = 'en' | 'zh-CN';

export interface ReportColumn {
  id: string;
  header: Record<ReportLocale, string>;
  /** For a duration's spread: the figure (spanning its columns in the table) and the spread, which together make `header`. */
  split?: { group: Record<ReportLocale, string>; sub: Record<ReportLocale, string> };
  /** The value as shown: durations in seconds with one decimal, shares in percent; '' when none. */
  cell(row: ReportRow): string;
}

const seconds = (ms: number | null) => (ms === null ? '' : (ms / 1000).toFixed(1));
const percent = (v: number | null) => (v === null ? '' : `${(v * 100).toFixed(1)}%`);
const count = (n: number) => String(n);

const DURATIONS: [keyof ReportRow & ('queueWait' | 'firstResponse' | 'reaction' | 'reply' | 'handling'), string, string][] = [
  ['queueWait', 'Queue wait', '排队等待'],
  ['firstResponse', 'First response', '首次响应'],
  ['reaction', 'Reaction', '接入响应'],
  ['reply', 'Reply', '回复'],
  ['handling', 'Handling', '处理时长'],
];
const SPREADS: [keyof DurationStats, string, string][] = [
  ['meanMs', 'mean s', '平均 秒'],
  ['medianMs', 'median s', '中位 秒'],
  ['p90Ms', 'p90 s', '90分位 秒'],
];

export const REPORT_COLUMNS: readonly ReportColumn[] = [
  { id: 'started', header: { en: 'Started', 'zh-CN': '发起' }, cell: (r) => count(r.started) },
  { id: 'closed', header: { en: 'Closed', 'zh-CN': '结束' }, cell: (r) => count(r.closed) },
  { id: 'missed', header: { en: 'Missed', 'zh-CN': '未接' }, cell: (r) => count(r.missed) },
  { id: 'selfServed', header: { en: 'Self-served (FAQ)', 'zh-CN': 'FAQ 自助解决' }, cell: (r) => count(r.selfServed) },
  { id: 'faqOffered', header: { en: 'FAQ offered', 'zh-CN': 'FAQ 推荐' }, cell: (r) => count(r.faqOffered) },
  { id: 'faqSolvedRate', header: { en: 'FAQ solved', 'zh-CN': 'FAQ 解决率' }, cell: (r) => percent(r.faqSolvedRate) },
  { id: 'transferred', header: { en: 'Transferred', 'zh-CN': '转接' }, cell: (r) => count(r.transferred) },
  { id: 'serviceLevel', header: { en: 'Service level', 'zh-CN': '服务水平' }, cell: (r) => percent(r.serviceLevel) },
  ...DURATIONS.flatMap(([key, en, zh]) =>
    SPREADS.map(([spread, sEn, sZh]): ReportColumn => ({
      id: `${key}.${spread}`,
      header: { en: `${en} ${sEn}`, 'zh-CN': `${zh} ${sZh}` },
      split: { group: { en, 'zh-CN': zh }, sub: { en: sEn, 'zh-CN': sZh } },
      cell: (r) => seconds(r[key][spread] as number | null),
    })),
  ),
  { id: 'rated', header: { en: 'Rated', 'zh-CN': '已评价' }, cell: (r) => count(r.rated) },
  { id: 'averageRating', header: { en: 'Average rating', 'zh-CN': '平均评分' }, cell: (r) => (r.averageRating === null ? '' : r.averageRating.toFixed(2)) },
  { id: 'satisfied', header: { en: 'Rated 4–5', 'zh-CN': '4–5 分占比' }, cell: (r) => percent(r.satisfied) },
  { id: 'ratingCoverage', header: { en: 'Rating coverage', 'zh-CN': '评价覆盖率' }, cell: (r) => percent(r.ratingCoverage) },
  { id: 'responseRate', header: { en: 'Response rate', 'zh-CN': '评价回复率' }, cell: (r) => percent(r.responseRate) },
  { id: 'complaints', header: { en: 'Complaints', 'zh-CN': '投诉' }, cell: (r) => count(r.complaints) },
  { id: 'complaintsHandledIn24h', header: { en: 'Complaints handled in 24 h', 'zh-CN': '24 小时内处理的投诉' }, cell: (r) => percent(r.complaintsHandledIn24h) },
  { id: 'followUps', header: { en: 'Follow-ups', 'zh-CN': '回访任务' }, cell: (r) => count(r.followUps) },
  { id: 'followUpsDoneIn3Days', header: { en: 'Follow-ups done in 3 days', 'zh-CN': '3 天内完成的回访' }, cell: (r) => percent(r.followUpsDoneIn3Days) },
];

/** The first column's header per grouping, and the label of the total row and of "none". */
export const REPORT_GROUP_HEADERS: Record<ReportLocale, Record<ReportGroupBy | 'total' | 'none', string>> = {
  en: { agent: 'Agent', department: 'Department', category: 'Category', day: 'Day', week: 'Week of', month: 'Month', total: 'Total', none: '(none)' },
  'zh-CN': { agent: '客服', department: '部门', category: '分类', day: '日期', week: '周（起始日）', month: '月份', total: '合计', none: '（无）' },
};

/** The first cell of a row as shown. */
export function reportRowLabel(row: ReportRow, locale: ReportLocale, isTotal = false): string {
  const h = REPORT_GROUP_HEADERS[locale];
  if (isTotal) return h.total;
  return row.key === null ? h.none : row.label;
}
