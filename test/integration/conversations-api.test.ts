/**
 * /api/v1/conversations: who sees what (lead, agent, visitor token, nobody), filters, text
 * search in English and Chinese, cursor pagination (stable under concurrent inserts), and
 * full transcripts with notes for staff only.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { chattingVisitor, ok, onlineAgent } from '../helpers/chat';
import { useTestServer } from '../helpers/suite';

// One server for the file: the tests only read what beforeAll set up (and add stored rows).
const t = useTestServer({ lifetime: 'block' });
let lead: { id: string; token: string };
let a: Awaited<ReturnType<typeof onlineAgent>>;
let b: Awaited<ReturnType<typeof onlineAgent>>;
/** Closed by A, with a note, a profile name and a rating. */
let v1: Awaited<ReturnType<typeof chattingVisitor>>;
/** Open with B, in Chinese. */
let v2: Awaited<ReturnType<typeof chattingVisitor>>;
/** Queued: nobody was available. */
let v3: Awaited<ReturnType<typeof chattingVisitor>>;

const auth = (token: string) => ({ authorization: `Bearer ${token}` });
const api = () => request(t().server.app);
const list = (token: string, query: Record<string, string | number> = {}) =>
  api().get('/api/v1/conversations').query(query).set(auth(token));

beforeAll(async () => {
  lead = await t().createUser({ role: 'lead', name: 'Lena' });
  a = await onlineAgent(t(), { name: 'Arun' });
  b = await onlineAgent(t(), { name: 'Bea' });
  await ok(b.socket, 'agent:status', { status: 'away' });

  v1 = await chattingVisitor(t(), 'Hello, I need a REFUND for order 42');
  await ok(v1.socket, 'visitor:profile', { name: 'Mia', email: 'mia@example.test' });
  await ok(a.socket, 'message:send', { conversationId: v1.conversationId, clientId: randomUUID(), text: 'Sure, let me check.' });
  await ok(a.socket, 'message:send', { conversationId: v1.conversationId, clientId: randomUUID(), text: 'VIP customer, handle gently', note: true });
  await ok(a.socket, 'conversation:close', { conversationId: v1.conversationId });
  await ok(v1.socket, 'conversation:rate', { conversationId: v1.conversationId, score: 5, comment: 'great' });

  await ok(a.socket, 'agent:status', { status: 'away' });
  await ok(b.socket, 'agent:status', { status: 'online' });
  v2 = await chattingVisitor(t(), '收到的商品有质量问题，我想退货可以吗？');
  await ok(b.socket, 'message:send', { conversationId: v2.conversationId, clientId: randomUUID(), text: '可以的，请提供订单号。' });

  await ok(b.socket, 'agent:status', { status: 'away' });
  v3 = await chattingVisitor(t(), 'anyone there?');
  // A dozen socket round trips and three logins: generous room for a loaded machine.
}, 60_000);

/** A closed conversation written straight to the store, opened at `at`. */
async function storedConversation(at: number, o: { agentId?: string; text?: string; visitorId?: string } = {}) {
  const visitorId = o.visitorId ?? `stored-${randomUUID()}`;
  const { conversation } = await t.db.store.openConversation(visitorId, at);
  await t.db.store.appendMessage({
    conversationId: conversation.id,
    clientId: randomUUID(),
    author: 'visitor',
    authorId: visitorId,
    kind: 'text',
    text: o.text ?? 'stored message',
    at,
  });
  if (o.agentId) await t.db.store.setAssignment(conversation.id, o.agentId);
  await t.db.store.closeConversation(conversation.id, 'agent', o.agentId ?? null, at + 60_000);
  return conversation.id;
}

