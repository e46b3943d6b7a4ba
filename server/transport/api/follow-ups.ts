/**
 * /api/v1/complaints and /api/v1/follow-ups: registering a conversation as a complaint (its
 * agent or a lead; leads are alerted over the socket), the follow-up tasks that complaints,
 * low ratings and left messages create, and closing one with an outcome note. Writes are
 * rate-limited per user.
 */
import { Router, type Response } from 'express';
import { z } from 'zod';
import { COMPLAINT_SEVERITIES } from '../../../shared/rest';
import type * as rest from '../../../shared/rest';
import type { Actor } from '../../domain/chat/deps';
import { AppError } from '../../errors';
import { parse, requireUser, type AuthedLocals } from '../rest';
import { text } from '../text';
import type { ApiDeps } from './index';

const WRITES_PER_MINUTE = 30;
const id = text(64, { min: 1 });
const complaintSchema = z
  .object({ conversationId: id, category: text(60, { trim: true, min: 1 }), severity: z.enum(COMPLAINT_SEVERITIES), ownerId: id.optional() })
  .strict();
const closeSchema = z.object({ outcome: text(2000, { trim: true, min: 1 }) }).strict();
const listQuery = z.object({ status: z.enum(['open', 'closed']).default('open') }).strict();

type Authed = Response<unknown, AuthedLocals>;
const actorOf = (res: Authed): Actor => ({ kind: res.locals.user.role === 'lead' ? 'lead' : 'agent', id: res.locals.user.id });

export function createComplaintsRouter(deps: ApiDeps): Router {
  const { chat, limiter } = deps;
  const router = Router();
  const limited = async (res: Authed) => {
    if (!(await limiter.hit(`followups:${res.locals.user.id}`, WRITES_PER_MINUTE, 60_000))) throw new AppError('RATE_LIMITED');
  };

  router.post('/', requireUser(deps.auth), async (req, res: Authed) => {
    const body = parse(complaintSchema, req.body);
    await limited(res);
    res.status(201).json((await chat.registerComplaint(actorOf(res), body)) satisfies rest.ComplaintResponse);
  });

  router.get('/', requireUser(deps.auth, ['lead']), async (_req, res: Authed) => {
    res.json({ complaints: await chat.listComplaints() });
  });

  return router;
}

export function createFollowUpsRouter(deps: ApiDeps): Router {
  const { chat, limiter } = deps;
  const router = Router();

  router.get('/', requireUser(deps.auth), async (req, res: Authed) => {
    const q = parse(listQuery, req.query);
    res.json({ followUps: await chat.listFollowUps(actorOf(res), q.status === 'open') } satisfies rest.FollowUpsResponse);
  });

  router.post('/:id/close', requireUser(deps.auth), async (req, res: Authed) => {
    const body = parse(closeSchema, req.body);
    if (!(await limiter.hit(`followups:${res.locals.user.id}`, WRITES_PER_MINUTE, 60_000))) throw new AppError('RATE_LIMITED');
    const followUp = await chat.closeFollowUp(actorOf(res), parse(id, req.params.id), body.outcome);
    res.json({ followUp } satisfies rest.FollowUpResponse);
  });

  return router;
}
