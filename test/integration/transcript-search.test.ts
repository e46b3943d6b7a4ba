/**
 * /api/v1/transcripts: search by a Chinese phrase and an English word, by visitor, agent,
 * category, rating, status and date range; cursor pages; the CSV and JSON exports hold every
 * match (more than a page and more than one chunk of the streamed read), with formula
 * injection escaped and a BOM for Excel, categories by the lead's names in the export's
 * language; an agent finds only what they handled.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { CloseCategory } from '../../shared/protocol';
import type { TranscriptExportRow, TranscriptRowView } from '../../shared/rest';
import { BUILT_IN_CATEGORIES } from '../../shared/settings';
import { EXPORT_CHUNK } from '../../server/domain/transcript-search';
import { chattingVisitor, ok, onlineAgent } from '../helpers/chat';
import { useTestServer } from '../helpers/suite';

const t = useTestServer({ lifetime: 'block' });
type Agent = Awaited<ReturnType<typeof onlineAgent>>;
let lead: { id: string; token: string };
let a: Agent;
let b: Agent;
/**
 * en: English, closed by A as a complaint, rated 5. zh: Chinese, closed by B as after-sales,
 * rated 2 with a comment that looks like a formula. live: open with A.
 */
const v = {} as Record<'en' | 'zh' | 'live', Awaited<ReturnType<typeof chattingVisitor>>>;

/** Closed conversations written straight to the database, all by A, on 2020-01-01. */
const BULK = EXPORT_CHUNK * 2 + 100;
const BULK_DAY = { from: '2020-01-01', to: '2020-01-02' };

const auth = (token: string) => ({ authorization: `Bearer ${token}` });
const api = () => request(t().server.app);
const search = (token: string, query: Record<string, string | number> = {}) =>
  api().get('/api/v1/transcripts').query({ limit: 100, ...query }).set(auth(token));
const ids = async (token: string, query: Record<string, string | number>) =>
  ((await search(token, query).expect(200)).body.transcripts as TranscriptRowView[]).map((r) => r.id);
const exported = (token: string, query: Record<string, string>) =>
  api().get('/api/v1/transcripts/export').query(query).set(auth(token)).buffer(true).parse((res, done) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => done(null, Buffer.concat(chunks).toString('utf8')));
  });

/** RFC 4180 rows (quoted fields, doubled quotes, CRLF). */
function parseCsv(s: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (quoted) {
      if (ch === '"' && s[i + 1] === '"') (cell += '"'), i++;
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') row.push(cell), (cell = '');
    else if (ch === '\r' && s[i + 1] === '\n') row.push(cell), rows.push(row), (row = []), (cell = ''), i++;
    else cell += ch;
  }
  return rows;
}

/** A visitor's chat with `agent` (the only one online), answered, filed, closed and rated. */
async function closedChat(
  agent: Agent,
  o: { text: string; profile: { name: string; email: string }; reply: string; filing: { category: CloseCategory; summary: string }; rating: { score: number; comment: string } },
) {
  const visitor = await chattingVisitor(t(), o.text);
  const conversationId = visitor.conversationId;
  await ok(visitor.socket, 'visitor:profile', o.profile);
  await ok(agent.socket, 'message:send', { conversationId, clientId: randomUUID(), text: o.reply });
  await ok(agent.socket, 'conversation:close', { conversationId, ...o.filing });
  await ok(visitor.socket, 'conversation:rate', { conversationId, ...o.rating });
  return visitor;
}

