/**
 * /api/v1/canned-replies: roles, validation, variables, team and personal scopes (privacy),
 * search ranking in English and Chinese, demo data, and a second process seeing writes
 * within its check interval.
 */
import request from 'supertest';
import { DEMO_CANNED_REPLIES, seedDemoCannedReplies } from '../../server/seed';
import { createCannedReplyStore } from '../../server/store/sql/canned-reply-store';
import { unknownVariables } from '../../server/domain/canned-replies';
import { ok, openTestStore, startTestServer, type TestServer } from '../helpers/chat';
import { manualClock } from '../helpers/clock';
import { createTestDatabase } from '../helpers/postgres';
import { useTestServer, useTestStore } from '../helpers/suite';

/** Shared by this file's server and the second process below, so both see one time. */
const clock = manualClock();
const db = useTestStore();
// A fresh install: the demo replies go in once, before the server starts.
beforeAll(async () => {
  expect(await seedDemoCannedReplies(db().sql)).toBe(DEMO_CANNED_REPLIES.length);
  expect(await seedDemoCannedReplies(db().sql)).toBe(0);
});
const t = useTestServer({ store: db, clock, lifetime: 'block' });
let lead: { id: string; token: string };
let agentA: { id: string; token: string };
let agentB: { id: string; token: string };
let visitorToken: string;

const auth = (token: string) => ({ authorization: `Bearer ${token}` });
const api = (server: TestServer = t()) => request(server.server.app);
const search = (token: string, query: Record<string, string | number>, server?: TestServer) =>
  api(server).get('/api/v1/canned-replies').query(query).set(auth(token));
const shortcuts = async (token: string, query: Record<string, string | number>) =>
  (await search(token, query).expect(200)).body.replies.map((r: any) => r.shortcut);

async function create(token: string, body: Record<string, unknown>, status = 201) {
  const res = await api().post('/api/v1/canned-replies').set(auth(token)).send({ language: 'en', title: 'A title', body: 'A body', ...body });
  expect(res.status).toBe(status);
  return res.body;
}

beforeAll(async () => {
  lead = await t().createUser({ role: 'lead' });
  agentA = await t().createUser({ name: 'Amy' });
  agentB = await t().createUser({ name: 'Ben' });
  visitorToken = (await ok(await t().visitor(), 'session:sync', {})).token;
});

describe('roles', () => {
  test('no token is 401 and a visitor token 403 on every route', async () => {
    const routes: [string, string][] = [
      ['get', '/api/v1/canned-replies'],
      ['post', '/api/v1/canned-replies'],
      ['get', '/api/v1/canned-replies/x'],
      ['patch', '/api/v1/canned-replies/x'],
      ['delete', '/api/v1/canned-replies/x'],
      ['delete', '/api/v1/canned-replies/demo'],
    ];
    for (const [m, path] of routes) {
      const r = api() as any;
      expect((await r[m](path).send({}).expect(401)).body.error.code).toBe('UNAUTHENTICATED');
      expect((await (api() as any)[m](path).set(auth(visitorToken)).send({}).expect(403)).body.error.code).toBe('FORBIDDEN');
    }
  });

  test('agents search; only leads write team replies', async () => {
    await search(agentA.token, {}).expect(200);
    const refused = await create(agentA.token, { shortcut: 'agentteam' }, 403);
    expect(refused.error.code).toBe('FORBIDDEN');
    const team = await create(lead.token, { shortcut: 'leadteam', title: 'Team reply' });
    expect(team.reply).toMatchObject({ shortcut: 'leadteam', scope: 'team', ownerId: null, demo: false, tags: [] });
    expect((await api().patch(`/api/v1/canned-replies/${team.reply.id}`).set(auth(agentA.token)).send({ title: 'Mine now' }).expect(403)).body.error.code).toBe('FORBIDDEN');
    expect((await api().delete(`/api/v1/canned-replies/${team.reply.id}`).set(auth(agentA.token)).expect(403)).body.error.code).toBe('FORBIDDEN');
    const edited = await api().patch(`/api/v1/canned-replies/${team.reply.id}`).set(auth(lead.token)).send({ title: 'Team reply v2', tags: ['x'] }).expect(200);
    expect(edited.body.reply).toMatchObject({ title: 'Team reply v2', tags: ['x'], shortcut: 'leadteam' });
    expect(edited.body.reply.updatedAt).toBeGreaterThanOrEqual(edited.body.reply.createdAt);
    await api().delete(`/api/v1/canned-replies/${team.reply.id}`).set(auth(lead.token)).expect(204);
    expect((await api().get(`/api/v1/canned-replies/${team.reply.id}`).set(auth(lead.token)).expect(404)).body.error.code).toBe('CANNED_REPLY_NOT_FOUND');
  });
});