describe('access', () => {
  test('no token is 401 on every route; a forged one too', async () => {
    expect((await api().get('/api/v1/conversations').expect(401)).body.error.code).toBe('UNAUTHENTICATED');
    expect((await api().get(`/api/v1/conversations/${v1.conversationId}`).expect(401)).body.error.code).toBe('UNAUTHENTICATED');
    expect((await api().get('/api/v1/conversations').set(auth('v1.x.y')).expect(401)).body.error.code).toBe('TOKEN_INVALID');
  });

  test('a visitor token may not list conversations', async () => {
    expect((await list(v1.token).expect(403)).body.error.code).toBe('FORBIDDEN');
  });

  test('a lead sees every conversation, with who handled it and when', async () => {
    const all = (await list(lead.token, { limit: 100 }).expect(200)).body.conversations;
    const byId = new Map(all.map((c: any) => [c.id, c]));
    expect(byId.get(v1.conversationId)).toEqual({
      id: v1.conversationId,
      visitorId: v1.visitorId,
      visitorName: 'Mia',
      status: 'closed',
      agentId: a.id,
      agentName: 'Arun',
      openedAt: expect.any(Number),
      firstResponseAt: expect.any(Number),
      closedAt: expect.any(Number),
      closedBy: 'agent',
      closeCategory: null,
      closeSummary: null,
      lastSeq: expect.any(Number),
    });
    const c1 = byId.get(v1.conversationId) as any;
    expect(c1.openedAt).toBeLessThanOrEqual(c1.firstResponseAt);
    expect(c1.firstResponseAt).toBeLessThanOrEqual(c1.closedAt);
    expect(byId.get(v2.conversationId)).toMatchObject({ status: 'open', agentId: b.id, agentName: 'Bea', closedAt: null, closedBy: null });
    expect(byId.get(v3.conversationId)).toMatchObject({ status: 'queued', agentId: null, firstResponseAt: null });
  });

  test("an agent lists only their own conversations, current and past, never another agent's", async () => {
    const mine = (await list(a.token, { limit: 100 }).expect(200)).body.conversations.map((c: any) => c.id);
    expect(mine).toContain(v1.conversationId);
    expect(mine).not.toContain(v2.conversationId);
    expect(mine).not.toContain(v3.conversationId);
    const bs = (await list(b.token, { limit: 100 }).expect(200)).body.conversations.map((c: any) => c.id);
    expect(bs).toEqual([v2.conversationId]);
    expect((await list(a.token, { agentId: b.id }).expect(403)).body.error.code).toBe('FORBIDDEN');
    expect((await list(a.token, { agentId: a.id }).expect(200)).body.conversations.map((c: any) => c.id)).toContain(v1.conversationId);
  });

  test('a lead filters by agent and by visitor', async () => {
    expect((await list(lead.token, { agentId: b.id }).expect(200)).body.conversations.map((c: any) => c.id)).toEqual([v2.conversationId]);
    expect((await list(lead.token, { visitorId: v1.visitorId }).expect(200)).body.conversations.map((c: any) => c.id)).toEqual([v1.conversationId]);
    expect((await list(lead.token, { visitorId: 'nobody' }).expect(200)).body).toEqual({ conversations: [], nextCursor: null });
  });

  test('a deactivated agent is refused', async () => {
    const gone = await t().createUser();
    await t.db.store.updateUser(gone.id, { active: false });
    expect((await list(gone.token).expect(403)).body.error.code).toBe('ACCOUNT_DISABLED');
    expect((await api().get(`/api/v1/conversations/${v1.conversationId}`).set(auth(gone.token)).expect(403)).body.error.code).toBe('ACCOUNT_DISABLED');
  });
});