beforeAll(async () => {
  lead = await t().createUser({ role: 'lead', name: 'Lena' });
  a = await onlineAgent(t(), { name: 'Arun' });
  b = await onlineAgent(t(), { name: 'Bea' });
  await ok(b.socket, 'agent:status', { status: 'away' });

  v.en = await closedChat(a, {
    text: 'Hello, I need a REFUND for order 42',
    profile: { name: 'Mia', email: 'mia@example.test' },
    reply: 'Sure, let me check.',
    filing: { category: 'complaint', summary: 'Refund issued' },
    rating: { score: 5, comment: 'great, thanks' },
  });
  await ok(a.socket, 'agent:status', { status: 'away' });
  await ok(b.socket, 'agent:status', { status: 'online' });
  v.zh = await closedChat(b, {
    text: '收到的商品有质量问题，我想退货可以吗？',
    profile: { name: '@SUM(1+1)', email: 'wang@example.cn' },
    reply: '可以的，请提供订单号。',
    filing: { category: 'after_sales', summary: '-退货,已处理 "A"' },
    rating: { score: 2, comment: '=HYPERLINK("http://evil.example","x")' },
  });

  await ok(b.socket, 'agent:status', { status: 'away' });
  await ok(a.socket, 'agent:status', { status: 'online' });
  v.live = await chattingVisitor(t(), 'Where is my parcel?');

  // Many more rows than a page and than one export chunk, in one statement each.
  const base = Date.parse('2020-01-01T00:00:00Z');
  await t().sql.query(
    `INSERT INTO conversations (id, visitor_id, agent_id, status, opened_at, first_response_at, closed_at, closed_by, closed_by_id, close_category, last_seq)
     SELECT 'bulk-' || g, 'bulk-visitor-' || g, $1::text, 'closed', to_timestamp(($2::float8 + g * 1000) / 1000),
       to_timestamp(($2::float8 + g * 1000 + 30000) / 1000), to_timestamp(($2::float8 + g * 1000 + 600000) / 1000), 'agent', $1::text, 'order', 1
     FROM generate_series(1, $3::int) g`,
    [a.id, base, BULK],
  );
  await t().sql.query(
    `INSERT INTO messages (conversation_id, seq, author_kind, author_id, kind, body, created_at)
     SELECT 'bulk-' || g, 1, 'visitor', 'bulk-visitor-' || g, 'text', 'bulk question number ' || g, to_timestamp(($1::float8 + g * 1000) / 1000)
     FROM generate_series(1, $2::int) g`,
    [base, BULK],
  );
}, 90_000);

