/**
 * What reports read from durable storage (server/store/sql/reports.ts implements it): the
 * counted cells of a range, summed per group (server/domain/report-figures.ts turns them into
 * the figures of docs/reports.md). Times are ms since the epoch.
 */
import type { ReportGroupBy } from '../../../shared/reports';
import type { FillProgress, FillStep } from '../history-fill';
import type { ReportCell } from '../report-figures';

export interface ReportRange {
  /** First day, `YYYY-MM-DD` in `timeZone`, inclusive. */
  fromDay: string;
  /** Last day, inclusive. */
  toDay: string;
  /** The instants those days begin and the day after `toDay` begins. */
  from: number;
  to: number;
  groupBy: ReportGroupBy;
  /** Buckets days, weeks (from Monday) and months in this IANA zone. */
  timeZone: string;
  /** Only the chats this agent held at close (or holds now, for `started`). */
  agentId?: string;
}

export interface ReportStore {
  /**
   * Every non-empty cell of the range, summed per group, metric and bucket (`started` by opening
   * time, including chats still open; the rest by close time), as counted so far: `fillStep`
   * brings the counts up to date (new closes, changed categories and ratings).
   */
  cells(range: ReportRange): Promise<ReportCell[]>;
  /**
   * How many closed conversations wait to be counted in `timeZone` (new, or changed since they
   * were), counting no further than `atMost`. Counts kept in another zone are emptied first (one
   * short transaction), so then every conversation waits.
   */
  backlog(timeZone: string, atMost: number): Promise<number>;
  /**
   * Counts at most `limit` waiting conversations in one transaction (or, counts in another zone
   * found, only empties them). `wait`: wait for another process's step instead of answering 'busy'.
   */
  fillStep(timeZone: string, limit: number, opts: { wait: boolean }): Promise<FillStep>;
  /** Conversations counted, of those closed. */
  progress(): Promise<FillProgress>;
  /** Reclaims the dead row versions a bulk fill leaves, and refreshes the planner's statistics. */
  tidy(): Promise<void>;
  /** Display names of these users (missing ids are left out). */
  userNames(ids: readonly string[]): Promise<Map<string, string>>;
  /** Names of these departments (deleted ones are left out). */
  departmentNames(ids: readonly string[]): Promise<Map<string, string>>;
}
