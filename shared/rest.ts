/**
 * REST shapes under /api/v1 (docs/protocol.md §9), as the server sends them
 * (server/transport/http.ts and server/transport/api/*.ts) and the console reads them.
 * Times are ms since the epoch. Errors are `ApiErrorResponse` with the catalogue code.
 */
import type { ErrorBody } from './errors';
import type { FaqEntryView, FaqLanguage, FaqMatchView } from './faq';
import type { CloseCategoryDef, TeamSettings } from './settings';
import type { AgentStatus, AuthorKind, CloseCategory, ConversationStatus, Message, PageContext, Role } from './protocol';

export type { FaqEntryView, FaqMatchView } from './faq';
export type { OpeningHours, TeamSettings, Weekday } from './settings';

/** Every error response. */
export interface ApiErrorResponse {
  /** `TOO_MANY_ATTEMPTS` (login) adds `retryAfterSeconds`. */
  error: ErrorBody | TooManyAttemptsError;
}

// ---------------------------------------------------------------- auth (§9.1, §9.2)

/** A user as login, /me and an accepted invitation return it. */
export interface UserView {
  id: string;
  /** Lowercase. */
  email: string;
  name: string;
  role: Role;
  /** The stored capacity. */
  capacity: number;
  active: boolean;
}

/** `POST /auth/login`. */
export interface LoginRequest {
  email: string;
  password: string;
}
/**
 * `POST /auth/login` refused after too many failed attempts (per account or per IP): wait
 * `retryAfterSeconds` (also in the `Retry-After` header), then try again.
 */
export interface TooManyAttemptsError extends ErrorBody {
  code: 'TOO_MANY_ATTEMPTS';
  retryAfterSeconds: number;
}
export interface LoginResponse {
  token: string;
  /** Seconds the token is valid for. */
  expiresIn: number;
  user: UserView;
}

/** `GET /me`. */
export interface MeResponse {
  user: UserView;
}

/** `POST /me/password`: every session opened before ends; the new token replaces the caller's. */
export interface ChangePasswordRequest {
  currentPassword: string;
  /** 10 to 200 characters. */
  newPassword: string;
}
export type ChangePasswordResponse = LoginResponse;

// ---------------------------------------------------------------- team (§9.3)

/** Live presence fields of a team member; defaults for a user presence does not know: offline, stored capacity, 0, false. */
interface PresenceFields {
  status: AgentStatus;
  capacity: number;
  load: number;
  connected: boolean;
}

/** What an agent sees of a colleague (`GET /users` as an agent). */
export interface ColleagueView extends PresenceFields {
  id: string;
  name: string;
  role: Role;
}

/** What a lead sees of a user (`GET /users` as a lead, and the lead's user routes). */
export interface MemberView extends ColleagueView {
  email: string;
  active: boolean;
  languages: string[];
  createdAt: number;
}

/** `GET /users`: colleagues for an agent (active ones, by name), members for a lead (every user, by email). */
export interface UsersResponse {
  users: ColleagueView[] | MemberView[];
}

/** A one-time link to set a password. */
export interface InvitationLink {
  /** `${origin}/console#invite=${token}` */
  url: string;
  purpose: 'invite' | 'reset';
  expiresAt: number;
  /** True when the server also e-mailed the link to the user (SMTP configured); otherwise pass the link on yourself. */
  emailed: boolean;
}

/** `POST /users` (lead). */
export interface CreateUserRequest {
  email: string;
  name: string;
  /** @default 'agent' */
  role?: Role;
  /** @default DEFAULT_CAPACITY (5) */
  capacity?: number;
  /** @default [] */
  languages?: string[];
  /** @default true */
  active?: boolean;
}
export interface CreateUserResponse {
  user: MemberView;
  invitation: InvitationLink;
}

/** `PATCH /users/:id` (lead): at least one field. */
export type PatchUserRequest = Partial<{ name: string; role: Role; capacity: number; languages: string[]; active: boolean }>;

/** `GET` and `PATCH /users/:id` (lead). */
export interface MemberResponse {
  user: MemberView;
}

/** `POST /users/:id/reset-password` (lead). */
export interface ResetPasswordResponse {
  invitation: InvitationLink;
}

