/**
 * The resource routers of the REST API, each in its own file, mounted under /api/v1
 * by http.ts. Each router authenticates with `requireUser` and validates with `parse`
 * (../rest.ts); errors thrown as AppError become `{ error: { code, message } }`.
 */
import type { Router } from 'express';
import type { Server } from 'socket.io';
import type { TokenService } from '../../domain/auth';
import type { ChatService } from '../../domain/chat-service';
import type { Clock } from '../../domain/clock';
import type { Logger } from '../../logger';
import type { RateLimiter } from '../../store/rate-limit';
import type { ChatStore, SqlClient } from '../../store/sql/types';
import { createCannedRepliesRouter } from './canned-replies';
import { createConversationsRouter } from './conversations';
import { createFaqRouter } from './faq';
import { createInvitationsRouter, createTeamRouter } from './team';

export interface ApiDeps {
  store: ChatStore;
  /** For resource stores of their own (FAQ, canned replies), created from the same database. */
  sql: SqlClient;
  tokens: TokenService;
  chat: ChatService;
  /** To sign a deactivated agent out of every process (rooms cross processes). */
  io: Server;
  limiter: RateLimiter;
  logger: Logger;
  clock: Clock;
  /** Capacity of a user created without one. @default 5 */
  defaultCapacity?: number;
}

export function createApiRouters(deps: ApiDeps): { path: string; router: Router }[] {
  return [
    { path: '/users', router: createTeamRouter(deps) },
    { path: '/invitations', router: createInvitationsRouter(deps) },
    { path: '/conversations', router: createConversationsRouter(deps) },
    { path: '/canned-replies', router: createCannedRepliesRouter(deps) },
    { path: '/faq', router: createFaqRouter(deps) },
  ];
}
