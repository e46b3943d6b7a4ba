/**
 * Quality review through the REST API on a real server: crafted transcripts (Chinese and
 * English, routines' texts, a chat nobody took, a chat outside the range, an open one) scored
 * lazily with the lead's rules, the per-agent figures against values computed by hand, leads'
 * reviews, and what an agent may not do or see. On PGlite and on PostgreSQL. Then one chat
 * through real sockets (the greeting and closing routines, a typed answer), a wrap-up that
 * holds the score back until it is filed, and the CSV export.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DEFAULT_SETTINGS } from '../../server/domain/settings';
import { createWrapUpStore } from '../../server/store/sql/wrap-ups';
import type { QualitySettings } from '../../shared/quality';
import { ROUTINE_SUGGESTIONS } from '../../shared/settings';
import { manualClock } from '../helpers/clock';
import { next, ok, onlineAgent, startTestServer, type TestServer } from '../helpers/chat';
import { createTestDatabase } from '../helpers/postgres';
import { insertCrafted as insert, type Crafted, type Who } from '../helpers/quality-data';
import { local, TZ } from '../helpers/report-data';

jest.setTimeout(90_000);

/** The rules for this file (points as the defaults: 10, 10, 20, 15, 30, 10, 20). */
const RULES: QualitySettings = {
  ...DEFAULT_SETTINGS.quality,
  firstResponse: { enabled: true, points: 20, seconds: 30 },
  longestWait: { enabled: true, points: 15, seconds: 60 },
  forbiddenWords: { enabled: true, points: 30, words: ['不知道', 'stupid'] },
};

// Hand-scored with RULES; every chat is on 2026-03-02 in Shanghai unless said otherwise.
const CHATS: Crafted[] = [
  // Everything right: greeting and closing routines, first answer 20 s, longest wait 30 s, 请/谢谢. 100.
  {
    id: 'q1', opened: '2026-03-02T10:00:00', agent: 'ann', category: 'order', closed: [90, 'agent'],
    lines: [[0, 'v', '你好，在吗'], [2, 'greeting', '您好，我是客服Ann'], [20, 'a', '请问有什么可以帮您？'], [40, 'v', '订单没到'], [70, 'a', '已为您加急，谢谢'], [80, 'closing', '感谢您的咨询']],
  },
  // Everything wrong: no greeting (-10), no closing (-10), first answer 45 s (-20), waited 150 s
  // (-15), "stupid" (-30), no courtesy (-10), no category (-20): 115 off, so 0.
  {
    id: 'q2', opened: '2026-03-02T11:00:00', agent: 'ann', closed: [210, 'agent'],
    lines: [[0, 'v', 'hello?'], [45, 'a', 'what'], [50, 'v', 'my parcel is late'], [200, 'a', 'No idea, STUPID courier']],
  },
  // The shopper left unanswered (-20); greeting by phrase, closing not the agent's. 80.
  {
    id: 'q3', opened: '2026-03-02T12:00:00', agent: 'bob', category: 'after_sales', closed: [100, 'visitor'],
    lines: [[0, 'v', 'Hi'], [10, 'a', 'Hello! Please hold on.'], [20, 'v', 'where is my refund?']],
  },
  // Nobody took it: only "unresolved" applies (-20). 80, for no agent.
  { id: 'q4', opened: '2026-03-02T13:00:00', agent: null, closed: [60, 'visitor'], lines: [[0, 'v', '在吗？']] },
  // Outside the range (the 1st).
  { id: 'q5', opened: '2026-03-01T10:00:00', agent: 'ann', category: 'other', closed: [30, 'agent'], lines: [[0, 'v', 'hi'], [5, 'a', 'Hello, thanks for waiting. Bye!']] },
  // Open: never scored.
  { id: 'q6', opened: '2026-03-02T14:00:00', agent: 'bob', lines: [[0, 'v', '在吗'], [5, 'a', '在的，您好']] },
];

const noFailures = { greeting: 0, closing: 0, firstResponse: 0, longestWait: 0, forbiddenWords: 0, courtesy: 0, unresolved: 0 };

