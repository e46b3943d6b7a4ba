/**
 * /api/v1/conversations: lists with filters and cursor pagination (agents and leads), and
 * one conversation with its transcript (agents and leads, or the visitor it belongs to,
 * with their own visitor token: the widget uses this after a reload).
 */
import { Router, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import type { VisitorMessage } from '../../../shared/protocol';
import type { Transcript, Viewer } from '../../domain/transcripts';
import { AppError } from '../../errors';
import type { ConversationRecord, ConversationSummary } from '../../domain/ports/records';
import { decodeCursor, encodeCursor } from '../cursor';
import { blankIsAbsent, instant, pageLimit } from '../query';
import { bearerToken, parse } from '../rest';
import { text } from '../text';
import type * as rest from '../../../shared/rest';
import type { ApiDeps } from './index';

const id = text(64, { min: 1 });

const listQuery = z
  .object({
    status: z.preprocess(blankIsAbsent, z.enum(['open', 'queued', 'closed']).optional()),
    agentId: z.preprocess(blankIsAbsent, id.optional()),
    visitorId: z.preprocess(blankIsAbsent, id.optional()),
    from: z.preprocess(blankIsAbsent, instant.optional()),
    to: z.preprocess(blankIsAbsent, instant.optional()),
    q: z.preprocess(blankIsAbsent, text(200, { trim: true, min: 1 }).optional()),
    limit: pageLimit,
    cursor: z.preprocess(blankIsAbsent, text(200).optional()),
  })
  .strict();


/** The times reports are computed from, and who handled the conversation. */
function conversationView(c: ConversationRecord, names: { agentName: string | null; visitorName: string | null }): rest.ConversationSummary {
  return {
    id: c.id,
    visitorId: c.visitorId,
    visitorName: names.visitorName,
    status: c.status,
    agentId: c.agentId,
    agentName: names.agentName,
    openedAt: c.openedAt,
    firstResponseAt: c.firstResponseAt,
    closedAt: c.closedAt,
    closedBy: c.closedBy,
    closeCategory: c.closeCategory,
    closeSummary: c.closeSummary,
    lastSeq: c.lastSeq,
  };
}

const summaryView = (c: ConversationSummary) => conversationView(c, c);

function staffTranscriptView(t: Transcript): rest.TranscriptResponse {
  return {
    conversation: conversationView(t.conversation, { agentName: t.agentName, visitorName: t.visitor?.name ?? null }),
    messages: t.messages,
    visitor: t.visitor,
    rating: t.rating && { score: t.rating.score, comment: t.rating.comment, createdAt: t.rating.createdAt },
  };
}

/** The visitor's own conversation: no notes, no agent ids, no transfer notes, nothing about others. */
function visitorTranscriptView(t: Transcript<VisitorMessage>) {
  const c = t.conversation;
  return {
    conversation: {
      id: c.id,
      status: c.status,
      agentName: t.agentName,
      openedAt: c.openedAt,
      firstResponseAt: c.firstResponseAt,
      closedAt: c.closedAt,
      closedBy: c.closedBy,
      lastSeq: c.lastSeq,
    },
    messages: t.messages,
    visitor: t.visitor && { id: t.visitor.id, name: t.visitor.name, email: t.visitor.email },
    rating: t.rating && { score: t.rating.score, comment: t.rating.comment, createdAt: t.rating.createdAt },
  };
}

type ViewerLocals = { viewer: Viewer };

const openedAfter = (c: { at: number; id: string }) => ({ openedAt: c.at, id: c.id });

/**
 * Like `requireUser`, but a visitor token is accepted too (as a visitor viewer); agents and
 * leads are read from the store on every request, so deactivation applies at once.
 */
function requireViewer(deps: ApiDeps) {
  return async (req: Request, res: Response<unknown, ViewerLocals>, next: NextFunction) => {
    try {
      res.locals.viewer = await deps.auth.viewer(bearerToken(req));
      next();
    } catch (err) {
      next(err);
    }
  };
}

export function createConversationsRouter(deps: ApiDeps): Router {
  const { transcripts } = deps;
  const router = Router();
  router.use(requireViewer(deps));

  router.get('/', async (req, res: Response<unknown, ViewerLocals>) => {
    const { q, limit, cursor, ...filter } = parse(listQuery, req.query);
    if (filter.from !== undefined && filter.to !== undefined && filter.from >= filter.to) {
      throw new AppError('VALIDATION_FAILED', 'to: must be later than from');
    }
    const page = await transcripts.list(res.locals.viewer, { ...filter, text: q }, {
      limit,
      after: cursor === undefined ? undefined : openedAfter(decodeCursor(cursor)),
    });
    const nextCursor = page.next && encodeCursor(page.next.openedAt, page.next.id);
    res.json({ conversations: page.items.map(summaryView), nextCursor } satisfies rest.ConversationListResponse);
  });

  router.get('/:id', async (req, res: Response<unknown, ViewerLocals>) => {
    const { kind, id: viewerId } = res.locals.viewer;
    const conversationId = parse(id, req.params.id);
    res.json(
      kind === 'visitor'
        ? visitorTranscriptView(await transcripts.getOwn(viewerId, conversationId))
        : staffTranscriptView(await transcripts.get({ kind, id: viewerId }, conversationId)),
    );
  });

  return router;
}