describe('search', () => {
  test('by a Chinese phrase and by an English word, case-insensitively', async () => {
    expect(await ids(lead.token, { q: '质量问题' })).toEqual([v.zh.conversationId]);
    expect(await ids(lead.token, { q: '订单号' })).toEqual([v.zh.conversationId]);
    expect(await ids(lead.token, { q: 'refund' })).toEqual([v.en.conversationId]);
    expect(await ids(lead.token, { q: 'PARCEL' })).toEqual([v.live.conversationId]);
    expect(await ids(lead.token, { q: '没有这句话' })).toEqual([]);
  });

  test('by visitor name or email, agent, category, rating, status and date range', async () => {
    expect(await ids(lead.token, { visitor: 'MIA@example' })).toEqual([v.en.conversationId]);
    expect(await ids(lead.token, { visitor: '@sum' })).toEqual([v.zh.conversationId]);
    const byB = await ids(lead.token, { agentId: b.id });
    expect(byB).toContain(v.zh.conversationId);
    expect(byB).not.toContain(v.en.conversationId);
    expect(await ids(lead.token, { category: 'after_sales' })).toEqual([v.zh.conversationId]);
    expect(await ids(lead.token, { category: 'complaint' })).toEqual([v.en.conversationId]);
    expect(await ids(lead.token, { rating: 5 })).toEqual([v.en.conversationId]);
    expect(await ids(lead.token, { rating: 2 })).toEqual([v.zh.conversationId]);
    expect(await ids(lead.token, { status: 'live' })).toEqual([v.live.conversationId]);
    const today = new Date().toISOString().slice(0, 10);
    const recent = await ids(lead.token, { from: today, status: 'closed' });
    expect(recent.sort()).toEqual([v.en.conversationId, v.zh.conversationId].sort());
    // Filters combine.
    expect(await ids(lead.token, { q: 'bulk question number 99', ...BULK_DAY, rating: 5 })).toEqual([]);
    const n99 = ['bulk-99', ...Array.from({ length: 10 }, (_, i) => `bulk-${990 + i}`)].reverse();
    expect(await ids(lead.token, { q: 'bulk question number 99', ...BULK_DAY })).toEqual(n99);
  });

  test('a row carries its agent, times, first response, handling time, category, rating and comment', async () => {
    const [row] = (await search(lead.token, { q: 'refund' }).expect(200)).body.transcripts as TranscriptRowView[];
    expect(row).toMatchObject({
      id: v.en.conversationId,
      status: 'closed',
      visitorId: v.en.visitorId,
      visitorName: 'Mia',
      visitorEmail: 'mia@example.test',
      agentId: a.id,
      agentName: 'Arun',
      closedBy: 'agent',
      closeCategory: 'complaint',
      closeSummary: 'Refund issued',
      rating: 5,
      ratingComment: 'great, thanks',
    });
    expect(row.assignedAt).toBeGreaterThanOrEqual(row.openedAt);
    expect(row.firstResponseAt).toBeGreaterThanOrEqual(row.assignedAt!);
    expect(row.closedAt).toBeGreaterThanOrEqual(row.firstResponseAt!);
    expect(row.firstResponseSeconds).toBe(Math.round((row.firstResponseAt! - row.openedAt) / 1000));
    expect(row.handlingSeconds).toBe(Math.round((row.closedAt! - row.assignedAt!) / 1000));
    const [live] = (await search(lead.token, { status: 'live' }).expect(200)).body.transcripts as TranscriptRowView[];
    expect(live).toMatchObject({ id: v.live.conversationId, closedAt: null, handlingSeconds: null, rating: null });
  });

  test('pages with a cursor through every match, newest first, each once', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const body: { transcripts: TranscriptRowView[]; nextCursor: string | null } = (
        await search(lead.token, { ...BULK_DAY, limit: 100, ...(cursor ? { cursor } : {}) }).expect(200)
      ).body;
      seen.push(...body.transcripts.map((r) => r.id));
      cursor = body.nextCursor;
      pages++;
    } while (cursor && pages < 50);
    expect(seen.length).toBe(BULK);
    expect(new Set(seen).size).toBe(BULK);
    expect(seen[0]).toBe(`bulk-${BULK}`);
    expect(seen.at(-1)).toBe('bulk-1');
  });

  test.each([
    ['a rating of 6', { rating: 6 }],
    ['an unknown status', { status: 'open' }],
    ['a bad date', { from: 'yesterday' }],
    ['to before from', { from: '2020-01-02', to: '2020-01-01' }],
    ['an unknown parameter', { sort: 'asc' }],
    ['a forged cursor', { cursor: 'eHl6' }],
  ])('refuses %s', async (_what, query) => {
    expect((await search(lead.token, query).expect(400)).body.error.code).toBe('VALIDATION_FAILED');
  });

  test('no token is 401, a visitor token 403', async () => {
    expect((await api().get('/api/v1/transcripts').expect(401)).body.error.code).toBe('UNAUTHENTICATED');
    expect((await api().get('/api/v1/transcripts/export').expect(401)).body.error.code).toBe('UNAUTHENTICATED');
    expect((await search(v.en.token).expect(403)).body.error.code).toBe('FORBIDDEN');
  });
});

describe('agents', () => {
  test('an agent finds only conversations they handled, in search and export alike', async () => {
    expect(await ids(a.token, { q: '质量问题' })).toEqual([]);
    expect(await ids(a.token, { q: 'refund' })).toEqual([v.en.conversationId]);
    expect(await ids(b.token, { q: 'refund' })).toEqual([]);
    expect(await ids(b.token, { q: '质量问题' })).toEqual([v.zh.conversationId]);
    expect((await search(a.token, { agentId: b.id }).expect(403)).body.error.code).toBe('FORBIDDEN');
    expect((await api().get('/api/v1/transcripts/export').query({ agentId: b.id }).set(auth(a.token)).expect(403)).body.error.code).toBe('FORBIDDEN');

    const csv = parseCsv((await exported(b.token, { format: 'csv' }).expect(200)).body.slice(1));
    const rows = csv.slice(1);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r[8] === b.id)).toBe(true);
    const json = JSON.parse((await exported(b.token, { format: 'json' }).expect(200)).body) as TranscriptRowView[];
    expect(json.map((r) => r.id).sort()).toEqual(rows.map((r) => r[0]).sort());
  });
});