describe('personal replies', () => {
  test('are visible to and editable by their owner only', async () => {
    const mine = await create(agentA.token, { shortcut: 'amysig', title: 'Amy signature', body: 'Best, {agent.name}', scope: 'personal' });
    expect(mine.reply).toMatchObject({ scope: 'personal', ownerId: agentA.id });
    const id = mine.reply.id;

    expect(await shortcuts(agentA.token, { q: 'amysig' })).toEqual(['amysig']);
    expect(await shortcuts(agentB.token, { q: 'amysig' })).toEqual([]);
    expect(await shortcuts(lead.token, { q: 'amysig' })).toEqual([]);
    expect(await shortcuts(agentB.token, { q: 'signature' })).toEqual([]);
    await api().get(`/api/v1/canned-replies/${id}`).set(auth(agentA.token)).expect(200);
    for (const token of [agentB.token, lead.token]) {
      expect((await api().get(`/api/v1/canned-replies/${id}`).set(auth(token)).expect(404)).body.error.code).toBe('CANNED_REPLY_NOT_FOUND');
      expect((await api().patch(`/api/v1/canned-replies/${id}`).set(auth(token)).send({ title: 'x' }).expect(404)).body.error.code).toBe('CANNED_REPLY_NOT_FOUND');
      expect((await api().delete(`/api/v1/canned-replies/${id}`).set(auth(token)).expect(404)).body.error.code).toBe('CANNED_REPLY_NOT_FOUND');
    }
    await api().patch(`/api/v1/canned-replies/${id}`).set(auth(agentA.token)).send({ body: 'Cheers, {agent.name}' }).expect(200);
    await api().delete(`/api/v1/canned-replies/${id}`).set(auth(agentA.token)).expect(204);
    expect(await shortcuts(agentA.token, { q: 'amysig' })).toEqual([]);
  });

  test('shortcuts are unique per scope, case-insensitively', async () => {
    await create(lead.token, { shortcut: 'Shipping' });
    expect((await create(lead.token, { shortcut: 'shipping' }, 409)).error.code).toBe('SHORTCUT_TAKEN');
    // The same shortcut as a team reply, and as another agent's, is fine in a personal scope.
    await create(agentA.token, { shortcut: 'shipping', scope: 'personal' });
    await create(agentB.token, { shortcut: 'SHIPPING', scope: 'personal' });
    expect((await create(agentA.token, { shortcut: 'SHIPping', scope: 'personal' }, 409)).error.code).toBe('SHORTCUT_TAKEN');
    const other = await create(lead.token, { shortcut: 'shipping2' });
    const clash = await api().patch(`/api/v1/canned-replies/${other.reply.id}`).set(auth(lead.token)).send({ shortcut: 'SHIPPING' }).expect(409);
    expect(clash.body.error.code).toBe('SHORTCUT_TAKEN');
    // Amy's own first on a tie, then the team's; Ben's is not hers to see. (Demo bodies mentioning shipping follow.)
    const seen = (await search(agentA.token, { q: 'shipping' }).expect(200)).body.replies.map((r: any) => [r.shortcut, r.scope]);
    expect(seen.slice(0, 3)).toEqual([['shipping', 'personal'], ['Shipping', 'team'], ['shipping2', 'team']]);
    expect(seen.filter((s: string[]) => s[1] === 'personal')).toHaveLength(1);
  });
});

