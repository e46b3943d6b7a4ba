/**
 * Customer tiers the host page proves (README, "Customer tiers"): the site's server signs
 * `<tier>.<expires>` (expires: seconds since the epoch) with HMAC-SHA256 under the per-site
 * secret (VISITOR_TIER_SECRET) and hands the widget `<tier>.<expires>.<signature>` (base64url).
 * A shopper cannot forge or extend one; a token is valid for anyone who holds it until it
 * expires, so sites sign short-lived ones per page view.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { AppError } from '../errors';
import type { Clock } from './clock';

/** The tiers a token may carry; `vip` raises the priority of the visitor's conversations. */
export const TIERS = ['standard', 'vip'] as const;
export type Tier = (typeof TIERS)[number];

const TOKEN_RE = /^([a-z]+)\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/;

const mac = (secret: string, tier: string, expires: string) => createHmac('sha256', secret).update(`${tier}.${expires}`).digest();

/** What the host page's server does (the README shows the same in plain Node); used by tests. */
export function signTier(secret: string, tier: Tier, expiresAtMs: number): string {
  const expires = String(Math.floor(expiresAtMs / 1000));
  return `${tier}.${expires}.${mac(secret, tier, expires).toString('base64url')}`;
}

export type TierVerifier = (token: string) => { tier: Tier; expiresAt: number };

/**
 * Checks a token: signed with `secret` (compared in constant time), a known tier, not expired
 * at the clock's now. Anything else, or no secret configured, is TIER_INVALID.
 */
export function createTierVerifier(secret: string | undefined, clock: Clock): TierVerifier {
  return (token) => {
    const m = TOKEN_RE.exec(token);
    if (!secret || !m) throw new AppError('TIER_INVALID');
    const [, tier, expires, signature] = m;
    const given = Buffer.from(signature, 'base64url');
    const expected = mac(secret, tier, expires);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new AppError('TIER_INVALID');
    const expiresAt = Number(expires) * 1000;
    if (!(TIERS as readonly string[]).includes(tier) || expiresAt <= clock.now()) throw new AppError('TIER_INVALID');
    return { tier: tier as Tier, expiresAt };
  };
}