describe('export', () => {
  test('CSV holds every match (not one page), with a BOM and a header, one row per conversation', async () => {
    const res = await exported(lead.token, { ...BULK_DAY, format: 'csv' }).expect(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="transcripts-\d{4}-\d{2}-\d{2}\.csv"$/);
    const body = res.body as string;
    expect(body.charCodeAt(0)).toBe(0xfeff);
    const [header, ...rows] = parseCsv(body.slice(1));
    expect(header).toEqual([
      'conversation_id', 'status', 'started_at', 'assigned_at', 'first_response_at', 'closed_at', 'first_response_seconds',
      'handling_seconds', 'agent_id', 'agent_name', 'visitor_id', 'visitor_name', 'visitor_email', 'category', 'category_id', 'summary',
      'closed_by', 'rating', 'rating_comment',
    ]);
    expect(rows.length).toBe(BULK);
    expect(new Set(rows.map((r) => r[0])).size).toBe(BULK);
    const first = rows.find((r) => r[0] === 'bulk-1')!;
    expect(first).toEqual([
      'bulk-1', 'closed', '2020-01-01T00:00:01.000Z', '', '2020-01-01T00:00:31.000Z', '2020-01-01T00:10:01.000Z', '30', '600',
      a.id, 'Arun', 'bulk-visitor-1', '', '', 'Order', 'order', '', 'agent', '', '',
    ]);
  });

  test('JSON holds every match too', async () => {
    const res = await exported(lead.token, { ...BULK_DAY, format: 'json' }).expect(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    const rows = JSON.parse(res.body as string) as TranscriptRowView[];
    expect(rows.length).toBe(BULK);
    expect(rows[0]).toMatchObject({ id: `bulk-${BULK}`, agentName: 'Arun', closeCategory: 'order', closeCategoryName: 'Order', firstResponseSeconds: 30, handlingSeconds: 600 });
    const zh = JSON.parse((await exported(lead.token, { ...BULK_DAY, format: 'json', lang: 'zh-CN' }).expect(200)).body) as TranscriptExportRow[];
    expect(zh[0]).toMatchObject({ closeCategory: 'order', closeCategoryName: '订单' });
    // The names are the lead's: renamed in the settings, the export follows; the id stays.
    const renamed = BUILT_IN_CATEGORIES.map((c) => (c.id === 'order' ? { ...c, name: { en: 'Web orders', 'zh-CN': '网店订单' } } : c));
    await api().put('/api/v1/settings').set(auth(lead.token)).send({ closeCategories: renamed }).expect(200);
    const after = JSON.parse((await exported(lead.token, { ...BULK_DAY, format: 'json', lang: 'zh-CN' }).expect(200)).body) as TranscriptExportRow[];
    expect(after[0]).toMatchObject({ closeCategory: 'order', closeCategoryName: '网店订单' });
    await api().put('/api/v1/settings').set(auth(lead.token)).send({ closeCategories: BUILT_IN_CATEGORIES }).expect(200);
    expect(JSON.parse((await exported(lead.token, { q: '没有这句话', format: 'json' }).expect(200)).body)).toEqual([]);
  });

  test('cells a spreadsheet would run as formulas are escaped; Chinese stays as it is', async () => {
    const body = (await exported(lead.token, { q: '质量问题', format: 'csv' }).expect(200)).body as string;
    const [header, row] = parseCsv(body.slice(1));
    const cell = (name: string) => row[header.indexOf(name)];
    expect(cell('visitor_name')).toBe("'@SUM(1+1)");
    expect(cell('rating_comment')).toBe(`'=HYPERLINK("http://evil.example","x")`);
    expect(cell('summary')).toBe(`'-退货,已处理 "A"`);
    expect(cell('category')).toBe('After-sales');
    expect(cell('category_id')).toBe('after_sales');
    expect(cell('agent_name')).toBe('Bea');
    // The raw line: quoted where needed, quotes doubled.
    expect(body).toContain(`"'=HYPERLINK(""http://evil.example"",""x"")"`);
  });

  test.each([
    ['an unknown format', { format: 'xml' }],
    ['a page parameter', { limit: '10' }],
    ['an unknown language', { lang: 'fr' }],
  ])('refuses %s', async (_what, query) => {
    expect((await api().get('/api/v1/transcripts/export').query(query).set(auth(lead.token)).expect(400)).body.error.code).toBe('VALIDATION_FAILED');
  });
});
