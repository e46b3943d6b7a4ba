/**
 * /api/v1/faq: leads create, edit and delete FAQ entries; agents and leads list them and
 * match a shopper's text against them (BM25 over question and phrasings, see
 * domain/faq/ranker.ts). Matching uses this process's index, which follows edits made
 * by any process within a second (domain/faq/matcher.ts).
 */
import { Router, type Response } from 'express';
import { z } from 'zod';
import { FAQ_LANGUAGES, type FaqEntryView, type FaqMatchView } from '../../../shared/faq';
import type { FaqEntry } from '../../domain/ports/faq';
import { parse, requireUser, type AuthedLocals } from '../rest';
import { text } from '../text';
import type { FaqMatchResponse } from '../../../shared/rest';
import type { ApiDeps } from './index';

const language = z.enum(FAQ_LANGUAGES);
const question = text(300, { trim: true, min: 1 });
const phrasings = z.array(text(300, { trim: true, min: 1 })).max(20);
const answer = text(4000, { trim: true, min: 1 });
const category = text(50, { trim: true, min: 1 });
const idParam = text(64, { min: 1 });

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
    text: text(2000, { trim: true, min: 1 }),
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

export function createFaqRouter(deps: ApiDeps): Router {
  const { faq } = deps;
  const staff = requireUser(deps.auth);
  const lead = requireUser(deps.auth, ['lead']);
  const router = Router();

  router.get('/', staff, async (req, res) => {
    const filter = parse(listQuery, req.query);
    res.json({ entries: (await faq.list(filter)).map(entryView) });
  });

  router.post('/match', staff, async (req, res) => {
    const { text, language, limit } = parse(matchSchema, req.body);
    const matches: FaqMatchView[] = (await faq.match(text, { language, limit })).map((m) => ({
      entry: entryView(m.entry),
      score: m.score,
      matched: m.matched,
    }));
    res.json({ matches } satisfies FaqMatchResponse);
  });

  router.get('/:id', staff, async (req, res) => {
    const entry = await faq.get(parse(idParam, req.params.id));
    res.json({ entry: entryView(entry) });
  });

  router.post('/', lead, async (req, res: Response<unknown, AuthedLocals>) => {
    const entry = await faq.create(parse(createSchema, req.body), res.locals.user.id);
    res.status(201).json({ entry: entryView(entry) });
  });

  router.patch('/:id', lead, async (req, res: Response<unknown, AuthedLocals>) => {
    const patch = parse(patchSchema, req.body);
    const entry = await faq.update(parse(idParam, req.params.id), patch, res.locals.user.id);
    res.json({ entry: entryView(entry) });
  });

  router.delete('/:id', lead, async (req, res: Response<unknown, AuthedLocals>) => {
    await faq.remove(parse(idParam, req.params.id), res.locals.user.id);
    res.status(204).end();
  });

  return router;
}
