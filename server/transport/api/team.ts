/**
 * /api/v1/users (the team) and the public /api/v1/invitations (one-time links to set a
 * password). Leads manage the team; agents may only list active colleagues with their
 * live presence, to pick one for a transfer.
 */
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { AgentPresenceView } from '../../../shared/protocol';
import type { UserRecord } from '../../domain/ports/records';
import type { IssuedLink } from '../../domain/team';
import { AppError } from '../../errors';
import { parse, requireUser, userView, type AuthedLocals } from '../rest';
import { text } from '../text';
import type * as rest from '../../../shared/rest';
import type { ApiDeps } from './index';

/** Where a link leads: the console reads the token from the fragment, which browsers never send to servers. */
export const LINK_PATH = '/console#invite=';

/** Invitation lookups and acceptances per client IP per minute. */
const LINK_CHECKS_PER_MINUTE = 20;

const name = text(100, { trim: true, min: 1 });
const role = z.enum(['agent', 'lead']);
const capacity = z.number().int().min(0).max(100);
/** BCP 47-like tags (`zh-CN`, `en`, `yue-Hant-HK`), duplicates dropped. */
const languages = z
  .array(text(64, { trim: true }).regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,3}$/, 'Expected a language tag such as zh-CN or en'))
  .max(20)
  .transform((l) => [...new Set(l)]);

const createSchema = z
  .object({
    email: text(254, { trim: true }).email(),
    name,
    role: role.default('agent'),
    capacity: capacity.optional(),
    languages: languages.default([]),
    active: z.boolean().default(true),
  })
  .strict();

const patchSchema = z
  .object({ name, role, capacity, languages, active: z.boolean() })
  .partial()
  .strict()
  .refine((p) => Object.keys(p).length > 0, 'Give at least one field to change');

const departmentsSchema = z.object({ departmentIds: z.array(text(64, { min: 1 })).max(50) }).strict();

const acceptSchema = z.object({ password: text(200, { min: 10 }) }).strict();

const idParam = text(64, { min: 1 });
/** 32 random bytes in base64url; anything else cannot be a link we issued. */
const TOKEN_RE = /^[A-Za-z0-9_-]{43}$/;

type Authed = Response<unknown, AuthedLocals>;

function presenceFields(u: UserRecord, p: AgentPresenceView | undefined) {
  return { status: p?.status ?? 'offline', capacity: p?.capacity ?? u.capacity, load: p?.load ?? 0, connected: p?.connected ?? false };
}

/** What a lead sees of a user. */
export function memberView(u: UserRecord, p?: AgentPresenceView): rest.MemberView {
  return { ...userView(u), languages: u.languages, createdAt: u.createdAt, ...presenceFields(u, p) };
}

/** What an agent sees of a colleague. */
function colleagueView(u: UserRecord, p: AgentPresenceView | undefined): rest.ColleagueView {
  return { id: u.id, name: u.displayName, role: u.role, ...presenceFields(u, p) };
}

function linkView(req: Request, link: IssuedLink): rest.InvitationLink {
  const url = `${req.protocol}://${req.get('host')}${LINK_PATH}${link.token}`;
  return { url, purpose: link.purpose, expiresAt: link.expiresAt, emailed: link.emailed };
}

export function createTeamRouter(deps: ApiDeps): Router {
  const { auth, chat, team } = deps;
  const lead = requireUser(auth, ['lead']);
  const router = Router();

  router.get('/', requireUser(auth), async (_req, res: Authed) => {
    const [users, presence] = await Promise.all([team.list(), chat.agentsPresence()]);
    const byId = new Map(presence.map((p) => [p.id, p]));
    if (res.locals.user.role === 'lead') {
      res.json({ users: users.map((u) => memberView(u, byId.get(u.id))) });
      return;
    }
    const colleagues = users.filter((u) => u.active).sort((a, b) => a.displayName.localeCompare(b.displayName));
    res.json({ users: colleagues.map((u) => colleagueView(u, byId.get(u.id))) });
  });

  router.post('/', lead, async (req, res: Authed) => {
    const b = parse(createSchema, req.body);
    const { user, link } = await team.create({ ...b, capacity: b.capacity ?? deps.defaultCapacity ?? 5 });
    res.status(201).json({ user: memberView(user), invitation: linkView(req, link) } satisfies rest.CreateUserResponse);
  });

  router.get('/:id', lead, async (req, res: Authed) => {
    const user = await team.get(parse(idParam, req.params.id));
    const presence = (await chat.agentsPresence()).find((p) => p.id === user.id);
    res.json({ user: memberView(user, presence) });
  });

  router.patch('/:id', lead, async (req, res: Authed) => {
    const id = parse(idParam, req.params.id);
    const user = await team.update(res.locals.user.id, id, parse(patchSchema, req.body));
    const presence = (await chat.agentsPresence()).find((p) => p.id === user.id);
    res.json({ user: memberView(user, presence) });
  });

  router.put('/:id/departments', lead, async (req, res: Authed) => {
    const { departmentIds } = parse(departmentsSchema, req.body);
    const ids = await deps.departments.setAgentDepartments(parse(idParam, req.params.id), departmentIds);
    res.json({ departmentIds: ids } satisfies rest.AgentDepartmentsResponse);
  });

  router.post('/:id/reset-password', lead, async (req, res: Authed) => {
    const link = await team.resetLink(parse(idParam, req.params.id));
    res.status(201).json({ invitation: linkView(req, link) } satisfies rest.ResetPasswordResponse);
  });

  return router;
}

const changePasswordSchema = z.object({ currentPassword: text(200, { min: 1 }), newPassword: text(200, { min: 10 }) }).strict();
/** Attempts to change one's password per user per minute (the current password is checked). */
const PASSWORD_CHANGES_PER_MINUTE = 5;

/** /me: what every signed-in user does to their own account. */
export function createMeRouter(deps: ApiDeps): Router {
  const { auth, team } = deps;
  const router = Router();
  router.post('/password', requireUser(auth), async (req, res: Authed) => {
    const { currentPassword, newPassword } = parse(changePasswordSchema, req.body);
    const me = res.locals.user;
    if (!(await deps.limiter.hit(`pw:${me.id}`, PASSWORD_CHANGES_PER_MINUTE, 60_000))) throw new AppError('RATE_LIMITED');
    const user = await team.changeOwnPassword(me.id, currentPassword, newPassword);
    const { token, expiresIn } = auth.issue(user);
    res.json({ token, expiresIn, user: userView(user) } satisfies rest.ChangePasswordResponse);
  });
  return router;
}

/** Public: the token in the path is the credential. Rate-limited per IP. */
export function createInvitationsRouter(deps: ApiDeps): Router {
  const { team } = deps;
  const router = Router();

  async function tokenOf(req: Request): Promise<string> {
    if (!(await deps.limiter.hit(`invite:${req.ip}`, LINK_CHECKS_PER_MINUTE, 60_000))) throw new AppError('RATE_LIMITED');
    const token = String(req.params.token);
    if (!TOKEN_RE.test(token)) throw new AppError('INVITATION_INVALID');
    return token;
  }

  router.get('/:token', async (req, res) => {
    const { purpose, expiresAt, user } = await team.describeLink(await tokenOf(req));
    res.json({ invitation: { purpose, expiresAt, user: { email: user.email, name: user.displayName } } } satisfies rest.InvitationResponse);
  });

  router.post('/:token', async (req, res) => {
    const token = await tokenOf(req);
    const { password } = parse(acceptSchema, req.body);
    res.json({ user: userView(await team.accept(token, password)) } satisfies rest.AcceptInvitationResponse);
  });

  return router;
}