// ---------------------------------------------------------------- invitations (§9.4)

/** `GET /invitations/:token`: what the set-password page shows. */
export interface InvitationResponse {
  invitation: {
    purpose: InvitationLink['purpose'];
    expiresAt: number;
    user: { email: string; name: string };
  };
}

/** `POST /invitations/:token`. No token comes back: log in next. */
export interface AcceptInvitationRequest {
  password: string;
}
export interface AcceptInvitationResponse {
  user: UserView;
}

// ---------------------------------------------------------------- conversations (§9.5)

/** A stored conversation, for lists, history and reports. */
export interface ConversationSummary {
  id: string;
  visitorId: string;
  visitorName: string | null;
  status: ConversationStatus;
  agentId: string | null;
  agentName: string | null;
  openedAt: number;
  firstResponseAt: number | null;
  closedAt: number | null;
  closedBy: AuthorKind | null;
  closeCategory: CloseCategory | null;
  closeSummary: string | null;
  lastSeq: number;
}

/** `GET /conversations` query; every field optional. */
export interface ConversationListQuery {
  status?: ConversationStatus;
  agentId?: string;
  visitorId?: string;
  /** ISO 8601 date-time with a zone, or a date. */
  from?: string;
  to?: string;
  q?: string;
  /** @default 20 */
  limit?: number;
  cursor?: string;
}
export interface ConversationListResponse {
  conversations: ConversationSummary[];
  /** null on the last page. */
  nextCursor: string | null;
}

export interface RatingView {
  score: number;
  comment: string | null;
  createdAt: number;
}

/** `GET /conversations/:id` as an agent or lead: the whole transcript. */
export interface TranscriptResponse {
  conversation: ConversationSummary;
  messages: Message[];
  visitor: {
    id: string;
    name: string | null;
    email: string | null;
    context: PageContext | null;
    userAgent: string | null;
    createdAt: number;
    lastSeenAt: number;
  } | null;
  rating: RatingView | null;
}

// ---------------------------------------------------------------- canned replies (§9.6)

export interface CannedReplyView {
  id: string;
  /** Typed after "/" in the composer. */
  shortcut: string;
  title: string;
  /** May use {visitor.name}, {agent.name}, {conversation.id}; the console fills them in. */
  body: string;
  language: string;
  tags: string[];
  scope: 'team' | 'personal';
  /** null for team replies. */
  ownerId: string | null;
  demo: boolean;
  createdAt: number;
  updatedAt: number;
}

/** `GET /canned-replies` query. */
export interface CannedReplySearchQuery {
  q?: string;
  language?: string;
  /** @default 20 */
  limit?: number;
  /** @default 0 */
  offset?: number;
}
export interface CannedReplySearchResponse {
  replies: CannedReplyView[];
  /** Every match, for paging with `offset`. */
  total: number;
}

/** `POST /canned-replies`. */
export interface CreateCannedReplyRequest {
  shortcut: string;
  title: string;
  body: string;
  language: string;
  /** @default [] */
  tags?: string[];
  /** @default 'team' (agents must send 'personal') */
  scope?: 'team' | 'personal';
}
/** `PATCH /canned-replies/:id`: at least one field; the scope cannot change. */
export type PatchCannedReplyRequest = Partial<Omit<CreateCannedReplyRequest, 'scope'>>;
/** `POST`, `GET` and `PATCH /canned-replies[/:id]`. */
export interface CannedReplyResponse {
  reply: CannedReplyView;
}

// ---------------------------------------------------------------- FAQ (§9.7)

/** `POST /faq/match`. */
export interface FaqMatchRequest {
  text: string;
  language?: FaqLanguage;
  /** 1–10. @default 3 */
  limit?: number;
}
export interface FaqMatchResponse {
  matches: FaqMatchView[];
}

// ---------------------------------------------------------------- left messages (§9.10)

export type LeftMessageStatus = 'open' | 'answered' | 'closed';
/** What happened to the e-mail an action tried to send: `off` when the server has no SMTP_URL. */
export type MailOutcome = 'sent' | 'failed' | 'off';