describe('one conversation', () => {
  test('a lead gets the whole transcript with notes, the visitor record and the rating', async () => {
    const res = await api().get(`/api/v1/conversations/${v1.conversationId}`).set(auth(lead.token)).expect(200);
    expect(res.body.conversation).toMatchObject({ id: v1.conversationId, status: 'closed', agentId: a.id, agentName: 'Arun', visitorName: 'Mia', closedBy: 'agent' });
    const texts = res.body.messages.filter((m: any) => m.kind !== 'event').map((m: any) => [m.kind, m.text]);
    expect(texts).toEqual([
      ['text', 'Hello, I need a REFUND for order 42'],
      ['text', 'Sure, let me check.'],
      ['note', 'VIP customer, handle gently'],
    ]);
    const events = res.body.messages.filter((m: any) => m.kind === 'event').map((m: any) => m.event.type);
    expect(events).toEqual(expect.arrayContaining(['opened', 'assigned', 'closed']));
    expect(res.body.messages.find((m: any) => m.text === 'Sure, let me check.')).toMatchObject({ author: 'agent', authorId: a.id, authorName: 'Arun' });
    const seqs = res.body.messages.map((m: any) => m.seq);
    expect(seqs).toEqual([...seqs].sort((x: number, y: number) => x - y));
    expect(res.body.visitor).toMatchObject({ id: v1.visitorId, name: 'Mia', email: 'mia@example.test' });
    expect(res.body.rating).toEqual({ score: 5, comment: 'great', createdAt: expect.any(Number) });
  });

  test('the assigned agent gets it too; another agent gets 404', async () => {
    const mine = await api().get(`/api/v1/conversations/${v1.conversationId}`).set(auth(a.token)).expect(200);
    expect(mine.body.messages.some((m: any) => m.kind === 'note')).toBe(true);
    expect((await api().get(`/api/v1/conversations/${v1.conversationId}`).set(auth(b.token)).expect(404)).body.error.code).toBe('CONVERSATION_NOT_FOUND');
    expect((await api().get(`/api/v1/conversations/${v2.conversationId}`).set(auth(a.token)).expect(404)).body.error.code).toBe('CONVERSATION_NOT_FOUND');
    const open = await api().get(`/api/v1/conversations/${v2.conversationId}`).set(auth(b.token)).expect(200);
    expect(open.body).toMatchObject({ conversation: { status: 'open', closedAt: null }, rating: null });
  });

  test('a visitor token fetches its own conversation without notes or staff data, and nothing else', async () => {
    const res = await api().get(`/api/v1/conversations/${v1.conversationId}`).set(auth(v1.token)).expect(200);
    expect(res.body.conversation).toEqual({
      id: v1.conversationId,
      status: 'closed',
      agentName: 'Arun',
      openedAt: expect.any(Number),
      firstResponseAt: expect.any(Number),
      closedAt: expect.any(Number),
      closedBy: 'agent',
      lastSeq: expect.any(Number),
    });
    expect(res.body.messages.some((m: any) => m.kind === 'note')).toBe(false);
    expect(JSON.stringify(res.body)).not.toContain('VIP customer');
    expect(res.body.messages.filter((m: any) => m.kind === 'text').map((m: any) => m.text)).toEqual(['Hello, I need a REFUND for order 42', 'Sure, let me check.']);
    expect(res.body.visitor).toEqual({ id: v1.visitorId, name: 'Mia', email: 'mia@example.test' });
    expect(res.body.rating).toMatchObject({ score: 5 });

    expect((await api().get(`/api/v1/conversations/${v2.conversationId}`).set(auth(v1.token)).expect(404)).body.error.code).toBe('CONVERSATION_NOT_FOUND');
    // The same visitor's live conversation, as the widget fetches it after a reload.
    await api().get(`/api/v1/conversations/${v3.conversationId}`).set(auth(v3.token)).expect(200);
  });

  test('an unknown id is 404', async () => {
    expect((await api().get('/api/v1/conversations/nope').set(auth(lead.token)).expect(404)).body.error.code).toBe('CONVERSATION_NOT_FOUND');
  });
});

