/**
 * /api/v1/faq: leads create, edit and delete FAQ entries; agents and leads list them and
 * match a shopper's text against them (BM25 over question and phrasings, see
 * domain/faq/ranker.ts). Matching uses this process's index, which follows edits made
 * by any process within a second (domain/faq/matcher.ts).
 */
import { Router, type Response } from 'express';
import { z } from 'zod';
import { FAQ_LANGUAGES, type FaqEntryView, type FaqMatchView } from '../../../shared/faq';
import { createFaqMatcher } from '../../domain/faq/matcher';
import { AppError } from '../../errors';
import { createFaqStore, type FaqEntry } from '../../store/sql/faq-store';
import { parse, requireUser, type AuthedLocals } from '../rest';
import type { ApiDeps } from './index';

const language = z.enum(FAQ_LANGUAGES);
const question = z.string().trim().min(1).max(300);
const phrasings = z.array(z.string().trim().min(1).max(300)).max(20);
const answer = z.string().trim().min(1).max(4000);
const category = z.string().trim().min(1).max(50);

const createSchema = z
  .object({ question, phrasings: phrasings.default([]), answer, language, category: category.default('general') })
  .strict();

const patchSchema = z
  .object({ question, phrasings, answer, language, category })
  .partial()
  .strict()
  .refine((p) => Object.keys(p).length > 0, 'Give at least one field to change');

const listQuery = z.object({ language: language.optional(), category: category.optional() }).strict();

const matchSchema = z
  .object({
    text: z.string().trim().min(1).max(2000),
    language: language.optional(),
    limit: z.number().int().min(1).max(10).default(3),
  })
  .strict();

export function entryView(e: FaqEntry): FaqEntryView {
  return {
    id: e.id,
    question: e.question,
    phrasings: e.phrasings,
    answer: e.answer,
    language: e.language,
    category: e.category,
    demo: e.demo,
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
  };
}

const notFound = () => new AppError('NOT_FOUND', 'No such FAQ entry');

export function createFaqRouter(deps: ApiDeps): Router {
  const log = deps.logger.child({ module: 'faq' });
  const store = createFaqStore({ sql: deps.sql });
  const matcher = createFaqMatcher({ source: { version: () => store.version(), list: () => store.list() }, clock: deps.clock });
  const staff = requireUser(deps.tokens, deps.store);
  const lead = requireUser(deps.tokens, deps.store, ['lead']);
  const router = Router();

  router.get('/', staff, async (req, res) => {
    const filter = parse(listQuery, req.query);
    res.json({ entries: (await store.list(filter)).map(entryView) });
  });

  router.post('/match', staff, async (req, res) => {
    const { text, language, limit } = parse(matchSchema, req.body);
    const matches: FaqMatchView[] = (await matcher.match(text, { language, limit })).map((m) => ({
      entry: entryView(m.entry),
      score: m.score,
      matched: m.matched,
    }));
    res.json({ matches });
  });

  router.get('/:id', staff, async (req, res) => {
    const entry = await store.get(String(req.params.id));
    if (!entry) throw notFound();
    res.json({ entry: entryView(entry) });
  });

  router.post('/', lead, async (req, res: Response<unknown, AuthedLocals>) => {
    const entry = await store.create(parse(createSchema, req.body));
    matcher.invalidate();
    log.info({ id: entry.id, by: res.locals.user.id }, 'faq entry created');
    res.status(201).json({ entry: entryView(entry) });
  });

  router.patch('/:id', lead, async (req, res: Response<unknown, AuthedLocals>) => {
    const patch = parse(patchSchema, req.body);
    const entry = await store.update(String(req.params.id), patch);
    if (!entry) throw notFound();
    matcher.invalidate();
    log.info({ id: entry.id, by: res.locals.user.id }, 'faq entry edited');
    res.json({ entry: entryView(entry) });
  });

  router.delete('/:id', lead, async (req, res: Response<unknown, AuthedLocals>) => {
    if (!(await store.remove(String(req.params.id)))) throw notFound();
    matcher.invalidate();
    log.info({ id: String(req.params.id), by: res.locals.user.id }, 'faq entry deleted');
    res.status(204).end();
  });

  return router;
}
