/**
 * The columns of a report, shared by the console's table and the CSV export so that the file
 * holds exactly what the table shows: the same columns, headers and formatted values.
 */
import type { DurationStats, ReportGroupBy, ReportRow } from './rest';

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
