/**
 * Reports (docs/reports.md): the service figures of a date range in the site's time zone,
 * grouped by agent, department, close category, day, week or month. A lead reads everyone's; an agent's
 * report is narrowed to the chats they held, whatever grouping they ask for.
 */
import type { FaqLanguage } from '../../shared/faq';
import type { HistoryCounting, ReportGroupBy, ReportResponse, ReportRow } from '../../shared/reports';
import { categoryName, type CloseCategoryDef } from '../../shared/settings';
import type { Clock } from './clock';
import { addDays, dayIn, serverTimeZone } from './chat/day';
import { countingAfterCatchUp, type HistoryFiller } from './history-fill';
import type { ReportRange, ReportStore } from './ports/reports';
import { figuresOf, type ReportCell } from './report-figures';
import type { UserRecord } from './ports/records';
import { AppError } from '../errors';

export interface ReportServiceDeps {
  store: ReportStore;
  clock: Clock;
  /** The site's IANA time zone, read on every report. @default the server's */
  timeZone?: () => string | null | undefined;
  /** The team's close categories, to name category rows. @default none: rows show the ids */
  closeCategories?: () => Promise<CloseCategoryDef[]>;
  /**
   * Conversations counted per step (one transaction each): small enough that a step holds an
   * embedded database well under 200 ms (docs/reports.md). @default REPORT_FILL_BATCH
   */
  fillBatch?: number;
  /** A read found more history waiting than it counts itself: start the background fill. @default nothing */
  historyBehind?: () => void;
}

/** Conversations per fill step, measured by bench/reports.ts (docs/reports.md). */
export const REPORT_FILL_BATCH = 150;

export interface ReportRequest {
  from?: string;
  to?: string;
  groupBy: ReportGroupBy;
  serviceLevelSeconds: number;
  agentId?: string;
  /** The language of category rows' labels. @default 'en' */
  language?: FaqLanguage;
}

/** "Answer within three rings". */
export const DEFAULT_SERVICE_LEVEL_SECONDS = 20;
/** The longest range one report covers, in days. */
export const MAX_REPORT_DAYS = 400;
const DAY_MS = 86_400_000;
/** Groupings whose rows are sorted by their label. */
const byName: ReadonlySet<ReportGroupBy> = new Set(['agent', 'department']);

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

export type ReportService = ReturnType<typeof createReportService>;

export function createReportService(deps: ReportServiceDeps) {
  const { store, clock } = deps;
  const zone = () => deps.timeZone?.() || serverTimeZone();
  const batchSize = deps.fillBatch ?? REPORT_FILL_BATCH;
  const behind = () => deps.historyBehind?.();

  /** The facts and roll-ups as one history to count, in the site's zone of the moment. */
  const filler: HistoryFiller = {
    name: 'reports',
    batchSize,
    backlog: (atMost) => store.backlog(zone(), atMost),
    step: (wait) => store.fillStep(zone(), batchSize, { wait }),
    progress: () => store.progress(),
    tidy: () => store.tidy(),
  };

  /** Counts what little waits; with much still uncounted (after an upgrade, a new zone), how far counting has got: the figures cover only that. */
  const catchUpOrProgress = (): Promise<HistoryCounting | null> => countingAfterCatchUp(filler, behind);

  /** Rows and total of `range` from the store's cells, through the one definition (report-figures.ts). */
  async function figures(range: ReportRange, serviceLevelSeconds: number, language: FaqLanguage = 'en') {
    const cells = await store.cells(range);
    const groups = new Map<string | null, ReportCell[]>();
    for (const c of cells) {
      const g = groups.get(c.key);
      if (g) g.push(c);
      else groups.set(c.key, [c]);
    }
    const keys = [...groups.keys()].flatMap((k) => (k ? [k] : []));
    const names =
      range.groupBy === 'agent' ? await store.userNames(keys)
      : range.groupBy === 'department' ? await store.departmentNames(keys)
      : range.groupBy === 'category' ? await categoryNames(keys, language)
      : new Map<string, string>();
    const rows = [...groups]
      .map(([key, cs]): ReportRow => ({ key, label: key === null ? '' : (names.get(key) ?? key), ...figuresOf(cs, serviceLevelSeconds) }))
      // Named groups by name, the rest by key; "(none)" (key null, label '') first.
      .sort((a, b) => (byName.has(range.groupBy) ? a.label.localeCompare(b.label) : 0) || (a.key ?? '').localeCompare(b.key ?? ''));
    return { rows, total: { key: '', label: '', ...figuresOf(cells, serviceLevelSeconds) } satisfies ReportRow };
  }

  function rangeOf(timeZone: string, from: string, to: string, groupBy: ReportGroupBy, agentId?: string): ReportRange {
    return { fromDay: from, toDay: to, from: startOfDate(timeZone, from), to: startOfDate(timeZone, addDays(to, 1)), groupBy, timeZone, agentId };
  }

  /** Names of category ids, removed categories included (a chat keeps the category it was filed under). */
  async function categoryNames(ids: string[], language: FaqLanguage): Promise<Map<string, string>> {
    const defs = (await deps.closeCategories?.()) ?? [];
    return new Map(ids.map((id) => [id, categoryName(defs, id, language)]));
  }

  return {
    filler,

    async report(req: ReportRequest, viewer: Pick<UserRecord, 'id' | 'role'>): Promise<ReportResponse> {
      const timeZone = zone();
      const today = dayIn(timeZone, clock.now()).day;
      const from = req.from ?? today;
      const to = req.to ?? from;
      if (to < from) throw new AppError('VALIDATION_FAILED', 'to: must not be before from');
      const range = rangeOf(timeZone, from, to, req.groupBy);
      if (range.to - range.from > MAX_REPORT_DAYS * DAY_MS + DAY_MS) throw new AppError('VALIDATION_FAILED', `to: at most ${MAX_REPORT_DAYS} days`);
      // An agent's report is always their own; naming someone else is refused, not narrowed.
      if (viewer.role !== 'lead' && req.agentId !== undefined && req.agentId !== viewer.id) throw new AppError('FORBIDDEN');
      const agentId = viewer.role === 'lead' ? req.agentId : viewer.id;
      const counting = await catchUpOrProgress();
      const { rows, total } = await figures({ ...range, agentId }, req.serviceLevelSeconds, req.language ?? 'en');
      return { from, to, groupBy: req.groupBy, timeZone, serviceLevelSeconds: req.serviceLevelSeconds, agentId: agentId ?? null, rows, total, counting };
    },

    /**
     * Everyone's figures of today in the site's time zone (the lead's floor shows them live),
     * with `counting` as in `report`: today's closes are counted last.
     */
    async today(
      serviceLevelSeconds = DEFAULT_SERVICE_LEVEL_SECONDS,
    ): Promise<{ day: string; dayStart: number; timeZone: string; total: ReportRow; counting: HistoryCounting | null }> {
      const timeZone = zone();
      const { day, start } = dayIn(timeZone, clock.now());
      const counting = await catchUpOrProgress();
      const { total } = await figures(rangeOf(timeZone, day, day, 'day'), serviceLevelSeconds);
      return { day, dayStart: start, timeZone, total, counting };
    },
  };
}