/** A message left with the widget's offline form, as the inbox shows it. */
export interface LeftMessageView {
  id: string;
  visitorId: string;
  /** Name and email the shopper typed into the form. */
  name: string;
  email: string;
  text: string;
  /** The page it was left on (its URL and title), from the visitor's context at that time. */
  page: { url: string | null; title: string | null } | null;
  /** The shopper's browser language, which the e-mailed answer is written in. */
  language: string | null;
  createdAt: number;
  status: LeftMessageStatus;
  assignee: { id: string; name: string } | null;
  answer: string | null;
  answeredBy: { id: string; name: string } | null;
  answeredAt: number | null;
  closedAt: number | null;
  /** The visitor's conversation the answer created (`GET /conversations/:id`). */
  conversationId: string | null;
}

/** `GET /left-messages` query. */
export interface LeftMessageListQuery {
  status?: LeftMessageStatus;
  /** 1–100. @default 20 */
  limit?: number;
  cursor?: string;
}
export interface LeftMessageListResponse {
  leftMessages: LeftMessageView[];
  /** null on the last page. */
  nextCursor: string | null;
  /** Open left messages the caller may see (a lead: all; an agent: assigned to them), whatever the filter. */
  openCount: number;
}
/** `GET /left-messages/:id`, `POST …/assign`, `POST …/close`. */
export interface LeftMessageResponse {
  leftMessage: LeftMessageView;
}
/** `POST /left-messages/:id/assign` (lead): an active user's id, or null to unassign. */
export interface AssignLeftMessageRequest {
  assigneeId: string | null;
}
/** `POST /left-messages/:id/answer`. */
export interface AnswerLeftMessageRequest {
  /** 1–4000 characters (MAX_MESSAGE_LENGTH), not blank. */
  text: string;
}
export interface AnswerLeftMessageResponse {
  leftMessage: LeftMessageView;
  email: MailOutcome;
}

// ---------------------------------------------------------------- transcripts (§9.11)

/** `GET /transcripts` and `GET /transcripts/export` query; every field optional, combined with AND. */
export interface TranscriptSearchQuery {
  /** Text in any message or note (substring, case-insensitive; Chinese or English). */
  q?: string;
  /** Part of the visitor's name or email. */
  visitor?: string;
  agentId?: string;
  category?: string;
  /** 1–5. */
  rating?: number;
  /** `live` (queued or open) or `closed`. */
  status?: 'live' | 'closed';
  /** ISO 8601 date-time with a zone, or a date: opened at or after. */
  from?: string;
  /** Opened before. */
  to?: string;
  /** Search only. @default 20 */
  limit?: number;
  /** Search only. */
  cursor?: string;
  /** Export only. @default 'csv' */
  format?: 'csv' | 'json';
  /** Export only: the language of the category names. @default 'en' */
  lang?: FaqLanguage;
}

/** One conversation as search results and exports carry it. Times in ms since the epoch. */
export interface TranscriptRowView {
  id: string;
  status: ConversationStatus;
  visitorId: string;
  visitorName: string | null;
  visitorEmail: string | null;
  agentId: string | null;
  agentName: string | null;
  /** Started (opened), first assigned, first agent reply, closed. */
  openedAt: number;
  assignedAt: number | null;
  firstResponseAt: number | null;
  closedAt: number | null;
  /** firstResponseAt − openedAt, in whole seconds. */
  firstResponseSeconds: number | null;
  /** closedAt − (assignedAt, else openedAt), in whole seconds; null while live. */
  handlingSeconds: number | null;
  closedBy: AuthorKind | null;
  closeCategory: string | null;
  closeSummary: string | null;
  rating: number | null;
  ratingComment: string | null;
}

/** One row of `GET /transcripts/export?format=json`: the search row and its category's name. */
export interface TranscriptExportRow extends TranscriptRowView {
  /** `closeCategory`'s name in the export's `lang` (else the other language's, else the id); null when uncategorised. */
  closeCategoryName: string | null;
}

