/** REST routes in-process with supertest (no listen), on a real PGlite store. */
import request from 'supertest';
import { useTestServer } from '../helpers/suite';

const t = useTestServer({ lifetime: 'block', limits: { loginPerMinute: 15 } });

test('GET /healthz reports the backends', async () => {
  const res = await request(t().server.app).get('/healthz').expect(200);
  expect(res.body).toMatchObject({ status: 'ok', database: 'pglite', presence: 'memory' });
  // helmet headers are on every response.
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(res.headers['x-powered-by']).toBeUndefined();
});

test('GET /metrics serves Prometheus text with the chat metrics', async () => {
  const res = await request(t().server.app).get('/metrics').expect(200);
  expect(res.headers['content-type']).toMatch(/text\/plain/);
  for (const name of [
    'livesupport_queue_length',
    'livesupport_agents_online',
    'livesupport_visitors_connected',
    'livesupport_agents_connected',
    'livesupport_assignment_latency_seconds',
    'livesupport_messages_total',
    'livesupport_reconcile_repairs_total',
  ]) {
    expect(res.text).toContain(name);
  }
});

test('GET / is the demo store with the widget snippet; /server lists the endpoints', async () => {
  const res = await request(t().server.app).get('/').expect(200);
  expect(res.text).toContain('<script src="/widget.js"');
  expect(res.headers['content-security-policy']).toContain("script-src 'self'");
  const server = await request(t().server.app).get('/server').expect(200);
  expect(server.text).toContain('/healthz');
  expect(server.text).toContain('在线客服');
});

test('GET /widget.js is served cross-origin with caching headers', async () => {
  const res = await request(t().server.app).get('/widget.js').expect(200);
  expect(res.headers['content-type']).toMatch(/javascript/);
  expect(res.headers['cache-control']).toBe('public, max-age=300');
  expect(res.headers['cross-origin-resource-policy']).toBe('cross-origin');
  expect(res.headers.etag).toBeTruthy();
  await request(t().server.app).get('/widget.js').set('if-none-match', res.headers.etag).expect(304);
});

describe('login and current user', () => {
  test('a valid login returns a token that /me accepts; the hash never leaves the server', async () => {
    const user = await t().createUser({ name: 'Li Na', role: 'lead', password: 'correct horse' });
    const res = await request(t().server.app)
      .post('/api/v1/auth/login')
      .send({ email: user.email.toUpperCase(), password: 'correct horse' })
      .expect(200);
    expect(res.body.user).toEqual({ id: user.id, email: user.email, name: 'Li Na', role: 'lead', capacity: 5, active: true });
    expect(JSON.stringify(res.body)).not.toMatch(/argon2|password/i);
    const me = await request(t().server.app).get('/api/v1/me').set('authorization', `Bearer ${res.body.token}`).expect(200);
    expect(me.body.user.id).toBe(user.id);
  });

  test('wrong password and unknown email get the same error', async () => {
    const user = await t().createUser();
    const wrong = await request(t().server.app).post('/api/v1/auth/login').send({ email: user.email, password: 'nope-nope' }).expect(401);
    const unknown = await request(t().server.app).post('/api/v1/auth/login').send({ email: 'nobody@example.test', password: 'nope-nope' }).expect(401);
    expect(wrong.body).toEqual({ error: { code: 'INVALID_CREDENTIALS', message: expect.any(String) } });
    expect(unknown.body).toEqual(wrong.body);
  });

  test.each([
    ['a missing password', { email: 'a@example.test' }],
    ['a bad email', { email: 'not-an-email', password: 'x' }],
    ['an unknown field', { email: 'a@example.test', password: 'x', role: 'lead' }],
  ])('login with %s is a validation error', async (_what, body) => {
    const res = await request(t().server.app).post('/api/v1/auth/login').send(body).expect(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
  });

  test('malformed JSON and oversize bodies are validation errors', async () => {
    const bad = await request(t().server.app).post('/api/v1/auth/login').set('content-type', 'application/json').send('{"email":').expect(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    const big = await request(t().server.app).post('/api/v1/auth/login').send({ email: 'a@example.test', password: 'x'.repeat(100_000) }).expect(413);
    expect(big.body.error.code).toBe('VALIDATION_FAILED');
  });

  test('/me without a token, with a visitor token, with a forged one', async () => {
    expect((await request(t().server.app).get('/api/v1/me').expect(401)).body.error.code).toBe('UNAUTHENTICATED');
    expect((await request(t().server.app).get('/api/v1/me').set('authorization', 'Bearer v1.x.y').expect(401)).body.error.code).toBe('TOKEN_INVALID');
  });

  test('unknown API routes answer a JSON 404', async () => {
    const res = await request(t().server.app).get('/api/v1/nothing').expect(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
  });

  test('login attempts are rate limited per IP', async () => {
    const codes = [];
    for (let i = 0; i < 16; i++) {
      codes.push((await request(t().server.app).post('/api/v1/auth/login').send({ email: 'x@example.test', password: 'whatever' })).status);
    }
    expect(codes).toContain(429);
  });
});
