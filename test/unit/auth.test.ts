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
    expect(tokens.verify(token)).toEqual({ sub: 'agent-1', role: 'lead', exp: now / 1000 + 60 });
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

describe('passwords', () => {
  test('argon2id hashes verify only the right password', async () => {
    const hash = await hashPassword('密码 correct horse');
    expect(hash).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(hash, '密码 correct horse')).toBe(true);
    expect(await verifyPassword(hash, 'wrong')).toBe(false);
    expect(await verifyPassword('not a hash', 'wrong')).toBe(false);
  });
});
