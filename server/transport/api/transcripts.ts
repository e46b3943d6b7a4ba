/**
 * /api/v1/transcripts: search conversations, live and closed, by text (Chinese or English),
 * visitor, agent, category, rating and date range; and export every match as CSV or JSON,
 * streamed a chunk at a time with backpressure. Leads search everything; an agent only the
 * conversations they handled. One conversation is read with GET /conversations/:id.
 */
import { once } from 'node:events';
import { Router, type Response } from 'express';
import { z } from 'zod';
import { FAQ_LANGUAGES, type FaqLanguage } from '../../../shared/faq';
import { categoryName, type CloseCategoryDef } from '../../../shared/settings';
import type { TranscriptFilter, TranscriptRow } from '../../domain/ports/transcript-search';
import { AppError } from '../../errors';
import { CSV_BOM, csvLine } from '../csv';
import { decodeCursor, encodeCursor } from '../cursor';
import { blankIsAbsent, instant, pageLimit } from '../query';
import { parse, requireUser, type AuthedLocals } from '../rest';
import { text } from '../text';
import type * as rest from '../../../shared/rest';
import type { ApiDeps } from './index';

const optional = <S extends z.ZodType>(s: S) => z.preprocess(blankIsAbsent, s.optional());

const filterFields = {
  q: optional(text(200, { trim: true, min: 1 })),
  visitor: optional(text(200, { trim: true, min: 1 })),
  agentId: optional(text(64, { min: 1 })),
  category: optional(text(64, { trim: true, min: 1 })),
  rating: optional(z.coerce.number().int().min(1).max(5)),
  status: optional(z.enum(['live', 'closed'])),
  from: optional(instant),
  to: optional(instant),
};
const searchQuery = z.object({ ...filterFields, limit: pageLimit, cursor: optional(text(200)) }).strict();
const exportQuery = z
  .object({
    ...filterFields,
    format: z.preprocess(blankIsAbsent, z.enum(['csv', 'json']).default('csv')),
    /** The language of the category names (the team's close categories are named in both). */
    lang: z.preprocess(blankIsAbsent, z.enum(FAQ_LANGUAGES).default('en')),
  })
  .strict();

function filterOf(q: z.output<typeof searchQuery> | z.output<typeof exportQuery>): TranscriptFilter {
  if (q.from !== undefined && q.to !== undefined && q.from >= q.to) throw new AppError('VALIDATION_FAILED', 'to: must be later than from');
  return { text: q.q, visitor: q.visitor, agentId: q.agentId, category: q.category, rating: q.rating, status: q.status, from: q.from, to: q.to };
}

const seconds = (ms: number) => Math.round(ms / 1000);

export function transcriptRowView(r: TranscriptRow): rest.TranscriptRowView {
  return {
    id: r.id,
    status: r.status,
    visitorId: r.visitorId,
    visitorName: r.visitorName,
    visitorEmail: r.visitorEmail,
    agentId: r.agentId,
    agentName: r.agentName,
    openedAt: r.openedAt,
    assignedAt: r.assignedAt,
    firstResponseAt: r.firstResponseAt,
    closedAt: r.closedAt,
    firstResponseSeconds: r.firstResponseAt === null ? null : seconds(r.firstResponseAt - r.openedAt),
    handlingSeconds: r.closedAt === null ? null : seconds(r.closedAt - (r.assignedAt ?? r.openedAt)),
    closedBy: r.closedBy,
    closeCategory: r.closeCategory,
    closeSummary: r.closeSummary,
    rating: r.rating,
    ratingComment: r.ratingComment,
  };
}

/** An exported row: the search row and its category's name in `lang` (a removed category keeps its name). */
export function transcriptExportRow(r: TranscriptRow, categories: readonly CloseCategoryDef[], lang: FaqLanguage): rest.TranscriptExportRow {
  return { ...transcriptRowView(r), closeCategoryName: r.closeCategory === null ? null : categoryName(categories, r.closeCategory, lang) };
}

