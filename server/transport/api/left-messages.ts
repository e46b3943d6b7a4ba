/**
 * /api/v1/left-messages: the inbox of messages left with the widget's offline form. Leads list
 * and assign every message; agents list and act on those assigned to them; the assignee or a
 * lead answers or closes one. Who may do what is the domain's (server/domain/left-messages.ts).
 */
import { Router, type Response } from 'express';
import { z } from 'zod';
import { leftMessageView } from '../../domain/left-messages';
import type { InboxMessageRecord } from '../../domain/ports/left-messages';
import { decodeCursor, encodeCursor } from '../cursor';
import { blankIsAbsent, pageLimit } from '../query';
import { parse, requireUser, type AuthedLocals } from '../rest';
import { text } from '../text';
import type * as rest from '../../../shared/rest';
import type { ApiDeps } from './index';

const id = text(64, { min: 1 });

const listQuery = z
  .object({
    status: z.preprocess(blankIsAbsent, z.enum(['open', 'answered', 'closed']).optional()),
    limit: pageLimit,
    cursor: z.preprocess(blankIsAbsent, text(200).optional()),
  })
  .strict();
const assignBody = z.object({ assigneeId: id.nullable() }).strict();
// The length rule (MAX_MESSAGE_LENGTH) is the domain's, as for chat messages.
const answerBody = z.object({ text: text(100_000) }).strict();

type Authed = Response<unknown, AuthedLocals>;

export function createLeftMessagesRouter(deps: ApiDeps): Router {
  const { leftMessages } = deps;
  const router = Router();
  router.use(requireUser(deps.auth));
  const viewer = (res: Authed) => ({ id: res.locals.user.id, role: res.locals.user.role });
  const one = (m: InboxMessageRecord): rest.LeftMessageResponse => ({ leftMessage: leftMessageView(m) });

  router.get('/', async (req, res: Authed) => {
    const { status, limit, cursor } = parse(listQuery, req.query);
    const after = cursor === undefined ? undefined : decodeCursor(cursor);
    const page = await leftMessages.list(viewer(res), { status, after: after && { createdAt: after.at, id: after.id } }, limit);
    res.json({
      leftMessages: page.items.map(leftMessageView),
      nextCursor: page.next && encodeCursor(page.next.createdAt, page.next.id),
      openCount: page.openCount,
    } satisfies rest.LeftMessageListResponse);
  });

  router.get('/:id', async (req, res: Authed) => {
    res.json(one(await leftMessages.get(viewer(res), parse(id, req.params.id))));
  });

  router.post('/:id/assign', async (req, res: Authed) => {
    const { assigneeId } = parse(assignBody, req.body);
    res.json(one(await leftMessages.assign(viewer(res), parse(id, req.params.id), assigneeId)));
  });

  router.post('/:id/answer', async (req, res: Authed) => {
    const body = parse(answerBody, req.body);
    const { message, email } = await leftMessages.answer(viewer(res), parse(id, req.params.id), body.text);
    res.json({ leftMessage: leftMessageView(message), email } satisfies rest.AnswerLeftMessageResponse);
  });

  router.post('/:id/close', async (req, res: Authed) => {
    res.json(one(await leftMessages.close(viewer(res), parse(id, req.params.id))));
  });

  return router;
}
