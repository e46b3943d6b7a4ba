/**
 * GET /metrics: public by default; with `metricsToken`, only for `Authorization: Bearer <token>`.
 */
import pino from 'pino';
import request from 'supertest';
import { createChatServer, type ChatServer } from '../../server/chat-server';
import { createMemoryPresencePool } from '../../server/store/presence/memory';
import { createMemoryRateLimiter } from '../../server/store/rate-limit';
import { TEST_SECRET } from '../helpers/chat';
import { useTestStore } from '../helpers/suite';

const db = useTestStore();
const METRICS_TOKEN = 'scrape-me-please-0123456789';

/** A server on the shared store, with or without a metrics token; closed after the test. */
const servers: ChatServer[] = [];
function server(metricsToken?: string): ChatServer {
  const s = createChatServer({
    ...db(),
    pool: createMemoryPresencePool({ defaultCapacity: 5 }),
    limiter: createMemoryRateLimiter({}),
    logger: pino({ level: 'silent' }),
    secret: TEST_SECRET,
    metricsToken,
    repairMs: 3_600_000,
  });
  servers.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe('with a metrics token', () => {
  test('no Authorization header is 401 UNAUTHENTICATED', async () => {
    const res = await request(server(METRICS_TOKEN).app).get('/metrics');
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: { code: 'UNAUTHENTICATED', message: expect.any(String) } });
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(res.text).not.toContain('livesupport_');
  });

  test('a wrong token, another scheme or a token with something added is 401', async () => {
    const app = server(METRICS_TOKEN).app;
    for (const header of ['Bearer wrong', `Bearer ${METRICS_TOKEN}x`, `Bearer ${METRICS_TOKEN.slice(0, -1)}`, `Basic ${METRICS_TOKEN}`, METRICS_TOKEN, 'Bearer ']) {
      const res = await request(app).get('/metrics').set('Authorization', header);
      expect([header, res.status, res.body.error?.code]).toEqual([header, 401, 'UNAUTHENTICATED']);
    }
  });

  test('the right token gets the Prometheus text', async () => {
    const res = await request(server(METRICS_TOKEN).app).get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.text).toContain('livesupport_queue_length');
  });

  test('other public routes stay public', async () => {
    const res = await request(server(METRICS_TOKEN).app).get('/healthz');
    expect(res.status).toBe(200);
  });
});

test('without a metrics token /metrics is public', async () => {
  const res = await request(server().app).get('/metrics');
  expect(res.status).toBe(200);
  expect(res.text).toContain('livesupport_queue_length');
});