/** The CSV columns, in order: one row per conversation. Times in ISO 8601 UTC. */
const CSV_COLUMNS: [string, (v: rest.TranscriptExportRow) => string | number | null][] = [
  ['conversation_id', (v) => v.id],
  ['status', (v) => v.status],
  ['started_at', (v) => iso(v.openedAt)],
  ['assigned_at', (v) => iso(v.assignedAt)],
  ['first_response_at', (v) => iso(v.firstResponseAt)],
  ['closed_at', (v) => iso(v.closedAt)],
  ['first_response_seconds', (v) => v.firstResponseSeconds],
  ['handling_seconds', (v) => v.handlingSeconds],
  ['agent_id', (v) => v.agentId],
  ['agent_name', (v) => v.agentName],
  ['visitor_id', (v) => v.visitorId],
  ['visitor_name', (v) => v.visitorName],
  ['visitor_email', (v) => v.visitorEmail],
  ['category', (v) => v.closeCategoryName],
  ['category_id', (v) => v.closeCategory],
  ['summary', (v) => v.closeSummary],
  ['closed_by', (v) => v.closedBy],
  ['rating', (v) => v.rating],
  ['rating_comment', (v) => v.ratingComment],
];
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** Writes, waiting while the socket's buffer is full; false once the client has gone. */
async function write(res: Response, chunk: string): Promise<boolean> {
  if (res.destroyed) return false;
  if (!res.write(chunk)) await Promise.race([once(res, 'drain'), once(res, 'close')]);
  return !res.destroyed;
}

type Authed = Response<unknown, AuthedLocals>;

export function createTranscriptsRouter(deps: ApiDeps): Router {
  const { transcriptSearch, settings } = deps;
  const log = deps.logger.child({ module: 'transcripts' });
  const router = Router();
  router.use(requireUser(deps.auth));
  const viewer = (res: Authed) => ({ id: res.locals.user.id, role: res.locals.user.role });

  router.get('/', async (req, res: Authed) => {
    const q = parse(searchQuery, req.query);
    const after = q.cursor === undefined ? undefined : decodeCursor(q.cursor);
    const page = await transcriptSearch.search(viewer(res), filterOf(q), {
      limit: q.limit,
      after: after && { openedAt: after.at, id: after.id },
    });
    res.json({
      transcripts: page.items.map(transcriptRowView),
      nextCursor: page.next && encodeCursor(page.next.openedAt, page.next.id),
    } satisfies rest.TranscriptSearchResponse);
  });

  router.get('/export', async (req, res: Authed) => {
    const q = parse(exportQuery, req.query);
    const chunks = transcriptSearch.export(viewer(res), filterOf(q));
    // Read once: a lead renaming a category mid-export does not mix two names in one file.
    const { closeCategories } = await settings.current();
    const csv = q.format === 'csv';
    const day = new Date().toISOString().slice(0, 10);
    res.status(200);
    res.set({
      'Content-Type': csv ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8',
      'Content-Disposition': `attachment; filename="transcripts-${day}.${q.format}"`,
      'Cache-Control': 'no-store',
    });
    let first = true;
    try {
      if (!(await write(res, csv ? CSV_BOM + csvLine(CSV_COLUMNS.map(([name]) => name)) : '['))) return;
      for await (const rows of chunks) {
        const views = rows.map((r) => transcriptExportRow(r, closeCategories, q.lang));
        const text = csv
          ? views.map((v) => csvLine(CSV_COLUMNS.map(([, cell]) => cell(v)))).join('')
          : views.map((v, i) => `${first && i === 0 ? '' : ','}\n${JSON.stringify(v)}`).join('');
        first = false;
        if (!(await write(res, text))) return;
      }
      res.end(csv ? '' : '\n]\n');
    } catch (err) {
      // The status line is gone: a truncated file must not look complete, so the connection is cut.
      log.error({ err }, 'transcript export failed');
      res.destroy();
    }
  });

  return router;
}
