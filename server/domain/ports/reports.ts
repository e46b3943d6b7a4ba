/**
 * What reports read from durable storage (server/store/sql/reports.ts implements it): per
 * group, the counts and duration spreads of docs/reports.md. Times are ms since the epoch.
 */
import type { ReportGroupBy, ReportRow } from '../../../shared/rest';

export interface ReportRange {
  /** First instant, inclusive. */
  from: number;
  /** Last instant, exclusive. */
  to: number;
  groupBy: ReportGroupBy;
  /** Buckets days, weeks (from Monday) and months in this IANA zone. */
  timeZone: string;
  serviceLevelMs: number;
  /** Only the chats this agent held at close (or holds now, for `started`). */
  agentId?: string;
}

/** A group's raw figures. `key` is the group (null: no agent or no category); the total row has `total: true`. */
export interface ReportGroup
  extends Pick<ReportRow, 'started' | 'closed' | 'missed' | 'transferred' | 'queueWait' | 'firstResponse' | 'reaction' | 'reply' | 'handling' | 'rated'> {
  total: boolean;
  key: string | null;
  /** Closed chats whose first response came within the service level. */
  withinServiceLevel: number;
  ratingSum: number;
  ratingsFourOrFive: number;
}

export interface ReportStore {
  /** Every non-empty group of the range and the total (`total: true`), in no particular order. */
  groups(range: ReportRange): Promise<ReportGroup[]>;
  /** Display names of these users (missing ids are left out). */
  userNames(ids: readonly string[]): Promise<Map<string, string>>;
}