describe('filters', () => {
  test('status', async () => {
    const ids = async (status: string) => (await list(lead.token, { status, limit: 100 }).expect(200)).body.conversations.map((c: any) => c.id);
    const closed = await ids('closed');
    expect(closed).toContain(v1.conversationId);
    expect(closed).not.toContain(v2.conversationId);
    expect(await ids('open')).toEqual([v2.conversationId]);
    expect(await ids('queued')).toEqual([v3.conversationId]);
  });

  test('text in any message: case-insensitive, Chinese substrings, notes for staff', async () => {
    const ids = async (token: string, q: string) => (await list(token, { q }).expect(200)).body.conversations.map((c: any) => c.id);
    expect(await ids(lead.token, 'refund')).toEqual([v1.conversationId]);
    expect(await ids(lead.token, 'Refund FOR')).toEqual([v1.conversationId]);
    expect(await ids(lead.token, '退货')).toEqual([v2.conversationId]);
    expect(await ids(lead.token, '退')).toEqual([v2.conversationId]);
    expect(await ids(lead.token, '订单号')).toEqual([v2.conversationId]);
    expect(await ids(lead.token, 'vip CUSTOMER')).toEqual([v1.conversationId]);
    expect(await ids(a.token, 'vip')).toEqual([v1.conversationId]);
    // Pattern characters are plain text.
    expect(await ids(lead.token, '%')).toEqual([]);
    expect(await ids(lead.token, 'nothing like this anywhere')).toEqual([]);
    // Combined with the agent's own scope.
    expect(await ids(b.token, 'refund')).toEqual([]);
    expect(await ids(lead.token, '%退%')).toEqual([]);
  });

  test('date range on opened_at: from inclusive, to exclusive, dates or date-times', async () => {
    const march = [Date.UTC(2019, 2, 1), Date.UTC(2019, 2, 15, 8), Date.UTC(2019, 2, 31, 23, 59)];
    const ids = await Promise.all([Date.UTC(2019, 1, 28, 23, 59), ...march, Date.UTC(2019, 3, 1)].map((at) => storedConversation(at)));
    const inMarch = ids.slice(1, 4).reverse();
    const got = async (q: Record<string, string>) => (await list(lead.token, { ...q, limit: 100 }).expect(200)).body.conversations.map((c: any) => c.id);
    expect(await got({ from: '2019-03-01', to: '2019-04-01' })).toEqual(inMarch);
    expect(await got({ from: '2019-03-01T08:00:00+08:00', to: '2019-04-01T00:00:00Z' })).toEqual(inMarch);
    expect(await got({ from: '2019-03-15T08:00:00Z', to: '2019-03-15T08:00:00.001Z' })).toEqual([ids[2]]);
    expect(await got({ from: '2019-01-01', to: '2019-03-01' })).toEqual([ids[0]]);
  });

  test.each([
    ['an unknown status', { status: 'pending' }],
    ['limit 0', { limit: 0 }],
    ['limit 101', { limit: 101 }],
    ['a non-numeric limit', { limit: 'ten' }],
    ['a date that is not ISO', { from: 'yesterday' }],
    ['a date-time without a zone', { from: '2024-05-01T10:00:00' }],
    ['to before from', { from: '2024-05-02', to: '2024-05-01' }],
    ['a forged cursor', { cursor: 'bm90IGEgY3Vyc29y' }],
    ['an unknown parameter', { sort: 'asc' }],
    ['a query over 200 characters', { q: 'x'.repeat(201) }],
  ])('%s is a validation error', async (_what, query) => {
    const res = await list(lead.token, query as Record<string, string>).expect(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
  });
});

describe('cursor pagination', () => {
  test('pages are newest first, ties broken by id, and stable under concurrent inserts', async () => {
    const agent = await t().createUser({ name: 'Pager' });
    const base = Date.UTC(2018, 5, 1);
    // 25 conversations; five of them opened in the same millisecond.
    const times = Array.from({ length: 25 }, (_, i) => (i < 5 ? base : base + i * 60_000));
    const created = [];
    for (const at of times) created.push({ id: await storedConversation(at, { agentId: agent.id }), at });
    const expected = [...created]
      .sort((x, y) => y.at - x.at || (x.id < y.id ? 1 : -1))
      .map((c) => c.id);

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: request.Response = await list(lead.token, { agentId: agent.id, limit: 10, ...(cursor ? { cursor } : {}) }).expect(200);
      seen.push(...res.body.conversations.map((c: any) => c.id));
      cursor = res.body.nextCursor;
      pages++;
      // New conversations arrive while the client pages (they are newer than any page so far).
      if (pages === 1) for (let i = 0; i < 3; i++) await storedConversation(Date.now() + i, { agentId: agent.id });
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(expected);

    // An exact multiple of the page size ends with a null cursor, not an empty page.
    const five = await list(lead.token, { agentId: agent.id, from: '2018-06-01', to: '2018-06-02', limit: 5 }).expect(200);
    expect(five.body.conversations).toHaveLength(5);
    const rest: request.Response = await list(lead.token, { agentId: agent.id, from: '2018-06-01', to: '2018-06-02', limit: 20, cursor: five.body.nextCursor }).expect(200);
    expect(rest.body.conversations).toHaveLength(20);
    expect(rest.body.nextCursor).toBeNull();
  });

  test('the default page is 20', async () => {
    const res = await list(lead.token).expect(200);
    expect(res.body.conversations.length).toBe(20);
    expect(typeof res.body.nextCursor).toBe('string');
  });
});

describe('the widget after a reload', () => {
  test("the visitor's REST transcript is exactly what the socket gives the visitor: no agent ids, no transfer notes", async () => {
    const c = await onlineAgent(t(), { name: 'Cleo' });
    // Cleo takes the waiting v3 first; then a new visitor comes.
    const v4 = await chattingVisitor(t(), 'Is my parcel lost?');
    const conversationId = v4.conversationId;
    expect(await t().pool.assignmentOf(conversationId)).toBe(c.id);
    await ok(c.socket, 'message:send', { conversationId, clientId: randomUUID(), text: 'Let me look.' });
    await ok(c.socket, 'message:send', { conversationId, clientId: randomUUID(), text: 'internal: parcel scanned twice', note: true });
    await ok(c.socket, 'conversation:transfer', { conversationId, toAgentId: null, note: 'internal: hand to logistics' });

    const rest = await api().get(`/api/v1/conversations/${conversationId}`).set(auth(v4.token)).expect(200);
    const socket = await ok(v4.socket, 'session:sync', {});
    expect(rest.body.messages).toEqual(socket.messages);
    expect(rest.body.messages.map((m: any) => m.event?.type).filter(Boolean)).toEqual(expect.arrayContaining(['assigned', 'transferred']));
    const json = JSON.stringify(rest.body);
    expect(json).not.toContain('internal:');
    expect(json).not.toContain(c.id);
    // Staff see the note and the transfer note.
    const staff = JSON.stringify((await api().get(`/api/v1/conversations/${conversationId}`).set(auth(lead.token)).expect(200)).body);
    expect(staff).toContain('internal: parcel scanned twice');
    expect(staff).toContain('internal: hand to logistics');
  });
});
