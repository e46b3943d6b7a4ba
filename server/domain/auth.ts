/**
 * Who is calling. Tokens are `v1.<claims>.<hmac>` with base64url parts (canonical: no padding,
 * unused bits zero) and an HMAC-SHA256 over `v1.<claims>`: small, dependency-free and verifiable by every process that shares
 * the secret. One function (`staff`) authenticates agents and leads for the Socket.IO
 * handshake and every REST route alike; `login` exchanges a password for a token.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { TokenClaims } from '../../shared/protocol';
import { AppError } from '../errors';
import type { Clock } from './clock';
import type { UserRepository } from './ports/chat-store';
import type { PasswordHasher } from './ports/passwords';
import type { UserRecord } from './ports/records';

export interface TokenService {
  sign(sub: string, role: TokenClaims['role'], ttlSeconds: number): string;
  /** Throws AppError TOKEN_INVALID or TOKEN_EXPIRED. */
  verify(token: string): TokenClaims;
}

export function createTokenService(secret: string, clock: Clock): TokenService {
  const mac = (data: string) => createHmac('sha256', secret).update(data).digest();
  return {
    sign(sub, role, ttlSeconds) {
      const now = clock.now();
      const claims: TokenClaims = { sub, role, exp: Math.floor(now / 1000) + ttlSeconds, iat: now };
      const head = `v1.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
      return `${head}.${mac(head).toString('base64url')}`;
    },
    verify(token) {
      const parts = typeof token === 'string' ? token.split('.') : [];
      if (parts.length !== 3 || parts[0] !== 'v1') throw new AppError('TOKEN_INVALID');
      // Only the canonical encoding is accepted: Node's base64url decoder ignores padding, stray
      // characters and the unused low bits of the last character, so several strings would decode
      // to one signature. Compare the strings themselves, in constant time.
      const expected = Buffer.from(mac(`${parts[0]}.${parts[1]}`).toString('base64url'));
      const given = Buffer.from(parts[2]);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new AppError('TOKEN_INVALID');
      const json = Buffer.from(parts[1], 'base64url');
      if (json.toString('base64url') !== parts[1]) throw new AppError('TOKEN_INVALID');
      let claims: TokenClaims;
      try {
        claims = JSON.parse(json.toString('utf8'));
      } catch {
        throw new AppError('TOKEN_INVALID');
      }
      if (typeof claims !== 'object' || claims === null) throw new AppError('TOKEN_INVALID');
      if (typeof claims.sub !== 'string' || typeof claims.exp !== 'number') throw new AppError('TOKEN_INVALID');
      if (claims.exp * 1000 <= clock.now()) throw new AppError('TOKEN_EXPIRED');
      return claims;
    },
  };
}

export interface AuthServiceDeps {
  users: Pick<UserRepository, 'getUser' | 'findUserByEmail'>;
  tokens: TokenService;
  passwords: PasswordHasher;
  /** Lifetime of an agent's or lead's token. */
  staffTokenSeconds: number;
}

export type AuthService = ReturnType<typeof createAuthService>;

export function createAuthService(deps: AuthServiceDeps) {
  const { users, tokens, passwords } = deps;
  // A hash of a random password, so a login for an unknown email costs the same as a wrong password.
  let decoy: Promise<string> | undefined;

  return {
    tokens,

    /**
     * An active agent or lead from their token, read from the store every time so that
     * deactivation and role changes apply at once. A visitor's token is refused with
     * `visitorTokenError` (the socket says TOKEN_INVALID, REST says FORBIDDEN).
     */
    async staff(token: unknown, visitorTokenError: 'TOKEN_INVALID' | 'FORBIDDEN' = 'TOKEN_INVALID'): Promise<UserRecord> {
      if (typeof token !== 'string' || !token) throw new AppError('UNAUTHENTICATED');
      const claims = tokens.verify(token);
      if (claims.role !== 'agent' && claims.role !== 'lead') throw new AppError(visitorTokenError);
      const user = await users.getUser(claims.sub);
      if (!user) throw new AppError('TOKEN_INVALID');
      if (!user.active) throw new AppError('ACCOUNT_DISABLED');
      // Issued before the password was last set (a reset or a change): that session is over.
      if (user.sessionsValidAfter !== null && (claims.iat ?? 0) < user.sessionsValidAfter) throw new AppError('TOKEN_EXPIRED');
      return user;
    },

    /** A new staff token for a user who has just proved who they are. */
    issue(user: UserRecord): { token: string; expiresIn: number; user: UserRecord } {
      return { token: tokens.sign(user.id, user.role, deps.staffTokenSeconds), expiresIn: deps.staffTokenSeconds, user };
    },

    /** Whoever may read conversations over REST: a visitor (their own) or an active agent or lead. */
    async viewer(token: unknown): Promise<{ kind: 'visitor' | 'agent' | 'lead'; id: string }> {
      if (typeof token !== 'string' || !token) throw new AppError('UNAUTHENTICATED');
      const claims = tokens.verify(token);
      if (claims.role === 'visitor') return { kind: 'visitor', id: claims.sub };
      const user = await this.staff(token);
      return { kind: user.role, id: user.id };
    },

    /** A visitor's id from their token; a missing token starts a new visitor. */
    visitor(token: unknown, newId: () => string): string {
      if (token === undefined || token === null || token === '') return newId();
      const claims = tokens.verify(token as string);
      if (claims.role !== 'visitor') throw new AppError('TOKEN_INVALID');
      return claims.sub;
    },

    /** Email and password for a token; an unknown email and a wrong password look and take the same. */
    async login(email: string, password: string): Promise<{ token: string; expiresIn: number; user: UserRecord }> {
      const user = await users.findUserByEmail(email);
      let ok: boolean;
      if (user) ok = await passwords.verify(user.passwordHash, password);
      else {
        decoy ??= passwords.hash(`unused-${randomBytes(16).toString('hex')}`);
        await passwords.verify(await decoy, password);
        ok = false;
      }
      if (!user || !ok) throw new AppError('INVALID_CREDENTIALS');
      if (!user.active) throw new AppError('ACCOUNT_DISABLED');
      const { passwordHash: _hash, ...record } = user;
      return this.issue(record);
    },
  };
}
