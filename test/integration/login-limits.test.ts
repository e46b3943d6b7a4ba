/**
 * Failed logins are limited per account and per client IP; successful ones count against
 * neither (issue 13, finding 5), and guesses sent in parallel are held to the same limits as
 * guesses sent one by one (each reserves its place before the password is verified). A real server in process (supertest), its limiter on a manual
 * clock. Supertest connects from loopback, where `X-Forwarded-For` is trusted, so each request
 * picks its client address.
 */
import request from 'supertest';
import { useTestServer } from '../helpers/suite';

const ACCOUNT_WINDOW_MS = 15 * 60_000;
const t = useTestServer({
  clock: 'manual',
  limits: { loginPerMinute: 30, loginFailuresPerAccount: 10, loginAccountWindowMs: ACCOUNT_WINDOW_MS },
});

const login = (email: string, password: string, ip: string) =>
  request(t().server.app).post('/api/v1/auth/login').set('X-Forwarded-For', ip).send({ email, password });

/** A different documentation address (RFC 5737) for every n. */
const rotating = (n: number) => `198.51.100.${n % 250}`;

function expectTooManyAttempts(res: request.Response) {
  expect(res.status).toBe(429);
  expect(res.body.error).toMatchObject({ code: 'TOO_MANY_ATTEMPTS', message: expect.any(String) });
  const seconds = res.body.error.retryAfterSeconds;
  expect(Number.isInteger(seconds) && seconds > 0).toBe(true);
  expect(res.headers['retry-after']).toBe(String(seconds));
  return seconds as number;
}

test('thirty agents behind one address all sign in within a minute, a few typos included', async () => {
  const office = '203.0.113.7';
  const agents = await Promise.all(Array.from({ length: 30 }, () => t().createUser()));
  const statuses: number[] = [];
  for (const [i, a] of agents.entries()) {
    if (i % 6 === 0) statuses.push((await login(a.email, 'pasword123', office)).status);
    statuses.push((await login(a.email, 'password123', office)).status);
    t.clock.advance(1_000);
  }
  expect(statuses.filter((s) => s === 401)).toHaveLength(5);
  expect(statuses.filter((s) => s === 200)).toHaveLength(30);
});

test('wrong passwords from rotating addresses lock the account, the right one included, until the window ends', async () => {
  const a = await t().createUser();
  for (let i = 0; i < 10; i++) {
    const res = await login(a.email, `wrong-${i}`, rotating(i));
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('INVALID_CREDENTIALS');
  }
  expectTooManyAttempts(await login(a.email, 'wrong-10', rotating(10)));
  // Locked: the right password is refused too, from any address, and the email's case does not matter.
  t.clock.advance(60_000);
  const seconds = expectTooManyAttempts(await login(a.email.toUpperCase(), 'password123', rotating(11)));
  expect(seconds).toBe((ACCOUNT_WINDOW_MS - 60_000) / 1000);
  // Other accounts are not affected.
  const b = await t().createUser();
  expect((await login(b.email, 'password123', rotating(11))).status).toBe(200);

  t.clock.advance(seconds * 1000);
  const res = await login(a.email, 'password123', rotating(12));
  expect(res.status).toBe(200);
  expect(res.body.user.id).toBe(a.id);
});

test('an unknown email answers like a wrong password and is locked the same way', async () => {
  const a = await t().createUser();
  const wrong = await login(a.email, 'nope-nope', rotating(1));
  const unknown = await login('nobody@example.test', 'nope-nope', rotating(2));
  expect(unknown.status).toBe(wrong.status);
  expect(unknown.body).toEqual(wrong.body);
  for (let i = 1; i < 10; i++) expect((await login('nobody@example.test', 'nope-nope', rotating(i + 2))).status).toBe(401);
  expectTooManyAttempts(await login('nobody@example.test', 'nope-nope', rotating(20)));
});