export interface TranscriptSearchResponse {
  transcripts: TranscriptRowView[];
  /** null on the last page. */
  nextCursor: string | null;
}
/** `GET /faq` query. */
export interface FaqListQuery {
  language?: FaqLanguage;
  category?: string;
}
/** `GET /faq`. */
export interface FaqListResponse {
  entries: FaqEntryView[];
}
/** `POST /faq` (lead). */
export interface CreateFaqRequest {
  question: string;
  /** @default [] */
  phrasings?: string[];
  answer: string;
  language: FaqLanguage;
  /** @default 'general' */
  category?: string;
}
/** `PATCH /faq/:id` (lead): at least one field. */
export type PatchFaqRequest = Partial<CreateFaqRequest>;
/** `POST`, `GET` and `PATCH /faq[/:id]`. */
export interface FaqEntryResponse {
  entry: FaqEntryView;
}

// ---------------------------------------------------------------- settings (§9.9)

/** `GET /settings` (any agent or lead) and `PUT /settings` (lead). */
export interface SettingsResponse {
  settings: TeamSettings;
}
/**
 * `PUT /settings`: any non-empty subset of the settings; each given one is replaced whole. A
 * close category without `id` is new (the server gives it one); a known one left out is kept as removed.
 */
export type PutSettingsRequest = Partial<Omit<TeamSettings, 'closeCategories'>> & {
  closeCategories?: (Omit<CloseCategoryDef, 'id'> & { id?: string })[];
};

// ---------------------------------------------------------------- complaints and follow-ups (§9.12)

export const COMPLAINT_SEVERITIES = ['low', 'medium', 'high'] as const;
export type ComplaintSeverity = (typeof COMPLAINT_SEVERITIES)[number];

/** A conversation registered as a complaint (投诉登记). Times in ms since the epoch. */
export interface ComplaintView {
  id: string;
  conversationId: string;
  /** Free text, e.g. `delivery`, `quality`. */
  category: string;
  severity: ComplaintSeverity;
  /** Who handles it (an agent or lead); null: not given yet. */
  ownerId: string | null;
  createdBy: string;
  createdAt: number;
  /** Its handling is due by then (registration + `routines.complaintDueHours`). */
  dueAt: number;
}
/** `POST /complaints` (an agent who held the conversation, or a lead). */
export interface CreateComplaintRequest {
  conversationId: string;
  category: string;
  severity: ComplaintSeverity;
  /** @default the registering user */
  ownerId?: string;
}
export interface ComplaintResponse {
  complaint: ComplaintView;
  /** The follow-up created with it. */
  followUp: FollowUpView;
}

/** What created a follow-up (回访): a complaint, a rating of 1 or 2, a left message. */
export type FollowUpSource = 'complaint' | 'rating' | 'left_message';

export interface FollowUpView {
  id: string;
  source: FollowUpSource;
  /** The complaint id, the rated conversation id, or the left message id. */
  sourceId: string;
  conversationId: string | null;
  visitorId: string;
  /** Null: anyone may take it (left messages). */
  assigneeId: string | null;
  /** A line for the list: the complaint's category, the rating and comment, the left text's start. */
  subject: string;
  createdAt: number;
  /** Creation + `routines.followUpDueDays`. */
  dueAt: number;
  closedAt: number | null;
  outcome: string | null;
}
/** `GET /follow-ups?status=open|closed` (default open): a lead sees all; an agent theirs and unassigned ones. Oldest due first. */
export interface FollowUpsResponse {
  followUps: FollowUpView[];
}
/** `POST /follow-ups/:id/close`. */
export interface CloseFollowUpRequest {
  outcome: string;
}
export interface FollowUpResponse {
  followUp: FollowUpView;
}

// ---------------------------------------------------------------- departments (§9.13)

/** A department with its members (user ids), as `GET /departments` lists it. */
export interface DepartmentView {
  id: string;
  name: string;
  agentIds: string[];
}
/** `GET /departments`: every department, by name. */
export interface DepartmentsResponse {
  departments: DepartmentView[];
}
/** `POST /departments` and `PATCH /departments/:id`. */
export interface DepartmentRequest {
  name: string;
}
export interface DepartmentResponse {
  department: DepartmentView;
}
/** `PUT /users/:id/departments`: replaces the agent's departments. */
export interface AgentDepartmentsRequest {
  departmentIds: string[];
}
export interface AgentDepartmentsResponse {
  departmentIds: string[];
}
