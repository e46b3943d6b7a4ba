/**
 * Shared pieces of the REST API: bearer authentication, role checks and zod
 * parsing. Routers for each resource (server/transport/api/*.ts) use these so
 * every route answers errors the same way: `{ error: { code, message } }`.
 */
import type { NextFunction, Request, Response } from 'express';
import type { z } from 'zod';
import type { Role } from '../../shared/protocol';
import type { UserView } from '../../shared/rest';
import type { AuthService } from '../domain/auth';
import type { UserRecord } from '../domain/ports/records';
import { AppError } from '../errors';

/** The authenticated agent or lead, set by `requireUser` on `res.locals.user`. */
export type AuthedLocals = { user: UserRecord };

/** Parses with zod or throws VALIDATION_FAILED naming the first bad field. */
export function parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  throw new AppError('VALIDATION_FAILED', `${issue.path.join('.') || 'body'}: ${issue.message}`);
}

/** The token of `Authorization: Bearer <token>`, or '' (which authentication refuses). */
export function bearerToken(req: Request): string {
  const header = req.get('authorization') ?? '';
  return header.startsWith('Bearer ') ? header.slice(7) : '';
}

/**
 * Middleware: an active agent or lead (optionally only the given roles). The user is read
 * from the store on every request, so deactivation and role changes apply at once.
 */
export function requireUser(auth: AuthService, roles?: Role[]) {
  return async (req: Request, res: Response<unknown, AuthedLocals>, next: NextFunction) => {
    try {
      const user = await auth.staff(bearerToken(req), 'FORBIDDEN');
      if (roles && !roles.includes(user.role)) throw new AppError('FORBIDDEN');
      res.locals.user = user;
      next();
    } catch (err) {
      next(err);
    }
  };
}

export function userView(u: UserRecord): UserView {
  return { id: u.id, email: u.email, name: u.displayName, role: u.role, capacity: u.capacity, active: u.active };
}
