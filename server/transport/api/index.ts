/**
 * The resource routers of the REST API, each in its own file, mounted under /api/v1
 * by http.ts. Each router authenticates with `requireUser` and validates with `parse`
 * (../rest.ts); errors thrown as AppError become `{ error: { code, message } }`.
 */
import type { Router } from 'express';
import type { TokenService } from '../../domain/auth';
import type { ChatService } from '../../domain/chat-service';
import type { Clock } from '../../domain/clock';
import type { Logger } from '../../logger';
import type { RateLimiter } from '../../store/rate-limit';
import type { ChatStore } from '../../store/sql/types';

export interface ApiDeps {
  store: ChatStore;
  tokens: TokenService;
  chat: ChatService;
  limiter: RateLimiter;
  logger: Logger;
  clock: Clock;
}

export function createApiRouters(_deps: ApiDeps): { path: string; router: Router }[] {
  return [];
}