describe('validation', () => {
  test('variables: the three known ones pass, any other {…} is refused with UNKNOWN_VARIABLE', async () => {
    const good = await create(lead.token, { shortcut: 'vars', body: 'Hi {visitor.name}, I am {agent.name}; ref {conversation.id}. A lone { is plain text.' });
    for (const body of ['Your order {order.id}', 'Hi {visitor.email}', 'Hi { visitor.name }', 'Empty {}', 'Case {Visitor.Name}']) {
      const res = await api().post('/api/v1/canned-replies').set(auth(lead.token)).send({ shortcut: 'bad', title: 'x', body, language: 'en' }).expect(400);
      expect(res.body.error.code).toBe('UNKNOWN_VARIABLE');
      expect(res.body.error.message).toContain(body.slice(body.indexOf('{'), body.indexOf('}') + 1));
    }
    const patched = await api().patch(`/api/v1/canned-replies/${good.reply.id}`).set(auth(lead.token)).send({ body: 'Tracking: {tracking.number}' }).expect(400);
    expect(patched.body.error.code).toBe('UNKNOWN_VARIABLE');
    const personal = await api().post('/api/v1/canned-replies').set(auth(agentA.token)).send({ shortcut: 'p', title: 'x', body: '{coupon}', language: 'en', scope: 'personal' }).expect(400);
    expect(personal.body.error.code).toBe('UNKNOWN_VARIABLE');
  });

  test.each([
    ['a shortcut with a space', { shortcut: 'two words' }],
    ['a shortcut starting with /', { shortcut: '/refund' }],
    ['a shortcut over 32 characters', { shortcut: 'x'.repeat(33) }],
    ['an empty title', { shortcut: 'ok1', title: ' ' }],
    ['no body', { shortcut: 'ok2', body: undefined }],
    ['a body over 4000 characters', { shortcut: 'ok3', body: 'x'.repeat(4001) }],
    ['a bad language', { shortcut: 'ok4', language: 'english!' }],
    ['tags not strings', { shortcut: 'ok5', tags: [1] }],
    ['an unknown scope', { shortcut: 'ok6', scope: 'global' }],
    ['an unknown field', { shortcut: 'ok7', demo: true }],
  ])('creating with %s is a validation error', async (_what, body) => {
    expect((await create(lead.token, body, 400)).error.code).toBe('VALIDATION_FAILED');
  });

  test('bad edits and bad search parameters are validation errors', async () => {
    const r = await create(lead.token, { shortcut: 'editme' });
    for (const body of [{}, { scope: 'personal' }, { shortcut: 'has space' }]) {
      const res = await api().patch(`/api/v1/canned-replies/${r.reply.id}`).set(auth(lead.token)).send(body).expect(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
    const queries: Record<string, string | number>[] = [{ limit: 0 }, { limit: 101 }, { offset: -1 }, { language: 'x y' }, { q: 'x'.repeat(101) }, { sort: 'title' }];
    for (const query of queries) {
      expect((await search(agentA.token, query).expect(400)).body.error.code).toBe('VALIDATION_FAILED');
    }
    expect((await api().patch('/api/v1/canned-replies/nope').set(auth(lead.token)).send({ title: 'x' }).expect(404)).body.error.code).toBe('CANNED_REPLY_NOT_FOUND');
  });
});

describe('search', () => {
  test('ranks shortcut prefix, then title, then body; case-insensitive and full-width alike', async () => {
    await create(lead.token, { shortcut: 'zlate', title: 'Late parcel', body: 'We will zrefund the shipping fee.' });
    await create(lead.token, { shortcut: 'zmoney', title: 'Money back: zrefund policy', body: 'See the policy.' });
    await create(lead.token, { shortcut: 'zrefund-partial', title: 'Partial', body: 'Part of it.' });
    await create(lead.token, { shortcut: 'zrefund', title: 'Refund', body: 'Full.' });
    await create(lead.token, { shortcut: 'zpolicy', title: 'Policies', body: 'Nothing here.', tags: ['zrefund'] });
    const expected = ['zrefund', 'zrefund-partial', 'zmoney', 'zpolicy', 'zlate'];
    expect(await shortcuts(agentA.token, { q: 'zref' })).toEqual(expected);
    expect(await shortcuts(agentA.token, { q: 'ZREF' })).toEqual(expected);
    expect(await shortcuts(agentA.token, { q: 'ｚｒｅｆ' })).toEqual(expected);
    expect(await shortcuts(agentA.token, { q: '/zref' })).toEqual(expected);
    const page = await search(agentA.token, { q: 'zref', limit: 2, offset: 1 }).expect(200);
    expect(page.body.replies.map((r: any) => r.shortcut)).toEqual(['zrefund-partial', 'zmoney']);
    expect(page.body.total).toBe(5);
    expect(page.headers['server-timing']).toMatch(/^search;dur=\d+\.\d+$/);
  });

  test('Chinese: a one-character query finds the shortcut 退货 first, then titles, then bodies', async () => {
    await create(lead.token, { shortcut: 'exchange', title: '换货与退货说明', body: 'Exchanges.', language: 'zh-CN' });
    await create(lead.token, { shortcut: 'quality', title: '质量问题', body: '质量问题可以退换，运费由我们承担。', language: 'zh-CN' });
    const found = await shortcuts(agentA.token, { q: '退' });
    // Demo replies 退货 and 退款 start with 退; the title and body matches follow.
    expect(found.slice(0, 2).sort()).toEqual(['退款', '退货']);
    expect(found.indexOf('exchange')).toBeGreaterThan(1);
    expect(found.indexOf('quality')).toBeGreaterThan(found.indexOf('exchange'));
    expect(await shortcuts(agentA.token, { q: '退货' })).toEqual(['退货', 'exchange']);
    expect(await shortcuts(agentA.token, { q: '质量' })).toEqual(['quality']);
  });

  test('language filter: a primary tag matches its regions', async () => {
    const zh = (await search(agentA.token, { language: 'zh', limit: 100 }).expect(200)).body.replies;
    expect(zh.length).toBeGreaterThan(0);
    expect(zh.every((r: any) => r.language.toLowerCase().startsWith('zh'))).toBe(true);
    const zhCN = (await search(agentA.token, { language: 'ZH-cn', limit: 100 }).expect(200)).body.replies;
    expect(zhCN.length).toBe(zh.length);
    const en = await shortcuts(agentA.token, { q: 'refund', language: 'en' });
    expect(en).toContain('refund');
    expect(await shortcuts(agentA.token, { q: '退', language: 'en' })).toEqual([]);
  });

  test('an empty query lists visible replies by shortcut; the default limit is 20', async () => {
    const res = await search(agentA.token, {}).expect(200);
    expect(res.body.replies).toHaveLength(20);
    expect(res.body.total).toBeGreaterThan(20);
    const names = res.body.replies.map((r: any) => r.shortcut.toLowerCase());
    expect(names).toEqual([...names].sort());
  });

  test('another process sees a write within its check interval (one second)', async () => {
    const other = await startTestServer({ store: db(), clock });
    try {
      expect(await shortcuts(agentA.token, { q: 'crossproc' })).toEqual([]);
      expect((await search(agentA.token, { q: 'crossproc' }, other).expect(200)).body.replies).toEqual([]);
      await create(lead.token, { shortcut: 'crossproc' });
      // The writing process sees it at once; the other one after its next check.
      expect(await shortcuts(agentA.token, { q: 'crossproc' })).toEqual(['crossproc']);
      expect((await search(agentA.token, { q: 'crossproc' }, other).expect(200)).body.replies).toEqual([]);
      clock.advance(1000);
      expect((await search(agentA.token, { q: 'crossproc' }, other).expect(200)).body.replies.map((r: any) => r.shortcut)).toEqual(['crossproc']);
    } finally {
      await other.close();
    }
  });
});

describe('demo data', () => {
  test('the seeded replies are marked demo, use only known variables, and a lead removes them in one call', async () => {
    for (const r of DEMO_CANNED_REPLIES) expect(unknownVariables(r.body)).toEqual([]);
    const all = (await search(lead.token, { limit: 100 }).expect(200)).body.replies.filter((r: any) => r.demo);
    expect(all).toHaveLength(DEMO_CANNED_REPLIES.length);
    expect(new Set(all.map((r: any) => r.language))).toEqual(new Set(['en', 'zh-CN']));
    expect((await api().delete('/api/v1/canned-replies/demo').set(auth(agentA.token)).expect(403)).body.error.code).toBe('FORBIDDEN');
    expect((await api().delete('/api/v1/canned-replies/demo').set(auth(lead.token)).expect(200)).body).toEqual({ removed: DEMO_CANNED_REPLIES.length });
    expect((await search(lead.token, { limit: 100 }).expect(200)).body.replies.filter((r: any) => r.demo)).toEqual([]);
    // Not seeded again on the next start.
    expect(await seedDemoCannedReplies(db().sql)).toBe(0);
  });
});

describe('on PostgreSQL, where statements really run concurrently', () => {
  test('several processes seeding at once insert the demo replies once, and writes bump the version', async () => {
    const pg = await createTestDatabase();
    const dbs = await Promise.all([openTestStore(pg.url), openTestStore(pg.url), openTestStore(pg.url)]);
    try {
      const inserted = await Promise.all(dbs.map((d) => seedDemoCannedReplies(d.sql)));
      expect(inserted.reduce((x, y) => x + y, 0)).toBe(DEMO_CANNED_REPLIES.length);
      const store = createCannedReplyStore({ sql: dbs[0].sql });
      const { version, replies } = await store.all();
      expect(replies).toHaveLength(DEMO_CANNED_REPLIES.length);
      expect(version).toBeGreaterThan(0);
      await expect(store.create({ shortcut: 'REFUND', title: 't', body: 'b', language: 'en', tags: [], ownerId: null }, Date.now())).resolves.toEqual({ status: 'shortcut_taken' });
      expect(await store.version()).toBe(version);
      await store.removeDemo();
      expect(await store.version()).toBe(version + 1);
      expect(await seedDemoCannedReplies(dbs[1].sql)).toBe(0);
    } finally {
      for (const d of dbs) {
        await d.store.close();
        await d.sql.close();
      }
      await pg.drop();
    }
  });
});
