/**
 * The resource routers of the REST API, each in its own file, mounted under /api/v1
 * by http.ts. Each router authenticates with `requireUser` and validates with `parse`
 * (../rest.ts); errors thrown as AppError become `{ error: { code, message } }`.
 * Routers receive services, built once by the composition root (server/chat-server.ts).
 */
import type { Router } from 'express';
import type { AuthService } from '../../domain/auth';
import type { CannedReplyService } from '../../domain/canned-replies';
import type { ChatService } from '../../domain/chat/service';
import type { DepartmentService } from '../../domain/departments';
import type { FaqService } from '../../domain/faq/service';
import type { LeftMessageService } from '../../domain/left-messages';
import type { QualityService } from '../../domain/quality/service';
import type { ReportService } from '../../domain/reports';
import type { SettingsService } from '../../domain/settings';
import type { TeamService } from '../../domain/team';
import type { TranscriptSearchService } from '../../domain/transcript-search';
import type { TranscriptService } from '../../domain/transcripts';
import type { Logger } from '../../logger';
import type { RateLimiter } from '../../store/rate-limit';
import { createCannedRepliesRouter } from './canned-replies';
import { createConversationsRouter } from './conversations';
import { createDepartmentsRouter } from './departments';
import { createFaqRouter } from './faq';
import { createComplaintsRouter, createFollowUpsRouter } from './follow-ups';
import { createLeftMessagesRouter } from './left-messages';
import { createQualityReportRouter, createQualityRouter } from './quality';
import { createTranscriptsRouter } from './transcripts';
import { createReportsRouter } from './reports';
import { createSettingsRouter } from './settings';
import { createInvitationsRouter, createMeRouter, createTeamRouter } from './team';

export interface ApiDeps {
  auth: AuthService;
  chat: ChatService;
  team: TeamService;
  departments: DepartmentService;
  transcripts: TranscriptService;
  transcriptSearch: TranscriptSearchService;
  cannedReplies: CannedReplyService;
  faq: FaqService;
  leftMessages: LeftMessageService;
  settings: SettingsService;
  reports: ReportService;
  quality: QualityService;
  limiter: RateLimiter;
  logger: Logger;
  /** Capacity of a user created without one. @default 5 */
  defaultCapacity?: number;
}

export function createApiRouters(deps: ApiDeps): { path: string; router: Router }[] {
  return [
    { path: '/users', router: createTeamRouter(deps) },
    { path: '/invitations', router: createInvitationsRouter(deps) },
    { path: '/me', router: createMeRouter(deps) },
    { path: '/conversations', router: createConversationsRouter(deps) },
    { path: '/canned-replies', router: createCannedRepliesRouter(deps) },
    { path: '/faq', router: createFaqRouter(deps) },
    { path: '/left-messages', router: createLeftMessagesRouter(deps) },
    { path: '/transcripts', router: createTranscriptsRouter(deps) },
    { path: '/settings', router: createSettingsRouter(deps) },
    { path: '/complaints', router: createComplaintsRouter(deps) },
    { path: '/follow-ups', router: createFollowUpsRouter(deps) },
    // Its own router, mounted first (the reports router answers only its root): quality figures per agent.
    { path: '/reports/quality', router: createQualityReportRouter(deps) },
    { path: '/reports', router: createReportsRouter(deps) },
    { path: '/departments', router: createDepartmentsRouter(deps) },
    { path: '/quality', router: createQualityRouter(deps) },
  ];
}