test('failures across many accounts from one address lock that address for the rest of its minute', async () => {
  const attacker = '192.0.2.66';
  for (let i = 0; i < 30; i++) expect((await login(`guess-${i}@example.test`, 'password123', attacker)).status).toBe(401);
  t.clock.advance(20_000);
  // Even a real account with its right password, from that address.
  const a = await t().createUser();
  const seconds = expectTooManyAttempts(await login(a.email, 'password123', attacker));
  expect(seconds).toBe(40);
  // Another address is not affected, and the account was not charged for the refusal.
  expect((await login(a.email, 'password123', '192.0.2.67')).status).toBe(200);
  t.clock.advance(40_000);
  expect((await login(a.email, 'password123', attacker)).status).toBe(200);
});

test('successful logins do not consume the failure budget', async () => {
  const a = await t().createUser();
  const ip = '203.0.113.9';
  for (let i = 0; i < 9; i++) expect((await login(a.email, `wrong-${i}`, ip)).status).toBe(401);
  for (let i = 0; i < 20; i++) expect((await login(a.email, 'password123', ip)).status).toBe(200);
  // The tenth failure is still answered as one; only then is the account locked.
  expect((await login(a.email, 'wrong-9', ip)).status).toBe(401);
  expectTooManyAttempts(await login(a.email, 'password123', ip));
});

describe('parallel attempts: each reserves its place before the password is verified', () => {
  const retryAfter = (res: request.Response) => (res.status === 429 ? expectTooManyAttempts(res) : undefined);

  test('25 wrong guesses at once for one account: exactly 10 are answered, 15 refused with the seconds to wait', async () => {
    const a = await t().createUser();
    const answers = await Promise.all(Array.from({ length: 25 }, (_, i) => login(a.email, `wrong-${i}`, rotating(i))));
    expect(answers.filter((r) => r.status === 401)).toHaveLength(10);
    const refused = answers.filter((r) => r.status === 429);
    expect(refused).toHaveLength(15);
    for (const r of refused) retryAfter(r);
    // Locked after them, even with the right password; the window ends as it would for sequential guesses.
    const seconds = expectTooManyAttempts(await login(a.email, 'password123', rotating(30)));
    expect(seconds).toBe(ACCOUNT_WINDOW_MS / 1000);
    t.clock.advance(ACCOUNT_WINDOW_MS);
    expect((await login(a.email, 'password123', rotating(31))).status).toBe(200);
  });

  test('60 guesses at once across accounts from one address: exactly 30 are answered', async () => {
    const attacker = '192.0.2.77';
    const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => login(`burst-${i}@example.test`, 'password123', attacker)));
    expect(answers.filter((r) => r.status === 401)).toHaveLength(30);
    expect(answers.filter((r) => r.status === 429)).toHaveLength(30);
  });

  test('thirty agents behind one address sign in at once, twice, typos included, all within a minute', async () => {
    const office = '203.0.113.8';
    const agents = await Promise.all(Array.from({ length: 30 }, () => t().createUser()));
    const started = t.clock.now();
    // Five of them mistype at first, at the same moment as the others sign in.
    const first = await Promise.all(agents.map((a, i) => login(a.email, i % 6 === 0 ? 'pasword123' : 'password123', office)));
    expect(first.map((r) => r.status).sort()).toEqual([...Array(25).fill(200), ...Array(5).fill(401)]);

    /** Everyone signs in at once; whoever is asked to wait, waits as told and tries again. */
    const signInAll = async (who: typeof agents) => {
      let left = who;
      for (let round = 0; left.length > 0; round++) {
        expect(round).toBeLessThan(10);
        const answers = await Promise.all(left.map((a) => login(a.email, 'password123', office)));
        const waits = answers.map(retryAfter).filter((s): s is number => s !== undefined);
        // Only attempts still being verified filled the address's limit: a second is enough.
        expect(waits.every((s) => s === 1)).toBe(true);
        expect(answers.every((r) => r.status === 200 || r.status === 429)).toBe(true);
        left = left.filter((_, i) => answers[i].status !== 200);
        if (waits.length > 0) t.clock.advance(1_000);
      }
    };
    await signInAll(agents.filter((_, i) => i % 6 === 0));
    // The next shift change: all thirty again, with the five failures still in the address's window.
    await signInAll(agents);
    expect(t.clock.now() - started).toBeLessThan(60_000);
  });
});
