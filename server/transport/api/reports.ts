/**
 * /api/v1/reports: the service figures of a date range (docs/reports.md), as JSON or as the
 * CSV of exactly the console's table. Any agent or lead; an agent's rows are their own chats only.
 */
import { Router, type Response } from 'express';
import { z } from 'zod';
import { REPORT_GROUP_BYS, type ReportResponse } from '../../../shared/reports';
import { reportCsv } from '../../domain/reports-csv';
import { EXACT_SECONDS } from '../../domain/report-figures';
import { DEFAULT_SERVICE_LEVEL_SECONDS } from '../../domain/reports';
import { AppError } from '../../errors';
import { parse, requireUser, type AuthedLocals } from '../rest';
import { text } from '../text';
import type { ApiDeps } from './index';

/** Reports per user and minute. */
export const REPORTS_PER_MINUTE = 60;

const date = z.iso.date();
const blankIsAbsent = (v: unknown) => (v === '' ? undefined : v);

const reportQuery = z
  .object({
    from: z.preprocess(blankIsAbsent, date.optional()),
    to: z.preprocess(blankIsAbsent, date.optional()),
    groupBy: z.preprocess(blankIsAbsent, z.enum(REPORT_GROUP_BYS as [string, ...string[]]).default('day')),
    serviceLevelSeconds: z.preprocess(blankIsAbsent, z.coerce.number().int().min(1).max(EXACT_SECONDS).default(DEFAULT_SERVICE_LEVEL_SECONDS)),
    agentId: z.preprocess(blankIsAbsent, text(64, { min: 1 }).optional()),
    format: z.preprocess(blankIsAbsent, z.enum(['json', 'csv']).default('json')),
    lang: z.preprocess(blankIsAbsent, z.enum(['en', 'zh-CN']).default('en')),
  })
  .strict();

export function createReportsRouter(deps: ApiDeps): Router {
  const router = Router();

  router.get('/', requireUser(deps.auth), async (req, res: Response<unknown, AuthedLocals>) => {
    const { format, lang, ...q } = parse(reportQuery, req.query);
    if (!(await deps.limiter.hit(`reports:${res.locals.user.id}`, REPORTS_PER_MINUTE, 60_000))) throw new AppError('RATE_LIMITED');
    const report = await deps.reports.report({ ...q, groupBy: q.groupBy as ReportResponse['groupBy'], language: lang }, res.locals.user);
    if (format === 'json') {
      res.json(report satisfies ReportResponse);
      return;
    }
    res
      .type('text/csv; charset=utf-8')
      .attachment(`report-${report.from}-${report.to}-${report.groupBy}.csv`)
      .send(reportCsv(report, lang));
  });

  return router;
}
