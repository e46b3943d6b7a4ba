/**
 * Signed tokens and password hashing. Tokens are `v1.<claims>.<hmac>` with
 * base64url parts and an HMAC-SHA256 over `v1.<claims>`: small, dependency-free
 * and verifiable by every process that shares the secret.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import type { TokenClaims } from '../../shared/protocol';
import { AppError } from '../errors';
import type { Clock } from './clock';

export interface TokenService {
  sign(sub: string, role: TokenClaims['role'], ttlSeconds: number): string;
  /** Throws AppError TOKEN_INVALID or TOKEN_EXPIRED. */
  verify(token: string): TokenClaims;
}

export function createTokenService(secret: string, clock: Clock): TokenService {
  const mac = (data: string) => createHmac('sha256', secret).update(data).digest();
  return {
    sign(sub, role, ttlSeconds) {
      const claims: TokenClaims = { sub, role, exp: Math.floor(clock.now() / 1000) + ttlSeconds };
      const head = `v1.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
      return `${head}.${mac(head).toString('base64url')}`;
    },
    verify(token) {
      const parts = typeof token === 'string' ? token.split('.') : [];
      if (parts.length !== 3 || parts[0] !== 'v1') throw new AppError('TOKEN_INVALID');
      const expected = mac(`${parts[0]}.${parts[1]}`);
      const given = Buffer.from(parts[2], 'base64url');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new AppError('TOKEN_INVALID');
      let claims: TokenClaims;
      try {
        claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
      } catch {
        throw new AppError('TOKEN_INVALID');
      }
      if (typeof claims.sub !== 'string' || typeof claims.exp !== 'number') throw new AppError('TOKEN_INVALID');
      if (claims.exp * 1000 <= clock.now()) throw new AppError('TOKEN_EXPIRED');
      return claims;
    },
  };
}

// OWASP's argon2id minimum (19 MiB, 2 passes): about 25 ms per hash here.
const ARGON2_OPTIONS = { algorithm: 2 /* Algorithm.Argon2id: a const enum, not importable under isolatedModules */, memoryCost: 19456, timeCost: 2, parallelism: 1 };

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/**
 * Verifies against a hash of a random password, so a login for an unknown email
 * costs the same time as a wrong password and does not reveal which emails exist.
 */
export async function burnPasswordCheck(password: string, cache: { hash?: Promise<string> }): Promise<false> {
  cache.hash ??= hash(`unused-${Math.random()}`, ARGON2_OPTIONS);
  await verifyPassword(await cache.hash, password);
  return false;
}
