/**
 * /api/v1/canned-replies: team replies (leads write them) and personal ones (their owner
 * alone sees and writes them). Search is fast enough for every keystroke; its time is
 * reported in a `Server-Timing` header.
 */
import { performance } from 'node:perf_hooks';
import { Router, type Response } from 'express';
import { z } from 'zod';
import type { Author } from '../../domain/canned-replies';
import type { CannedReplyRecord } from '../../domain/ports/canned-replies';
import { parse, requireUser, type AuthedLocals } from '../rest';
import { text } from '../text';
import type * as rest from '../../../shared/rest';
import type { ApiDeps } from './index';

const blankIsAbsent = (v: unknown) => (v === '' ? undefined : v);
const languageTag = text(64, { trim: true }).regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,3}$/, 'Expected a language tag such as zh-CN or en');
/** Letters (any script), digits and `_ . -`; no spaces, so it can be typed after `/`. */
const shortcut = text(32, { trim: true, min: 1 }).regex(/^[\p{L}\p{N}][\p{L}\p{N}_.-]*$/u, 'Letters, digits, _ . - only, starting with a letter or digit');
const title = text(120, { trim: true, min: 1 });
const body = text(4000, { trim: true, min: 1 });
const tags = z
  .array(text(32, { trim: true, min: 1 }))
  .max(10)
  .transform((t) => [...new Set(t)]);

const createSchema = z
  .object({ shortcut, title, body, language: languageTag, tags: tags.default([]), scope: z.enum(['team', 'personal']).default('team') })
  .strict();
const patchSchema = z
  .object({ shortcut, title, body, language: languageTag, tags })
  .partial()
  .strict()
  .refine((p) => Object.keys(p).length > 0, 'Give at least one field to change');
const searchQuery = z
  .object({
    q: z.preprocess(blankIsAbsent, text(100).optional()),
    language: z.preprocess(blankIsAbsent, languageTag.optional()),
    limit: z.preprocess(blankIsAbsent, z.coerce.number().int().min(1).max(100).default(20)),
    offset: z.preprocess(blankIsAbsent, z.coerce.number().int().min(0).max(100_000).default(0)),
  })
  .strict();
const idParam = text(64, { min: 1 });

export function replyView(r: CannedReplyRecord): rest.CannedReplyView {
  return {
    id: r.id,
    shortcut: r.shortcut,
    title: r.title,
    body: r.body,
    language: r.language,
    tags: r.tags,
    scope: r.ownerId === null ? ('team' as const) : ('personal' as const),
    ownerId: r.ownerId,
    demo: r.demo,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

type Authed = Response<unknown, AuthedLocals>;
const authorOf = (res: Authed): Author => ({ id: res.locals.user.id, role: res.locals.user.role });

export function createCannedRepliesRouter(deps: ApiDeps): Router {
  const replies = deps.cannedReplies;
  const router = Router();
  router.use(requireUser(deps.auth));

  router.get('/', async (req, res: Authed) => {
    const o = parse(searchQuery, req.query);
    const started = performance.now();
    const found = await replies.search(authorOf(res), o);
    res.set('Server-Timing', `search;dur=${(performance.now() - started).toFixed(2)}`);
    res.json({ replies: found.replies.map(replyView), total: found.total } satisfies rest.CannedReplySearchResponse);
  });

  router.post('/', async (req, res: Authed) => {
    const reply = await replies.create(authorOf(res), parse(createSchema, req.body));
    res.status(201).json({ reply: replyView(reply) });
  });

  // Before /:id, which would otherwise take "demo" for an id.
  router.delete('/demo', async (_req, res: Authed) => {
    res.json({ removed: await replies.removeDemo(authorOf(res)) });
  });

  router.get('/:id', async (req, res: Authed) => {
    res.json({ reply: replyView(await replies.get(authorOf(res), parse(idParam, req.params.id))) });
  });

  router.patch('/:id', async (req, res: Authed) => {
    const id = parse(idParam, req.params.id);
    const reply = await replies.update(authorOf(res), id, parse(patchSchema, req.body));
    res.json({ reply: replyView(reply) });
  });

  router.delete('/:id', async (req, res: Authed) => {
    await replies.remove(authorOf(res), parse(idParam, req.params.id));
    res.status(204).end();
  });

  return router;
}
