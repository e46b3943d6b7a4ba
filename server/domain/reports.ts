/**
 * Reports (docs/reports.md): the service figures of a date range in the site's time zone,
 * grouped by agent, close category, day, week or month. A lead reads everyone's; an agent's
 * report is narrowed to the chats they held, whatever grouping they ask for.
 */
import type { FaqLanguage } from '../../shared/faq';
import type { ReportGroupBy, ReportResponse, ReportRow } from '../../shared/rest';
import { categoryName, type CloseCategoryDef } from '../../shared/settings';
import type { Clock } from './clock';
import { dayIn, serverTimeZone } from './chat/day';
import type { ReportGroup, ReportStore } from './ports/reports';
import type { UserRecord } from './ports/records';
import { AppError } from '../errors';

export interface ReportServiceDeps {
  store: ReportStore;
  clock: Clock;
  /** The site's IANA time zone, read on every report. @default the server's */
  timeZone?: () => string | null | undefined;
  /** The team's close categories, to name category rows. @default none: rows show the ids */
  closeCategories?: () => Promise<CloseCategoryDef[]>;
}

export interface ReportRequest {
  from?: string;
  to?: string;
  groupBy: ReportGroupBy;
  serviceLevelSeconds: number;
  agentId?: string;
  /** The language of category rows' labels. @default 'en' */
  language?: FaqLanguage;
}

/** The longest range one report covers, in days. */
export const MAX_REPORT_DAYS = 400;
const DAY_MS = 86_400_000;

/** The instant `date` (`YYYY-MM-DD`) began in `timeZone`. */
export function startOfDate(timeZone: string, date: string): number {
  const [y, m, d] = date.split('-').map(Number);
  // UTC midnight of that date is within ±14 h of the local one: probe around it.
  const base = Date.UTC(y, m - 1, d);
  for (let h = -14; h <= 14; h += 2) {
    const r = dayIn(timeZone, base + h * 3_600_000);
    if (r.day === date) return r.start;
  }
  throw new AppError('VALIDATION_FAILED', `no such day in ${timeZone}: ${date}`);
}

/** The date after `date`, as `YYYY-MM-DD`. */
const nextDate = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);

export type ReportService = ReturnType<typeof createReportService>;

export function createReportService(deps: ReportServiceDeps) {
  const { store, clock } = deps;

  function toRow(g: ReportGroup, label: string): ReportRow {
    const share = (n: number, of: number) => (of ? n / of : null);
    return {
      key: g.total ? '' : g.key,
      label,
      started: g.started,
      closed: g.closed,
      missed: g.missed,
      transferred: g.transferred,
      serviceLevel: share(g.withinServiceLevel, g.closed),
      queueWait: g.queueWait,
      firstResponse: g.firstResponse,
      reaction: g.reaction,
      reply: g.reply,
      handling: g.handling,
      rated: g.rated,
      averageRating: g.rated ? g.ratingSum / g.rated : null,
      satisfied: share(g.ratingsFourOrFive, g.rated),
      ratingCoverage: share(g.rated, g.closed),
    };
  }

  /** Names of category ids, removed categories included (a chat keeps the category it was filed under). */
  async function categoryNames(ids: string[], language: FaqLanguage): Promise<Map<string, string>> {
    const defs = (await deps.closeCategories?.()) ?? [];
    return new Map(ids.map((id) => [id, categoryName(defs, id, language)]));
  }

  return {
    async report(req: ReportRequest, viewer: Pick<UserRecord, 'id' | 'role'>): Promise<ReportResponse> {
      const timeZone = deps.timeZone?.() || serverTimeZone();
      const today = dayIn(timeZone, clock.now()).day;
      const from = req.from ?? today;
      const to = req.to ?? from;
      if (to < from) throw new AppError('VALIDATION_FAILED', 'to: must not be before from');
      const start = startOfDate(timeZone, from);
      const end = startOfDate(timeZone, nextDate(to));
      if (end - start > MAX_REPORT_DAYS * DAY_MS + DAY_MS) throw new AppError('VALIDATION_FAILED', `to: at most ${MAX_REPORT_DAYS} days`);
      // An agent's report is always their own; naming someone else is refused, not narrowed.
      if (viewer.role !== 'lead' && req.agentId !== undefined && req.agentId !== viewer.id) throw new AppError('FORBIDDEN');
      const agentId = viewer.role === 'lead' ? req.agentId : viewer.id;
      const groups = await store.groups({
        from: start,
        to: end,
        groupBy: req.groupBy,
        timeZone,
        serviceLevelMs: req.serviceLevelSeconds * 1000,
        agentId,
      });
      const keys = groups.flatMap((g) => (g.key ? [g.key] : []));
      const names =
        req.groupBy === 'agent' ? await store.userNames(keys)
        : req.groupBy === 'category' ? await categoryNames(keys, req.language ?? 'en')
        : new Map<string, string>();
      const label = (g: ReportGroup) => (g.key === null ? '' : (names.get(g.key) ?? g.key));
      const rows = groups
        .filter((g) => !g.total)
        .map((g) => toRow(g, label(g)))
        .sort((a, b) => (req.groupBy === 'agent' ? a.label.localeCompare(b.label) : 0) || (a.key ?? '').localeCompare(b.key ?? ''));
      const total = groups.find((g) => g.total);
      return {
        from,
        to,
        groupBy: req.groupBy,
        timeZone,
        serviceLevelSeconds: req.serviceLevelSeconds,
        agentId: agentId ?? null,
        rows,
        total: toRow(total ?? { ...EMPTY, total: true }, ''),
      };
    },
  };
}

const noStats = { count: 0, meanMs: null, medianMs: null, p90Ms: null };
const EMPTY: ReportGroup = {
  total: true, key: null, started: 0, closed: 0, missed: 0, transferred: 0, withinServiceLevel: 0,
  queueWait: noStats, firstResponse: noStats, reaction: noStats, reply: noStats, handling: noStats,
  rated: 0, ratingSum: 0, ratingsFourOrFive: 0,
};
