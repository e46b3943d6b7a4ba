/**
 * /api/v1/reports: every figure of docs/reports.md against values computed by hand from a fixed,
 * crafted data set (site time zone Asia/Shanghai, UTC+8): several visitor messages in a row, a
 * transfer, a chat crossing local midnight, an unanswered chat, an open chat, ratings. Then the
 * agent restriction, validation and the CSV export.
 */
import request from 'supertest';
import { manualClock } from '../helpers/clock';
import { ok, startTestServer, type TestServer } from '../helpers/chat';
import { createTestDatabase } from '../helpers/postgres';
import { insertChat, insertReportData, local, TZ } from '../helpers/report-data';

// The same figures on PGlite and on a fresh PostgreSQL database.
describe.each(['pglite', 'postgres'])('on %s', (database) => {
  let t: TestServer;
  let lead: { id: string; token: string };
  const users: Record<'ann' | 'bob', { id: string; token: string }> = {} as never;

  let dropDatabase: (() => Promise<void>) | undefined;
  /** The site's time zone, as the settings would give it. */
  let zone = TZ;

  beforeAll(async () => {
    const pg = database === 'postgres' ? await createTestDatabase() : undefined;
    dropDatabase = pg?.drop;
    // "Today" is 2026-03-03 in Shanghai.
    t = await startTestServer({ clock: manualClock(local('2026-03-03T15:00:00')), timeZone: () => zone, databaseUrl: pg?.url });
    lead = await t.createUser({ role: 'lead', name: 'Lead' });
    users.ann = await t.createUser({ name: 'Ann' });
    // A name a spreadsheet would run as a formula: the CSV must defuse it.
    users.bob = await t.createUser({ name: '=SUM(1,2)' });
    await insertReportData(t.sql, users);
  }, 180_000);

  afterAll(async () => {
    await t?.close();
    await dropDatabase?.();
  });

  const get = (token: string, query: Record<string, string | number>) =>
    request(t.server.app).get('/api/v1/reports').query(query).set({ authorization: `Bearer ${token}` });
  const range = { from: '2026-03-02', to: '2026-03-03' };
  const d = (count: number, meanMs: number | null, medianMs: number | null, p90Ms: number | null) => ({ count, meanMs, medianMs, p90Ms });
  const none = d(0, null, null, null);

  // Handling of c5 is 575 s, above the 300 s counted in whole seconds: it lies in the bucket
  // (300·2^(30/32), 300·2^(31/32)] = (574.56 s, 587.14 s] and counts as its middle, 580.85 s
  // (docs/reports.md). So the total's p90 is 280 + 0.7 × (580.85 − 280) = 490.60 s and Ann's
  // 195 + 0.8 × (580.85 − 195) = 503.68 s; means stay exact (sums in ms).
  const TOTAL = {
    key: '', label: '', started: 6, closed: 5, missed: 1, transferred: 1, serviceLevel: 2 / 5,
    queueWait: d(4, 15_000, 15_000, 23_500),
    firstResponse: d(4, 32_500, 32_500, 48_500),
    reaction: d(4, 15_000, 15_000, 20_000),
    reply: d(7, 34_286, 40_000, 54_000),
    handling: d(4, 297_500, 237_500, 490_597),
    rated: 4, averageRating: 3.5, satisfied: 0.5, ratingCoverage: 0.8,
    // k1 handled in 10 h, k2 in 30 h; follow-ups of k1, k2 and c5's rating done within 3 days, the left message's open.
    complaints: 2, complaintsHandledIn24h: 0.5, followUps: 4, followUpsDoneIn3Days: 0.75,
  };
  const ANN = () => ({
    key: users.ann.id, label: 'Ann', started: 3, closed: 3, missed: 0, transferred: 0, serviceLevel: 2 / 3,
    queueWait: d(3, 13_333, 10_000, 22_000),
    firstResponse: d(3, 26_667, 20_000, 40_000),
    reaction: d(3, 13_333, 10_000, 18_000),
    reply: d(5, 36_000, 40_000, 54_000),
    handling: d(3, 303_333, 195_000, 503_682),
    rated: 3, averageRating: 11 / 3, satisfied: 2 / 3, ratingCoverage: 1,
    complaints: 1, complaintsHandledIn24h: 0, followUps: 3, followUpsDoneIn3Days: 2 / 3,
  });
  const BOB = () => ({
    key: users.bob.id, label: '=SUM(1,2)', started: 2, closed: 1, missed: 0, transferred: 1, serviceLevel: 0,
    queueWait: d(1, 20_000, 20_000, 20_000),
    firstResponse: d(1, 50_000, 50_000, 50_000),
    reaction: d(1, 20_000, 20_000, 20_000),
    reply: d(2, 30_000, 30_000, 46_000),
    handling: d(1, 280_000, 280_000, 280_000),
    rated: 1, averageRating: 3, satisfied: 0, ratingCoverage: 1,
    complaints: 1, complaintsHandledIn24h: 1, followUps: 1, followUpsDoneIn3Days: 1,
  });
  const NO_AGENT = {
    key: null, label: '', started: 1, closed: 1, missed: 1, transferred: 0, serviceLevel: 0,
    queueWait: none, firstResponse: none, reaction: none, reply: none, handling: none,
    rated: 0, averageRating: null, satisfied: null, ratingCoverage: 0,
    complaints: 0, complaintsHandledIn24h: null, followUps: 0, followUpsDoneIn3Days: null,
  };

  test('by agent: every figure equals the hand-computed one, and the total too', async () => {
    const r = await get(lead.token, { ...range, groupBy: 'agent' }).expect(200);
    expect(r.body).toEqual({
      from: '2026-03-02', to: '2026-03-03', groupBy: 'agent', timeZone: TZ, serviceLevelSeconds: 20, agentId: null, counting: null,
      rows: [NO_AGENT, BOB(), ANN()].sort((a, b) => a.label.localeCompare(b.label) || (a.key ?? '').localeCompare(b.key ?? '')),
      total: TOTAL,
    });
    // Read again: the facts were written once and read back the same.
    expect((await get(lead.token, { ...range, groupBy: 'agent' }).expect(200)).body.total).toEqual(TOTAL);
  });

  test("the floor's figures for today are the report's for today (one definition)", async () => {
    const socket = await t.agent(lead.token);
    try {
      const { figures } = await ok(socket, 'floor:watch', {});
      const report = (await get(lead.token, {}).expect(200)).body;
      expect(report.from).toBe('2026-03-03');
      // By hand: the 3rd closes c4 and c5 (first responses 20 s and 45 s, ratings 4 and 2) and opens c5 and c6.
      expect(figures).toMatchObject({ day: '2026-03-03', timeZone: TZ, started: 2, closed: 2, missed: 0, medianFirstResponseMs: 32_500, averageRating: 3, ratings: 2 });
      const t0 = report.total;
      expect(figures).toMatchObject({
        started: t0.started, closed: t0.closed, missed: t0.missed, medianFirstResponseMs: t0.firstResponse.medianMs, averageRating: t0.averageRating, ratings: t0.rated,
      });
    } finally {
      socket.disconnect();
    }
  });

  test('by day in the site time zone: the chat crossing midnight starts on the 2nd and closes on the 3rd', async () => {
    const r = await get(lead.token, { ...range, groupBy: 'day' }).expect(200);
    const days = r.body.rows.map((x: { key: string; started: number; closed: number; missed: number }) => [x.key, x.started, x.closed, x.missed]);
    expect(days).toEqual([
      ['2026-03-02', 4, 3, 1],
      ['2026-03-03', 2, 2, 0],
    ]);
    // The 3rd: c4 and c5 closed; c4's reply times (20, 60) and c5's (45).
    expect(r.body.rows[1].reply).toEqual(d(3, 41_667, 45_000, 57_000));
    // Complaints and follow-ups by registration / creation day: k1, f-k1 and f4 on the 2nd; k2, f-k2 and f3 on the 3rd.
    expect(r.body.rows.map((x: { complaints: number; followUps: number; followUpsDoneIn3Days: number }) => [x.complaints, x.followUps, x.followUpsDoneIn3Days])).toEqual([
      [1, 2, 0.5],
      [1, 2, 1],
    ]);
    expect(r.body.total).toEqual(TOTAL);
    // One day only: the 2nd closes c1, c2, c3.
    const one = await get(lead.token, { from: '2026-03-02', to: '2026-03-02', groupBy: 'day' }).expect(200);
    expect(one.body.total).toMatchObject({ started: 4, closed: 3, missed: 1, serviceLevel: 1 / 3, firstResponse: d(2, 32_500, 32_500, 46_500) });
  });

  test('by week (from Monday) and month, by category, and the default range is today', async () => {
    const week = await get(lead.token, { ...range, groupBy: 'week' }).expect(200);
    expect(week.body.rows.map((x: { key: string }) => x.key)).toEqual(['2026-03-02']);
    const month = await get(lead.token, { from: '2026-03-01', to: '2026-03-31', groupBy: 'month' }).expect(200);
    expect(month.body.rows).toHaveLength(1);
    expect(month.body.rows[0]).toMatchObject({ key: '2026-03-01', started: 7, closed: 6 });
    const cat = await get(lead.token, { ...range, groupBy: 'category' }).expect(200);
    expect(cat.body.rows.map((x: { key: string | null; closed: number }) => [x.key, x.closed])).toEqual([
      [null, 1], ['order', 2], ['other', 1], ['product', 1],
    ].sort((a, b) => String(a[0] ?? '').localeCompare(String(b[0] ?? ''))));
    const today = await get(lead.token, {}).expect(200);
    expect(today.body).toMatchObject({ from: '2026-03-03', to: '2026-03-03', groupBy: 'day' });
    expect(today.body.total).toMatchObject({ started: 2, closed: 2 });
  });

  test('the service level threshold is a parameter', async () => {
    const r = await get(lead.token, { ...range, groupBy: 'agent', serviceLevelSeconds: 45 }).expect(200);
    expect(r.body.total.serviceLevel).toBe(3 / 5);
    expect(r.body.serviceLevelSeconds).toBe(45);
  });

  test('an agent sees only their own chats, whatever the grouping; naming another agent is FORBIDDEN', async () => {
    const mine = await get(users.ann.token, { ...range, groupBy: 'agent' }).expect(200);
    expect(mine.body.agentId).toBe(users.ann.id);
    expect(mine.body.rows).toEqual([ANN()]);
    expect(mine.body.total).toEqual({ ...ANN(), key: '', label: '' });
    const byDay = await get(users.ann.token, { ...range, groupBy: 'day' }).expect(200);
    expect(byDay.body.total.closed).toBe(3);
    expect((await get(users.ann.token, { ...range, agentId: users.bob.id }).expect(403)).body.error.code).toBe('FORBIDDEN');
    expect((await get(users.ann.token, { ...range, agentId: users.ann.id }).expect(200)).body.total.closed).toBe(3);
    // A lead may narrow to anyone.
    const bob = await get(lead.token, { ...range, groupBy: 'agent', agentId: users.bob.id }).expect(200);
    expect(bob.body.rows).toEqual([BOB()]);
    expect((await request(t.server.app).get('/api/v1/reports').expect(401)).body.error.code).toBe('UNAUTHENTICATED');
  });

  test.each([
    ['an unknown grouping', { groupBy: 'visitor' }, 'groupBy'],
    ['a date that is not one', { from: '2026-02-30' }, 'from'],
    ['to before from', { from: '2026-03-03', to: '2026-03-02' }, 'to'],
    ['a range over 400 days', { from: '2025-01-01', to: '2026-03-03' }, 'to'],
    ['a service level of 0', { serviceLevelSeconds: 0 }, 'serviceLevelSeconds'],
    ['a service level over 300 s (beyond whole seconds)', { serviceLevelSeconds: 301 }, 'serviceLevelSeconds'],
    ['an unknown parameter', { colour: 'red' }, ''],
    ['an unknown format', { format: 'xlsx' }, 'format'],
  ])('refused with VALIDATION_FAILED: %s', async (_what, query, field) => {
    const r = await get(lead.token, query).expect(400);
    expect(r.body.error.code).toBe('VALIDATION_FAILED');
    expect(r.body.error.message.startsWith(field)).toBe(true);
  });

  test('CSV: exactly the table, UTF-8 with BOM, formula-like cells defused, headers in the asked language', async () => {
    const r = await get(lead.token, { ...range, groupBy: 'agent', format: 'csv' }).buffer(true).parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    }).expect(200);
    expect(r.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(r.headers['content-disposition']).toContain('report-2026-03-02-2026-03-03-agent.csv');
    const bytes = r.body as Buffer;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.toString('utf8').slice(1).split('\r\n');
    expect(lines.pop()).toBe('');
    expect(lines[0]).toBe(
      'Agent,Started,Closed,Missed,Transferred,Service level,' +
        ['Queue wait', 'First response', 'Reaction', 'Reply', 'Handling'].flatMap((m) => [`${m} mean s`, `${m} median s`, `${m} p90 s`]).join(',') +
        ',Rated,Average rating,Rated 4–5,Rating coverage,Complaints,Complaints handled in 24 h,Follow-ups,Follow-ups done in 3 days',
    );
    expect(lines.slice(1)).toEqual([
      '(none),1,1,1,0,0.0%,,,,,,,,,,,,,,,,0,,,0.0%,0,,0,',
      `"'=SUM(1,2)",2,1,0,1,0.0%,20.0,20.0,20.0,50.0,50.0,50.0,20.0,20.0,20.0,30.0,30.0,46.0,280.0,280.0,280.0,1,3.00,0.0%,100.0%,1,100.0%,1,100.0%`,
      'Ann,3,3,0,0,66.7%,13.3,10.0,22.0,26.7,20.0,40.0,13.3,10.0,18.0,36.0,40.0,54.0,303.3,195.0,503.7,3,3.67,66.7%,100.0%,1,0.0%,3,66.7%',
      'Total,6,5,1,1,40.0%,15.0,15.0,23.5,32.5,32.5,48.5,15.0,15.0,20.0,34.3,40.0,54.0,297.5,237.5,490.6,4,3.50,50.0%,80.0%,2,50.0%,4,75.0%',
    ]);
    const zh = await get(lead.token, { ...range, groupBy: 'day', format: 'csv', lang: 'zh-CN' }).expect(200);
    expect(zh.text.replace(/^\uFEFF/, '').split('\r\n')[0].startsWith('日期,发起,结束,未接,转接,服务水平')).toBe(true);
    expect(zh.text).toContain('合计,6,5,1');
  });

  test('chats closed after a report was read are counted by the next one (facts are filled incrementally)', async () => {
    const days = { from: '2026-03-02', to: '2026-03-04', groupBy: 'day' };
    const before = (await get(lead.token, days).expect(200)).body;
    const chat = (id: string, opened: string) => ({
      id, opened, agent: 'ann' as const, category: 'order', closed: 300,
      steps: [[0, 'visitor'], [0, 'queued'], [2, 'assigned', 'ann'], [12, 'agent', 'ann']] as never,
    });
    // Closed at 12:05 on the 4th, after every close read so far.
    await insertChat(t.sql, users, chat('c8', '2026-03-04T12:00:00'));
    const after = (await get(lead.token, days).expect(200)).body;
    expect(after.total.closed).toBe(before.total.closed + 1);
    expect(after.rows[2]).toMatchObject({ key: '2026-03-04', started: 2, closed: 2 });
    // Closed at 11:55, before c8, but stored after c8 was read (another process, late commit):
    // within the 15-minute margin, so still picked up.
    await insertChat(t.sql, users, chat('c9', '2026-03-04T11:50:00'));
    const late = (await get(lead.token, days).expect(200)).body;
    expect(late.rows[2]).toMatchObject({ key: '2026-03-04', started: 3, closed: 3 });
    expect(late.total.firstResponse.count).toBe(before.total.firstResponse.count + 2);
  });

  test('ranges over whole months read the monthly roll-ups, the days around them the daily ones: the same figures', async () => {
    const march = (await get(lead.token, { from: '2026-03-01', to: '2026-03-31', groupBy: 'agent' }).expect(200)).body;
    const around = (await get(lead.token, { from: '2026-02-15', to: '2026-04-10', groupBy: 'agent' }).expect(200)).body;
    expect(around.rows).toEqual(march.rows);
    expect(around.total).toEqual(march.total);
    // Narrowed to Ann (counted from her facts, not the roll-ups): her row of the roll-ups.
    const ann = (await get(lead.token, { from: '2026-02-15', to: '2026-04-10', groupBy: 'agent', agentId: users.ann.id }).expect(200)).body;
    expect(ann.rows).toEqual(march.rows.filter((r: { key: string }) => r.key === users.ann.id));
  });

  test('a rating given or changed after a report read counts in the next one', async () => {
    const one = { from: '2026-03-04', to: '2026-03-04', groupBy: 'day' };
    const before = (await get(lead.token, one).expect(200)).body.total;
    await t.sql.query(`INSERT INTO ratings (conversation_id, visitor_id, score, created_at) VALUES ('c7', 'v-c7', 2, now())`);
    // Inserted behind the store's back: no mark, so the roll-ups still hold what they counted.
    expect((await get(lead.token, one).expect(200)).body.total.rated).toBe(before.rated);
    // As the store records ratings (store/sql/ratings.ts): the rating and its mark in one statement.
    await t.store.upsertRating({ conversationId: 'c7', visitorId: 'v-c7', score: 5, comment: null, at: local('2026-03-04T10:06:00') });
    expect((await get(lead.token, one).expect(200)).body.total).toMatchObject({ rated: before.rated + 1, averageRating: 5, satisfied: 1 });
    await t.store.upsertRating({ conversationId: 'c7', visitorId: 'v-c7', score: 1, comment: null, at: local('2026-03-04T10:07:00') });
    expect((await get(lead.token, one).expect(200)).body.total).toMatchObject({ rated: before.rated + 1, averageRating: 1, satisfied: 0 });
  });

  test('another site time zone rebuilds the roll-ups: in UTC the chat crossing Shanghai midnight closes on the 2nd', async () => {
    zone = 'UTC';
    try {
      const r = (await get(lead.token, { ...range, groupBy: 'day' }).expect(200)).body;
      // UTC: c1–c4 close on the 2nd (c4 at 16:01:30), c5 (01:10 UTC on the 3rd) on the 3rd.
      expect(r.rows.map((x: { key: string; closed: number }) => [x.key, x.closed])).toEqual([['2026-03-02', 4], ['2026-03-03', 1]]);
    } finally {
      zone = TZ;
    }
    expect((await get(lead.token, { ...range, groupBy: 'agent' }).expect(200)).body.total).toEqual(TOTAL);
  });

  test('reports are rate-limited per user (RATE_LIMITED past 60 a minute), others unaffected', async () => {
    // Bob has asked for none yet; the manual clock keeps every request in one window.
    for (let i = 0; i < 60; i++) await get(users.bob.token, {}).expect(200);
    expect((await get(users.bob.token, {}).expect(429)).body.error.code).toBe('RATE_LIMITED');
    await get(users.ann.token, {}).expect(200);
  });
});