describe.each(['pglite', 'postgres'])('on %s', (database) => {
  let t: TestServer;
  let lead: { id: string; token: string };
  const users = {} as Record<Who, { id: string; token: string }>;
  let dropDatabase: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    const pg = database === 'postgres' ? await createTestDatabase() : undefined;
    dropDatabase = pg?.drop;
    t = await startTestServer({ clock: manualClock(local('2026-03-03T15:00:00')), timeZone: () => TZ, databaseUrl: pg?.url });
    lead = await t.createUser({ role: 'lead', name: 'Lead' });
    users.ann = await t.createUser({ name: 'Ann' });
    users.bob = await t.createUser({ name: 'Bob' });
    for (const c of CHATS) await insert(t, users, c);
    // Generous: an embedded database starting on a busy machine.
  }, 180_000);

  afterAll(async () => {
    await t?.close();
    await dropDatabase?.();
  });

  const as = (token: string) => ({ authorization: `Bearer ${token}` });
  const report = (token: string, query: Record<string, string> = {}) =>
    request(t.server.app).get('/api/v1/reports/quality').query({ from: '2026-03-02', to: '2026-03-03', ...query }).set(as(token));
  const findings = (token: string, id: string) => request(t.server.app).get(`/api/v1/quality/conversations/${id}`).set(as(token));
  const review = (token: string, id: string, body: object) => request(t.server.app).put(`/api/v1/quality/conversations/${id}/review`).set(as(token)).send(body);
  const scoredCount = async () => Number((await t.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM conversation_quality')).rows[0].n);

  test('the lead tunes the rules; nothing is scored until a read, then every closed chat is, once', async () => {
    await request(t.server.app).put('/api/v1/settings').set(as(lead.token)).send({ quality: RULES }).expect(200);
    // An agent may not change them, and a bad value is refused.
    expect((await request(t.server.app).put('/api/v1/settings').set(as(users.ann.token)).send({ quality: RULES }).expect(403)).body.error.code).toBe('FORBIDDEN');
    const bad = { ...RULES, firstResponse: { ...RULES.firstResponse, seconds: 0 } };
    expect((await request(t.server.app).put('/api/v1/settings').set(as(lead.token)).send({ quality: bad }).expect(400)).body.error.code).toBe('VALIDATION_FAILED');

    // The closes wrote nothing: scoring is lazy, so a process that died after a close loses nothing.
    expect(await scoredCount()).toBe(0);
    await report(lead.token).expect(200);
    expect(await scoredCount()).toBe(5); // q1–q5; q6 is open
    await report(lead.token).expect(200);
    expect(await scoredCount()).toBe(5);
  });

  test("a transcript's findings: each rule's outcome, the points taken off and the score", async () => {
    const q1 = (await findings(lead.token, 'q1').expect(200)).body;
    expect(q1).toMatchObject({ conversationId: 'q1', agentId: users.ann.id, automatic: { score: 100 }, review: null });
    expect(q1.automatic.findings.map((f: { rule: string; outcome: string }) => [f.rule, f.outcome])).toEqual([
      ['greeting', 'pass'], ['closing', 'pass'], ['firstResponse', 'pass'], ['longestWait', 'pass'], ['forbiddenWords', 'pass'], ['courtesy', 'pass'], ['unresolved', 'pass'],
    ]);
    expect(q1.automatic.findings[0]).toMatchObject({ rule: 'greeting', via: 'routine' });
    expect(q1.automatic.findings[3]).toEqual({ rule: 'longestWait', outcome: 'pass', deducted: 0, seconds: 30, limitSeconds: 60 });

    const q2 = (await findings(lead.token, 'q2').expect(200)).body.automatic;
    expect(q2.score).toBe(0);
    expect(q2.findings.map((f: { rule: string; deducted: number }) => [f.rule, f.deducted])).toEqual([
      ['greeting', 10], ['closing', 10], ['firstResponse', 20], ['longestWait', 15], ['forbiddenWords', 30], ['courtesy', 10], ['unresolved', 20],
    ]);
    expect(q2.findings[4]).toMatchObject({ words: [{ word: 'stupid', count: 1 }] });
    expect(q2.findings[6]).toMatchObject({ reasons: ['no_category'] });

    expect((await findings(lead.token, 'q3').expect(200)).body.automatic).toMatchObject({ score: 80 });
    expect((await findings(lead.token, 'q4').expect(200)).body).toMatchObject({ agentId: null, automatic: { score: 80 } });
    // An open chat has no score yet.
    expect((await findings(lead.token, 'q6').expect(200)).body).toMatchObject({ automatic: null, review: null });
    expect((await findings(lead.token, 'nope').expect(404)).body.error.code).toBe('CONVERSATION_NOT_FOUND');
  });

  test('leads review; agents cannot, and a refused review changes nothing', async () => {
    const saved = await review(lead.token, 'q1', { score: 90, comment: '规范，回复及时' }).expect(200);
    expect(saved.body.review).toMatchObject({ score: 90, comment: '规范，回复及时', reviewerId: lead.id, reviewerName: 'Lead', reviewedAt: local('2026-03-03T15:00:00') });
    await review(lead.token, 'q2', { score: 10, comment: 'first try' }).expect(200);
    // Saving again replaces it.
    expect((await review(lead.token, 'q2', { score: 40 }).expect(200)).body.review).toMatchObject({ score: 40, comment: '' });
    await review(lead.token, 'q3', { score: 70, comment: 'Left unanswered.' }).expect(200);

    // Agents cannot score, not even their own chats.
    expect((await review(users.ann.token, 'q1', { score: 100 }).expect(403)).body.error.code).toBe('FORBIDDEN');
    expect((await review(users.bob.token, 'q3', { score: 100 }).expect(403)).body.error.code).toBe('FORBIDDEN');
    expect((await findings(lead.token, 'q1')).body.review.score).toBe(90);
    // Out of range, unknown fields, an open or a missing chat.
    for (const bad of [{ score: 101 }, { score: -1 }, { score: 5.5 }, { score: '90' }, { score: 90, extra: 1 }, { comment: 'no score' }]) {
      expect((await review(lead.token, 'q1', bad).expect(400)).body.error.code).toBe('VALIDATION_FAILED');
    }
    expect((await review(lead.token, 'q6', { score: 50 }).expect(409)).body.error.code).toBe('CONVERSATION_NOT_CLOSED');
    expect((await review(lead.token, 'nope', { score: 50 }).expect(404)).body.error.code).toBe('CONVERSATION_NOT_FOUND');
    expect((await findings(lead.token, 'q1')).body.review).toMatchObject({ score: 90, comment: '规范，回复及时' });
  });

  test('per agent: every figure equals the hand-computed one', async () => {
    const r = (await report(lead.token).expect(200)).body;
    expect(r).toEqual({
      from: '2026-03-02', to: '2026-03-03', timeZone: TZ, agentId: null, counting: null,
      rows: [
        // "(no agent)" sorts first (empty label), then by name.
        { key: null, label: '', scored: 1, averageScore: 80, failed: { ...noFailures, unresolved: 1 }, reviewed: 0, averageReview: null },
        {
          key: users.ann.id, label: 'Ann', scored: 2, averageScore: 50,
          failed: { greeting: 1, closing: 1, firstResponse: 1, longestWait: 1, forbiddenWords: 1, courtesy: 1, unresolved: 1 },
          reviewed: 2, averageReview: 65,
        },
        { key: users.bob.id, label: 'Bob', scored: 1, averageScore: 80, failed: { ...noFailures, unresolved: 1 }, reviewed: 1, averageReview: 70 },
      ],
      total: {
        key: '', label: '', scored: 4, averageScore: 65,
        failed: { greeting: 1, closing: 1, firstResponse: 1, longestWait: 1, forbiddenWords: 1, courtesy: 1, unresolved: 3 },
        reviewed: 3, averageReview: 200 / 3,
      },
    });
    // One agent's, as a lead may ask; the 1st alone holds q5 only.
    expect((await report(lead.token, { agentId: users.bob.id }).expect(200)).body).toMatchObject({ agentId: users.bob.id, rows: [{ key: users.bob.id }], total: { scored: 1 } });
    expect((await report(lead.token, { from: '2026-03-01', to: '2026-03-01' }).expect(200)).body.total).toMatchObject({ scored: 1, averageScore: 100 });
    expect((await report(lead.token, { from: '2026-03-03', to: '2026-03-02' }).expect(400)).body.error.code).toBe('VALIDATION_FAILED');
  });

  test('an agent sees only their own quality figures and findings', async () => {
    const mine = (await report(users.ann.token).expect(200)).body;
    expect(mine.agentId).toBe(users.ann.id);
    expect(mine.rows.map((r: { key: string }) => r.key)).toEqual([users.ann.id]);
    expect(mine.total).toMatchObject({ scored: 2, averageScore: 50, reviewed: 2, averageReview: 65 });
    expect((await report(users.ann.token, { agentId: users.bob.id }).expect(403)).body.error.code).toBe('FORBIDDEN');
    // Her own chat, with the lead's review; not Bob's, nor the one nobody took.
    expect((await findings(users.ann.token, 'q2').expect(200)).body).toMatchObject({ automatic: { score: 0 }, review: { score: 40 } });
    expect((await findings(users.ann.token, 'q3').expect(404)).body.error.code).toBe('CONVERSATION_NOT_FOUND');
    expect((await findings(users.ann.token, 'q4').expect(404)).body.error.code).toBe('CONVERSATION_NOT_FOUND');
    expect((await request(t.server.app).get('/api/v1/reports/quality').expect(401)).body.error.code).toBe('UNAUTHENTICATED');
  });

  test('a score is kept when the rules change; chats closed later are scored with the new rules; a due wrap-up waits', async () => {
    await request(t.server.app).put('/api/v1/settings').set(as(lead.token)).send({ quality: { ...RULES, courtesy: { ...RULES.courtesy, enabled: false } } }).expect(200);
    // q7: Bob, no courtesy phrase (off now), otherwise fine: 100. q8: waits for its wrap-up.
    await insert(t, users, { id: 'q7', opened: '2026-03-03T09:00:00', agent: 'bob', category: 'order', closed: [60, 'agent'], lines: [[0, 'v', '在吗'], [5, 'a', '您好，在的'], [50, 'a', '已处理，再见']] });
    await insert(t, users, { id: 'q8', opened: '2026-03-03T10:00:00', agent: 'bob', closed: [60, 'visitor'], wrapUpDue: true, lines: [[0, 'v', '在吗'], [5, 'a', '您好，在的']] });
    const r = (await report(lead.token).expect(200)).body;
    expect(r.rows.find((x: { key: string }) => x.key === users.bob.id)).toMatchObject({ scored: 2, averageScore: 90 });
    expect((await findings(lead.token, 'q7').expect(200)).body.automatic.findings.map((f: { rule: string }) => f.rule)).not.toContain('courtesy');
    // q2 keeps the score it was given (its courtesy failure included).
    expect((await findings(lead.token, 'q2').expect(200)).body.automatic.findings.map((f: { rule: string }) => f.rule)).toContain('courtesy');
    expect((await findings(lead.token, 'q8').expect(200)).body.automatic).toBeNull();
    // Filed later (hours after other chats were scored): scored at the next read, with its category.
    await createWrapUpStore({ sql: t.sql }).fileWrapUp('q8', { category: 'inquiry', summary: null }, local('2026-03-03T14:00:00'));
    const bob = (await report(lead.token).expect(200)).body.rows.find((x: { key: string }) => x.key === users.bob.id);
    expect(bob).toMatchObject({ scored: 3, averageScore: 280 / 3, failed: { unresolved: 1 } });
    expect((await findings(lead.token, 'q8').expect(200)).body.automatic.findings.find((f: { rule: string }) => f.rule === 'unresolved')).toMatchObject({ outcome: 'pass' });
  });

  test('the CSV holds exactly the table, in the chosen language', async () => {
    const res = await report(lead.token, { format: 'csv', lang: 'zh-CN', from: '2026-03-02', to: '2026-03-02' }).expect(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toContain('quality-2026-03-02-2026-03-02.csv');
    expect(res.text.split('\r\n')).toEqual([
      '\uFEFF客服,已评分会话,自动评分均值,未通过：问候语,未通过：结束语,未通过：首次响应,未通过：最长等待,未通过：禁用词,未通过：礼貌用语,未通过：未解决,主管已复核,主管评分均值',
      '（无客服）,1,80.0,0,0,0,0,0,0,1,0,',
      'Ann,2,50.0,1,1,1,1,1,1,1,2,65.0',
      'Bob,1,80.0,0,0,0,0,0,0,1,1,70.0',
      '合计,4,65.0,1,1,1,1,1,1,3,3,66.7',
      '',
    ]);
  });
});

describe('a chat through real sockets', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  }, 180_000);
  afterAll(() => t?.close());

  test('the greeting and closing routines, a typed answer: scored from the stored transcript when a lead reads it', async () => {
    const lead = await t.createUser({ role: 'lead' });
    await request(t.server.app)
      .put('/api/v1/settings')
      .set({ authorization: `Bearer ${lead.token}` })
      .send({ routines: { ...DEFAULT_SETTINGS.routines, ...ROUTINE_SUGGESTIONS } })
      .expect(200);
    const ana = await onlineAgent(t, { name: 'Ana' });
    const socket = await t.visitor();
    await ok(socket, 'session:sync', {});
    await ok(socket, 'visitor:context', { language: 'zh-CN', url: 'https://shop.example/' });
    const greeted = next(ana.socket, 'message', (m) => m.auto === true);
    const { conversationId } = await ok(socket, 'message:send', { clientId: randomUUID(), text: '你好，在吗？' });
    await greeted;
    await ok(ana.socket, 'message:send', { conversationId, clientId: randomUUID(), text: '请稍等，正在为您查询，谢谢' });
    await ok(ana.socket, 'conversation:close', { conversationId, category: 'inquiry' });

    const r = await request(t.server.app).get(`/api/v1/quality/conversations/${conversationId}`).set({ authorization: `Bearer ${lead.token}` }).expect(200);
    expect(r.body.automatic.score).toBe(100);
    expect(r.body.automatic.findings.filter((f: { rule: string }) => f.rule === 'greeting' || f.rule === 'closing')).toEqual([
      { rule: 'greeting', outcome: 'pass', deducted: 0, via: 'routine', phrase: null },
      { rule: 'closing', outcome: 'pass', deducted: 0, via: 'routine', phrase: null },
    ]);
    expect(r.body.automatic.findings.find((f: { rule: string }) => f.rule === 'courtesy')).toMatchObject({ outcome: 'pass', phrases: ['请', '谢谢'] });
    // Ana reads her own chat's findings too.
    await request(t.server.app).get(`/api/v1/quality/conversations/${conversationId}`).set({ authorization: `Bearer ${ana.token}` }).expect(200);
  });
});
