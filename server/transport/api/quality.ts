/**
 * Quality review over REST (docs/protocol.md §9.15):
 * - /api/v1/quality/conversations/:id — a closed conversation's automatic findings and its
 *   lead review (a lead any conversation, an agent those they held); PUT …/review, leads only.
 * - /api/v1/reports/quality — the figures per agent over a range of site days, as JSON or the
 *   CSV of exactly the console's table; an agent's are their own.
 */
import { Router, type Response } from 'express';
import { z } from 'zod';
import type { ConversationQualityResponse, QualityReportResponse } from '../../../shared/quality';
import { qualityReportCsv } from '../../domain/quality/report-csv';
import { AppError } from '../../errors';
import { blankIsAbsent } from '../query';
import { parse, requireUser, type AuthedLocals } from '../rest';
import { text } from '../text';
import { REPORTS_PER_MINUTE } from './reports';
import type { ApiDeps } from './index';

type Authed = Response<unknown, AuthedLocals>;

const reviewBody = z
  .object({
    score: z.number().int().min(0).max(100),
    comment: text(2000, { trim: true }).optional(),
  })
  .strict();

const reportQuery = z
  .object({
    from: z.preprocess(blankIsAbsent, z.iso.date().optional()),
    to: z.preprocess(blankIsAbsent, z.iso.date().optional()),
    agentId: z.preprocess(blankIsAbsent, text(64, { min: 1 }).optional()),
    format: z.preprocess(blankIsAbsent, z.enum(['json', 'csv']).default('json')),
    lang: z.preprocess(blankIsAbsent, z.enum(['en', 'zh-CN']).default('en')),
  })
  .strict();

const conversationId = (raw: unknown) => parse(text(64, { min: 1 }), raw);

export function createQualityRouter(deps: ApiDeps): Router {
  const router = Router();

  router.get('/conversations/:id', requireUser(deps.auth), async (req, res: Authed) => {
    res.json((await deps.quality.conversation(res.locals.user, conversationId(req.params.id))) satisfies ConversationQualityResponse);
  });

  router.put('/conversations/:id/review', requireUser(deps.auth, ['lead']), async (req, res: Authed) => {
    const body = parse(reviewBody, req.body);
    res.json((await deps.quality.review(res.locals.user, conversationId(req.params.id), body)) satisfies ConversationQualityResponse);
  });

  return router;
}

export function createQualityReportRouter(deps: ApiDeps): Router {
  const router = Router();

  router.get('/', requireUser(deps.auth), async (req, res: Authed) => {
    const { format, lang, ...q } = parse(reportQuery, req.query);
    if (!(await deps.limiter.hit(`quality-reports:${res.locals.user.id}`, REPORTS_PER_MINUTE, 60_000))) throw new AppError('RATE_LIMITED');
    const report = await deps.quality.report(q, res.locals.user);
    if (format === 'json') {
      res.json(report satisfies QualityReportResponse);
      return;
    }
    res
      .type('text/csv; charset=utf-8')
      .attachment(`quality-${report.from}-${report.to}.csv`)
      .send(qualityReportCsv(report, lang));
  });

  return router;
}
