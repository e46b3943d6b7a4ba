import { createHmac } from 'node:crypto';
import { createTokenService } from '../../server/domain/auth';
import { argon2Passwords } from '../../server/store/passwords';

const { hash: hashPassword, verify: verifyPassword } = argon2Passwords;
import { AppError } from '../../server/errors';

const SECRET = 'unit-secret-unit-secret-unit-secret-00';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof AppError ? err.code : 'not an AppError';
  }
  return undefined;
}

describe('tokens', () => {
  let now = 1_800_000_000_000;
  const tokens = createTokenService(SECRET, { now: () => now });

  test('a signed token verifies to its claims until it expires', () => {
    const token = tokens.sign('agent-1', 'lead', 60);
    expect(tokens.verify(token)).toEqual({ sub: 'agent-1', role: 'lead', exp: now / 1000 + 60, iat: now });
    now += 59_000;
    expect(tokens.verify(token).sub).toBe('agent-1');
    now += 1_000;
    expect(codeOf(() => tokens.verify(token))).toBe('TOKEN_EXPIRED');
  });

  test('tampered, foreign and malformed tokens are invalid', () => {
    const token = tokens.sign('visitor-1', 'visitor', 60);
    const [v, claims, sig] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ sub: 'visitor-1', role: 'lead', exp: 9e9 })).toString('base64url');
    expect(codeOf(() => tokens.verify(`${v}.${forged}.${sig}`))).toBe('TOKEN_INVALID');
    expect(codeOf(() => tokens.verify(`${v}.${claims}.${sig.slice(1)}`))).toBe('TOKEN_INVALID');
    const other = createTokenService('another-secret-another-secret-another', { now: () => now });
    expect(codeOf(() => tokens.verify(other.sign('visitor-1', 'visitor', 60)))).toBe('TOKEN_INVALID');
    for (const bad of ['', 'abc', 'v2.a.b', 'v1..', 'v1.%%%.x', 42 as unknown as string]) {
      expect(codeOf(() => tokens.verify(bad))).toBe('TOKEN_INVALID');
    }
  });
});

describe('tokens accept only canonical base64url', () => {
  const now = 1_800_000_000_000;
  const tokens = createTokenService(SECRET, { now: () => now });
  const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  /** The same bytes, written differently: the lowest (unused) bit of the last character set. */
  const flipLowBit = (part: string) => part.slice(0, -1) + ALPHABET[ALPHABET.indexOf(part.at(-1)!) ^ 1];
  /** A token over `claims` exactly as written, signed with the right secret. */
  const signed = (claims: string) => {
    const head = `v1.${claims}`;
    return `${head}.${createHmac('sha256', SECRET).update(head).digest('base64url')}`;
  };

  test('a valid token still verifies', () => {
    expect(tokens.verify(tokens.sign('agent-1', 'agent', 60)).sub).toBe('agent-1');
  });

  test('a signature with a trailing character, a changed unused bit or padding is invalid', () => {
    const token = tokens.sign('agent-1', 'agent', 60);
    const [v, claims, sig] = token.split('.');
    // 32 bytes of HMAC in 43 characters: the last one carries 2 unused bits.
    expect(sig).toHaveLength(43);
    // Node's decoder skips characters outside the alphabet, padding and the unused bits.
    const variants = [`${sig}~`, `${sig} `, `${sig}=`, flipLowBit(sig)];
    for (const variant of variants) {
      // Each decodes to the very same bytes: only the written form differs.
      expect(Buffer.from(variant, 'base64url').equals(Buffer.from(sig, 'base64url'))).toBe(true);
      expect(codeOf(() => tokens.verify(`${v}.${claims}.${variant}`))).toBe('TOKEN_INVALID');
    }
  });

  test('a claims part written non-canonically is invalid, even under a valid signature', () => {
    // 'agent-12' makes the claims' base64url length leave unused bits in its last character.
    const claims = tokens.sign('agent-12', 'agent', 60).split('.')[1];
    expect(claims.length % 4).not.toBe(0);
    expect(tokens.verify(signed(claims)).sub).toBe('agent-12');
    const padded = claims + '='.repeat(4 - (claims.length % 4));
    for (const variant of [padded, flipLowBit(claims)]) {
      expect(Buffer.from(variant, 'base64url').equals(Buffer.from(claims, 'base64url'))).toBe(true);
      expect(codeOf(() => tokens.verify(signed(variant)))).toBe('TOKEN_INVALID');
    }
  });

  test('claims that are valid JSON but not an object are invalid', () => {
    for (const json of ['null', '42', '"x"']) {
      expect(codeOf(() => tokens.verify(signed(Buffer.from(json).toString('base64url'))))).toBe('TOKEN_INVALID');
    }
  });
});

describe('passwords', () => {
  test('argon2id hashes verify only the right password', async () => {
    const hash = await hashPassword('密码 correct horse');
    expect(hash).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(hash, '密码 correct horse')).toBe(true);
    expect(await verifyPassword(hash, 'wrong')).toBe(false);
    expect(await verifyPassword('not a hash', 'wrong')).toBe(false);
  });
});
