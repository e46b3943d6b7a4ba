import { loadConfig } from '../../server/config';

test('defaults describe the embedded mode', () => {
  const c = loadConfig({});
  expect(c).toMatchObject({ port: 3000, dataDir: './data', redisUrl: undefined, databaseUrl: undefined, corsOrigins: [] });
  expect(c.limits).toMatchObject({ maxMessageLength: 4000, agentGraceMs: 30_000, defaultCapacity: 5 });
});

test('environment values are parsed and lists split', () => {
  const c = loadConfig({
    PORT: '8080',
    REDIS_URL: 'redis://127.0.0.1:6380',
    CORS_ORIGINS: 'https://shop.example, https://www.shop.example',
    AGENT_GRACE_SECONDS: '5',
    ADMIN_EMAIL: 'lead@example.com',
    ADMIN_PASSWORD: 'long-enough',
  });
  expect(c.port).toBe(8080);
  expect(c.corsOrigins).toEqual(['https://shop.example', 'https://www.shop.example']);
  expect(c.limits.agentGraceMs).toBe(5000);
  expect(c.admin).toEqual({ email: 'lead@example.com', password: 'long-enough', name: 'Admin' });
});

test('bad values fail with a message naming the variable, and never echo secrets', () => {
  expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
  expect(() => loadConfig({ SECRET: 'short' })).toThrow(/SECRET/);
  expect(() => loadConfig({ SECRET: 'short' })).not.toThrow(/short/);
  expect(() => loadConfig({ ADMIN_EMAIL: 'lead@example.com' })).toThrow(/ADMIN_PASSWORD/);
});

test("the site's time zone is an IANA name", () => {
  expect(loadConfig({ TIME_ZONE: 'Asia/Shanghai' }).timeZone).toBe('Asia/Shanghai');
  expect(loadConfig({}).timeZone).toBeUndefined();
  expect(() => loadConfig({ TIME_ZONE: 'Mars/Olympus' })).toThrow(/TIME_ZONE/);
});

test('METRICS_TOKEN is unset by default and passed through when set; an empty one is refused', () => {
  expect(loadConfig({}).metricsToken).toBeUndefined();
  expect(loadConfig({ METRICS_TOKEN: 'scrape-token' }).metricsToken).toBe('scrape-token');
  expect(() => loadConfig({ METRICS_TOKEN: '' })).toThrow(/METRICS_TOKEN/);
});

test('liveness timings: defaults, values, and a dead-after shorter than two heartbeats refused', () => {
  expect(loadConfig({}).limits).toMatchObject({ heartbeatMs: 2000, processDeadAfterMs: 10_000 });
  expect(loadConfig({ HEARTBEAT_MS: '500', PROCESS_DEAD_AFTER_MS: '3000' }).limits).toMatchObject({ heartbeatMs: 500, processDeadAfterMs: 3000 });
  expect(() => loadConfig({ HEARTBEAT_MS: '2000', PROCESS_DEAD_AFTER_MS: '3000' })).toThrow(/PROCESS_DEAD_AFTER_MS/);
  expect(() => loadConfig({ HEARTBEAT_MS: '10' })).toThrow(/HEARTBEAT_MS/);
});
