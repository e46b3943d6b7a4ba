/**
 * /api/v1/reports: every figure of docs/reports.md against values computed by hand from a fixed,
 * crafted data set (site time zone Asia/Shanghai, UTC+8): several visitor messages in a row, a
 * transfer, a chat crossing local midnight, an unanswered chat, an open chat, ratings, a chat the
 * FAQ solved, a rated chat nobody took, two departments. Then the agent restriction, validation
 * and the CSV export.
 */
import request from 'supertest';
import { manualClock } from '../helpers/clock';
import { ok, startTestServer, type TestServer } from '../helpers/chat';
import { createTestDatabase } from '../helpers/postgres';
import { DEPARTMENTS, insertChat, insertReportData, local, TZ } from '../helpers/report-data';

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
  // (300·2^(30/32), 300·2^(31/32)] = (574.56 s, 587.14 s] and counts as its middle, 580.853 s
  // (docs/reports.md). So the total's p90 (handling 60, 140, 195, 280, 575) is
  // 280 + 0.6 × (580.853 − 280) = 460.51 s and Ann's 195 + 0.8 × (580.853 − 195) = 503.68 s;
  // means stay exact (sums in ms).
  // Closed in the range: c1–c5, c12 (FAQ, self-served), c13 (nobody took it, rated 1), c14 (Bob's,
  // the shopper left unanswered): missed c3, c13, c14. Offered a rating: those an agent held
  // (c1, c2, c4, c5, c14) and c13, rated: 6 of 8 closed; 5 of the 6 rated.
  const TOTAL = {
    key: '', label: '', started: 9, closed: 8, missed: 3, selfServed: 1, faqOffered: 2, faqSolvedRate: 1 / 2, transferred: 1, serviceLevel: 2 / 7,
    queueWait: d(5, 14_000, 10_000, 23_000),
    firstResponse: d(4, 32_500, 32_500, 48_500),
    reaction: d(4, 15_000, 15_000, 20_000),
    reply: d(7, 34_286, 40_000, 54_000),
    handling: d(5, 250_000, 195_000, 460_512),
    rated: 5, averageRating: 3, satisfied: 0.4, ratingOffered: 6, ratingCoverage: 0.75, responseRate: 5 / 6,
    // k1 handled in 10 h, k2 in 30 h; follow-ups of k1, k2 and c5's rating done within 3 days, the left message's open.
    complaints: 2, complaintsHandledIn24h: 0.5, followUps: 4, followUpsDoneIn3Days: 0.75,
  };
  const ANN = () => ({
    key: users.ann.id, label: 'Ann', started: 3, closed: 3, missed: 0, selfServed: 0, faqOffered: 1, faqSolvedRate: 0, transferred: 0, serviceLevel: 2 / 3,
    queueWait: d(3, 13_333, 10_000, 22_000),
    firstResponse: d(3, 26_667, 20_000, 40_000),
    reaction: d(3, 13_333, 10_000, 18_000),
    reply: d(5, 36_000, 40_000, 54_000),
    handling: d(3, 303_333, 195_000, 503_682),
    rated: 3, averageRating: 11 / 3, satisfied: 2 / 3, ratingOffered: 3, ratingCoverage: 1, responseRate: 1,
    complaints: 1, complaintsHandledIn24h: 0, followUps: 3, followUpsDoneIn3Days: 2 / 3,
  });
  // c2 and c14 (queue 10, handling 60, no answer); c6 still open.
  const BOB = () => ({
    key: users.bob.id, label: '=SUM(1,2)', started: 3, closed: 2, missed: 1, selfServed: 0, faqOffered: 0, faqSolvedRate: null, transferred: 1, serviceLevel: 0,
    queueWait: d(2, 15_000, 15_000, 19_000),
    firstResponse: d(1, 50_000, 50_000, 50_000),
    reaction: d(1, 20_000, 20_000, 20_000),
    reply: d(2, 30_000, 30_000, 46_000),
    handling: d(2, 170_000, 170_000, 258_000),
    rated: 1, averageRating: 3, satisfied: 0, ratingOffered: 2, ratingCoverage: 1, responseRate: 0.5,
    complaints: 1, complaintsHandledIn24h: 1, followUps: 1, followUpsDoneIn3Days: 1,
  });
  // c3 (missed), c12 (self-served), c13 (missed, yet rated 1: offered).
  const NO_AGENT = {
    key: null, label: '', started: 3, closed: 3, missed: 2, selfServed: 1, faqOffered: 1, faqSolvedRate: 1, transferred: 0, serviceLevel: 0,
    queueWait: none, firstResponse: none, reaction: none, reply: none, handling: none,
    rated: 1, averageRating: 1, satisfied: 0, ratingOffered: 1, ratingCoverage: 1 / 3, responseRate: 1,
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
      // By hand: the 3rd closes c4 and c5 (first responses 20 s and 45 s, ratings 4 and 2), c12
      // (self-served) and c14 (missed), and opens c5, c6, c12 and c14.
      expect(figures).toMatchObject({ day: '2026-03-03', timeZone: TZ, started: 4, closed: 4, missed: 1, medianFirstResponseMs: 32_500, averageRating: 3, ratings: 2 });
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
      ['2026-03-02', 5, 4, 2],
      ['2026-03-03', 4, 4, 1],
    ]);
    // The 3rd: c4 and c5 closed; c4's reply times (20, 60) and c5's (45).
    expect(r.body.rows[1].reply).toEqual(d(3, 41_667, 45_000, 57_000));
    // Complaints and follow-ups by registration / creation day: k1, f-k1 and f4 on the 2nd; k2, f-k2 and f3 on the 3rd.
    expect(r.body.rows.map((x: { complaints: number; followUps: number; followUpsDoneIn3Days: number }) => [x.complaints, x.followUps, x.followUpsDoneIn3Days])).toEqual([
      [1, 2, 0.5],
      [1, 2, 1],
    ]);
    expect(r.body.total).toEqual(TOTAL);
    // One day only: the 2nd closes c1, c2, c3, c13.
    const one = await get(lead.token, { from: '2026-03-02', to: '2026-03-02', groupBy: 'day' }).expect(200);
    expect(one.body.total).toMatchObject({ started: 5, closed: 4, missed: 2, serviceLevel: 1 / 4, firstResponse: d(2, 32_500, 32_500, 46_500) });
  });

  test('by week (from Monday) and month, by category, and the default range is today', async () => {
    const week = await get(lead.token, { ...range, groupBy: 'week' }).expect(200);
    expect(week.body.rows.map((x: { key: string }) => x.key)).toEqual(['2026-03-02']);
    const month = await get(lead.token, { from: '2026-03-01', to: '2026-03-31', groupBy: 'month' }).expect(200);
    expect(month.body.rows).toHaveLength(1);
    expect(month.body.rows[0]).toMatchObject({ key: '2026-03-01', started: 10, closed: 9 });
    const cat = await get(lead.token, { ...range, groupBy: 'category' }).expect(200);
    expect(cat.body.rows.map((x: { key: string | null; closed: number }) => [x.key, x.closed])).toEqual([
      [null, 4], ['order', 2], ['other', 1], ['product', 1],
    ].sort((a, b) => String(a[0] ?? '').localeCompare(String(b[0] ?? ''))));
    const today = await get(lead.token, {}).expect(200);
    expect(today.body).toMatchObject({ from: '2026-03-03', to: '2026-03-03', groupBy: 'day' });
    expect(today.body.total).toMatchObject({ started: 4, closed: 4 });
  });

  test('the service level threshold is a parameter', async () => {
    const r = await get(lead.token, { ...range, groupBy: 'agent', serviceLevelSeconds: 45 }).expect(200);
    expect(r.body.total.serviceLevel).toBe(3 / 7);
    expect(r.body.serviceLevelSeconds).toBe(45);
  });

  // Sales: c1, c4, c14 closed, c6 open. 售后 (support): c2, c5, c12; the complaints k1 (c2) and k2
  // (c5) and the follow-ups of k1, k2 and c5's rating. None: c3, c13, and the left message's follow-up.
  const NO_DEPARTMENT = {
    key: null, label: '', started: 2, closed: 2, missed: 2, selfServed: 0, faqOffered: 0, faqSolvedRate: null, transferred: 0, serviceLevel: 0,
    queueWait: none, firstResponse: none, reaction: none, reply: none, handling: none,
    rated: 1, averageRating: 1, satisfied: 0, ratingOffered: 1, ratingCoverage: 0.5, responseRate: 1,
    complaints: 0, complaintsHandledIn24h: null, followUps: 1, followUpsDoneIn3Days: 0,
  };
  // Queue 5, 10, 10; first responses 15, 20; reactions 10, 10; replies 15, 40, 20, 60; handling 195, 140, 60.
  const SALES = {
    key: DEPARTMENTS.sales.id, label: 'Sales', started: 4, closed: 3, missed: 1, selfServed: 0, faqOffered: 1, faqSolvedRate: 0, transferred: 0, serviceLevel: 2 / 3,
    queueWait: d(3, 8_333, 10_000, 10_000),
    firstResponse: d(2, 17_500, 17_500, 19_500),
    reaction: d(2, 10_000, 10_000, 10_000),
    reply: d(4, 33_750, 30_000, 54_000),
    handling: d(3, 131_667, 140_000, 184_000),
    rated: 2, averageRating: 4.5, satisfied: 1, ratingOffered: 3, ratingCoverage: 1, responseRate: 2 / 3,
    complaints: 0, complaintsHandledIn24h: null, followUps: 0, followUpsDoneIn3Days: null,
  };
  // Handling 280 and 575 (counted as 580.853): median 280 + 0.5 × 300.853, p90 280 + 0.9 × 300.853.
  const SUPPORT = {
    key: DEPARTMENTS.support.id, label: '售后', started: 3, closed: 3, missed: 0, selfServed: 1, faqOffered: 1, faqSolvedRate: 1, transferred: 1, serviceLevel: 0,
    queueWait: d(2, 22_500, 22_500, 24_500),
    firstResponse: d(2, 47_500, 47_500, 49_500),
    reaction: d(2, 20_000, 20_000, 20_000),
    reply: d(3, 35_000, 45_000, 49_000),
    handling: d(2, 427_500, 430_426, 550_767),
    rated: 2, averageRating: 2.5, satisfied: 0, ratingOffered: 2, ratingCoverage: 2 / 3, responseRate: 1,
    complaints: 2, complaintsHandledIn24h: 0.5, followUps: 3, followUpsDoneIn3Days: 1,
  };

  test("by department: the department a chat closed in, by name; complaints and follow-ups by their chat's department", async () => {
    const r = await get(lead.token, { ...range, groupBy: 'department' }).expect(200);
    expect(r.body).toEqual({
      from: '2026-03-02', to: '2026-03-03', groupBy: 'department', timeZone: TZ, serviceLevelSeconds: 20, agentId: null, counting: null,
      rows: [NO_DEPARTMENT, SALES, SUPPORT],
      total: TOTAL,
    });
    // The same from the monthly roll-ups (the whole of March; c7, on the 4th, is Sales').
    const march = (await get(lead.token, { from: '2026-03-01', to: '2026-03-31', groupBy: 'department' }).expect(200)).body;
    expect(march.rows.map((x: { label: string; closed: number }) => [x.label, x.closed])).toEqual([['', 2], ['Sales', 4], ['售后', 3]]);
  });

  test("an agent's report by department holds only their own chats (counted from their facts)", async () => {
    type Row = { key: string | null; label: string; started: number; closed: number; missed: number; complaints: number; followUps: number };
    const mine = (await get(users.ann.token, { ...range, groupBy: 'department' }).expect(200)).body;
    expect(mine.agentId).toBe(users.ann.id);
    // Ann: c1 and c4 in Sales, c5 in 售后 with its complaint k2 and two follow-ups; the left message's follow-up in none.
    expect(mine.rows.map((x: Row) => [x.key, x.label, x.started, x.closed, x.missed, x.complaints, x.followUps])).toEqual([
      [null, '', 0, 0, 0, 0, 1],
      [DEPARTMENTS.sales.id, 'Sales', 2, 2, 0, 0, 0],
      [DEPARTMENTS.support.id, '售后', 1, 1, 0, 1, 2],
    ]);
    expect(mine.total).toEqual({ ...ANN(), key: '', label: '' });
    // A lead narrowing to Bob: c14 (missed) and c6 (open) in Sales, c2 in 售后.
    const bob = (await get(lead.token, { ...range, groupBy: 'department', agentId: users.bob.id }).expect(200)).body;
    expect(bob.rows.map((x: Row) => [x.label, x.started, x.closed, x.missed])).toEqual([
      ['Sales', 2, 1, 1],
      ['售后', 1, 1, 0],
    ]);
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
    ['a grouping in the wrong case', { groupBy: 'Department' }, 'groupBy'],
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
      'Agent,Started,Closed,Missed,Self-served (FAQ),FAQ offered,FAQ solved,Transferred,Service level,' +
        ['Queue wait', 'First response', 'Reaction', 'Reply', 'Handling'].flatMap((m) => [`${m} mean s`, `${m} median s`, `${m} p90 s`]).join(',') +
        ',Rated,Average rating,Rated 4–5,Rating coverage,Response rate,Complaints,Complaints handled in 24 h,Follow-ups,Follow-ups done in 3 days',
    );
    expect(lines.slice(1)).toEqual([
      '(none),3,3,2,1,1,100.0%,0,0.0%,,,,,,,,,,,,,,,,1,1.00,0.0%,33.3%,100.0%,0,,0,',
      `"'=SUM(1,2)",3,2,1,0,0,,1,0.0%,15.0,15.0,19.0,50.0,50.0,50.0,20.0,20.0,20.0,30.0,30.0,46.0,170.0,170.0,258.0,1,3.00,0.0%,100.0%,50.0%,1,100.0%,1,100.0%`,
      'Ann,3,3,0,0,1,0.0%,0,66.7%,13.3,10.0,22.0,26.7,20.0,40.0,13.3,10.0,18.0,36.0,40.0,54.0,303.3,195.0,503.7,3,3.67,66.7%,100.0%,100.0%,1,0.0%,3,66.7%',
      'Total,9,8,3,1,2,50.0%,1,28.6%,14.0,10.0,23.0,32.5,32.5,48.5,15.0,15.0,20.0,34.3,40.0,54.0,250.0,195.0,460.5,5,3.00,40.0%,75.0%,83.3%,2,50.0%,4,75.0%',
    ]);
    const zh = await get(lead.token, { ...range, groupBy: 'day', format: 'csv', lang: 'zh-CN' }).expect(200);
    const zhHeader = zh.text.replace(/^\uFEFF/, '').split('\r\n')[0];
    expect(zhHeader.startsWith('日期,发起,结束,未接,FAQ 自助解决,FAQ 推荐,FAQ 解决率,转接,服务水平')).toBe(true);
    expect(zhHeader).toContain(',评价覆盖率,评价回复率,');
    expect(zh.text).toContain('合计,9,8,3,1');
    // By department, in Chinese: the department's name as the lead wrote it, "（无）" for none.
    const dep = await get(lead.token, { ...range, groupBy: 'department', format: 'csv', lang: 'zh-CN' }).expect(200);
    const depLines = dep.text.replace(/^\uFEFF/, '').trimEnd().split('\r\n');
    expect(depLines.map((l) => l.split(',').slice(0, 5).join(','))).toEqual(['部门,发起,结束,未接,FAQ 自助解决', '（无）,2,2,2,0', 'Sales,4,3,1,0', '售后,3,3,0,1', '合计,9,8,3,1']);
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

  test('ranges over whole months read the monthly roll-ups, whole weeks the weekly ones, the days around them the daily ones: the same figures', async () => {
    const march = (await get(lead.token, { from: '2026-03-01', to: '2026-03-31', groupBy: 'agent' }).expect(200)).body;
    // Days 15 February, weeks from 16 February, March, weeks from 6 April, no days after.
    const around = (await get(lead.token, { from: '2026-02-15', to: '2026-04-10', groupBy: 'agent' }).expect(200)).body;
    expect(around.rows).toEqual(march.rows);
    expect(around.total).toEqual(march.total);
    // The week of 2 March from its weekly row, and from its days (a range ending mid-week).
    const weeks = (await get(lead.token, { from: '2026-02-23', to: '2026-03-15', groupBy: 'week' }).expect(200)).body;
    const days = (await get(lead.token, { from: '2026-03-01', to: '2026-03-04', groupBy: 'week' }).expect(200)).body;
    expect(weeks.rows).toEqual(days.rows.filter((r: { key: string }) => r.key === '2026-03-02'));
    expect(weeks.rows[0]).toMatchObject({ key: '2026-03-02', closed: march.total.closed });
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

  test('a deleted department\'s chats join "(none)", in the roll-ups and in an agent\'s own report', async () => {
    const day = { from: '2026-03-05', to: '2026-03-05', groupBy: 'department' };
    await t.sql.query(`INSERT INTO departments (id, name, created_at) VALUES ('dep-gone', 'Gone', now())`);
    await insertChat(t.sql, users, {
      id: 'c15', opened: '2026-03-05T09:00:00', agent: 'ann', closed: 100,
      steps: [[0, 'visitor'], [0, 'queued'], [2, 'assigned', 'ann'], [12, 'agent', 'ann']],
    });
    await t.sql.query(`UPDATE conversations SET department_id = 'dep-gone' WHERE id = 'c15'`);
    const groups = (body: { rows: { key: string | null; label: string; closed: number }[] }) => body.rows.map((x) => [x.key, x.label, x.closed]);
    expect(groups((await get(lead.token, day).expect(200)).body)).toEqual([['dep-gone', 'Gone', 1]]);
    expect(groups((await get(users.ann.token, day).expect(200)).body)).toEqual([['dep-gone', 'Gone', 1]]);
    // Its facts and roll-ups keep the id; the conversation loses it (ON DELETE SET NULL).
    await t.sql.query(`DELETE FROM departments WHERE id = 'dep-gone'`);
    expect((await t.sql.query(`SELECT department_id FROM conversations WHERE id = 'c15'`)).rows).toEqual([{ department_id: null }]);
    expect(groups((await get(lead.token, day).expect(200)).body)).toEqual([[null, '', 1]]);
    expect(groups((await get(users.ann.token, day).expect(200)).body)).toEqual([[null, '', 1]]);
  });

  test('another site time zone rebuilds the roll-ups: in UTC the chat crossing Shanghai midnight closes on the 2nd', async () => {
    zone = 'UTC';
    try {
      const r = (await get(lead.token, { ...range, groupBy: 'day' }).expect(200)).body;
      // UTC: c1–c4 close on the 2nd (c4 at 16:01:30), c5 (01:10 UTC on the 3rd) on the 3rd.
      // c13 (05:00 UTC on the 2nd) too; c12 and c14 (03:00 and 04:00 UTC on the 3rd) on the 3rd.
      expect(r.rows.map((x: { key: string; closed: number }) => [x.key, x.closed])).toEqual([['2026-03-02', 5], ['2026-03-03', 3]]);
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
