/**
 * /api/v1/left-messages: the inbox of messages left with the widget's offline form. Who sees
 * and does what (lead, assigned agent, other agent, nobody), validation, cursor pages, and
 * what an answer does: the shopper's conversation, which session:sync returns when they come
 * back with the same visitor token, and the e-mail, received by a real SMTP server in process.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { LeftMessageView } from '../../shared/rest';
import { collect, next, ok, openTestStore, until, type TestStore, type VisitorClient } from '../helpers/chat';
import { createTestDatabase } from '../helpers/postgres';
import { startSmtpServer, type TestSmtp } from '../helpers/smtp';
import { useTestServer } from '../helpers/suite';

let smtp: TestSmtp;
const mailer = { send: (m: Parameters<TestSmtp['mailer']['send']>[0]) => smtp.mailer.send(m) };
// Every client connects from 127.0.0.1: the per-IP leave-a-message limit is raised.
const PUBLIC_URL = 'https://support.example.test';
const t = useTestServer({ lifetime: 'block', mailer, publicUrl: PUBLIC_URL, limits: { ipOfflineMessagesPerMinute: 10_000, offlineMessagesPerMinute: 100 } });

beforeAll(async () => {
  smtp = await startSmtpServer();
});
afterAll(async () => {
  await smtp.close();
});

const auth = (token: string) => ({ authorization: `Bearer ${token}` });
const api = () => request(t().server.app);
const path = (id: string, action = '') => `/api/v1/left-messages/${encodeURIComponent(id)}${action}`;

let lead: { id: string; token: string };
let agent: { id: string; token: string };
let other: { id: string; token: string };

beforeAll(async () => {
  lead = await t().createUser({ role: 'lead', name: 'Lena' });
  agent = await t().createUser({ name: 'Arun' });
  other = await t().createUser({ name: 'Olga' });
}, 60_000);

/** A shopper who leaves a message from a page, in a language; they keep their visitor token. */
async function leaveMessage(o: { text: string; email?: string; language?: string; name?: string }) {
  const socket = await t().visitor();
  const session = await ok(socket, 'session:sync', {});
  await ok(socket, 'visitor:context', { url: 'https://shop.example/p/42', title: 'Teapot', language: o.language ?? 'en-GB' });
  const email = o.email ?? `${randomUUID()}@shop.example`;
  const { id } = await ok(socket, 'offline:message', { name: o.name ?? 'Mia', email, text: o.text });
  return { id, email, socket, token: session.token, visitorId: session.visitorId };
}

const get = (token: string, id: string) => api().get(path(id)).set(auth(token));
const assign = (token: string, id: string, assigneeId: string | null) => api().post(path(id, '/assign')).set(auth(token)).send({ assigneeId });
const answer = (token: string, id: string, text: string) => api().post(path(id, '/answer')).set(auth(token)).send({ text });
const close = (token: string, id: string) => api().post(path(id, '/close')).set(auth(token)).send({});
const list = (token: string, query: Record<string, string | number> = {}) => api().get('/api/v1/left-messages').query(query).set(auth(token));

describe('who sees and does what', () => {
  test('a lead sees a new left message with its page and time; an agent does not see it until it is assigned to them', async () => {
    const before = Date.now();
    const left = await leaveMessage({ text: 'Is the teapot dishwasher safe?' });

    const mine = (await list(lead.token, { status: 'open', limit: 100 }).expect(200)).body.leftMessages as LeftMessageView[];
    const seen = mine.find((m) => m.id === left.id);
    expect(seen).toMatchObject({
      visitorId: left.visitorId,
      name: 'Mia',
      email: left.email,
      text: 'Is the teapot dishwasher safe?',
      page: { url: 'https://shop.example/p/42', title: 'Teapot' },
      language: 'en-GB',
      status: 'open',
      assignee: null,
      answer: null,
      conversationId: null,
    });
    expect(seen!.createdAt).toBeGreaterThanOrEqual(before - 1000);

    // The agent: not in their list, not readable, not answerable, not closable, not assignable.
    expect((await list(agent.token, { limit: 100 }).expect(200)).body.leftMessages.map((m: LeftMessageView) => m.id)).not.toContain(left.id);
    expect((await get(agent.token, left.id).expect(404)).body.error.code).toBe('LEFT_MESSAGE_NOT_FOUND');
    expect((await answer(agent.token, left.id, 'yes').expect(404)).body.error.code).toBe('LEFT_MESSAGE_NOT_FOUND');
    expect((await close(agent.token, left.id).expect(404)).body.error.code).toBe('LEFT_MESSAGE_NOT_FOUND');
    expect((await assign(agent.token, left.id, agent.id).expect(403)).body.error.code).toBe('FORBIDDEN');

    // Assigned by the lead: now it is the agent's, and still nobody else's.
    const assigned = (await assign(lead.token, left.id, agent.id).expect(200)).body.leftMessage as LeftMessageView;
    expect(assigned.assignee).toEqual({ id: agent.id, name: 'Arun' });
    expect((await get(agent.token, left.id).expect(200)).body.leftMessage.id).toBe(left.id);
    expect((await list(agent.token, { status: 'open' }).expect(200)).body.leftMessages.map((m: LeftMessageView) => m.id)).toEqual([left.id]);
    expect((await get(other.token, left.id).expect(404)).body.error.code).toBe('LEFT_MESSAGE_NOT_FOUND');
    expect((await answer(other.token, left.id, 'yes').expect(404)).body.error.code).toBe('LEFT_MESSAGE_NOT_FOUND');
    expect((await list(other.token).expect(200)).body.leftMessages).toEqual([]);

    // Reassigned to the other agent: the first loses it.
    await assign(lead.token, left.id, other.id).expect(200);
    expect((await get(agent.token, left.id).expect(404)).body.error.code).toBe('LEFT_MESSAGE_NOT_FOUND');
    await assign(lead.token, left.id, null).expect(200);
    expect((await get(other.token, left.id).expect(404)).body.error.code).toBe('LEFT_MESSAGE_NOT_FOUND');
  });

  test('no token is 401; a visitor token is refused', async () => {
    const left = await leaveMessage({ text: 'hello' });
    expect((await api().get('/api/v1/left-messages').expect(401)).body.error.code).toBe('UNAUTHENTICATED');
    expect((await api().post(path(left.id, '/answer')).send({ text: 'x' }).expect(401)).body.error.code).toBe('UNAUTHENTICATED');
    expect((await list(left.token).expect(403)).body.error.code).toBe('FORBIDDEN');
  });
});

describe('answering', () => {
  test('the assigned agent answers: the shopper gets an e-mail in their language and finds the answer as their conversation on their next visit', async () => {
    const left = await leaveMessage({ text: '茶壶可以用洗碗机洗吗？', language: 'zh-CN', name: '李明' });
    left.socket.disconnect();
    await assign(lead.token, left.id, agent.id).expect(200);

    const res = (await answer(agent.token, left.id, '可以的，放在上层即可。').expect(200)).body;
    expect(res.email).toBe('sent');
    expect(res.leftMessage).toMatchObject({ status: 'answered', answer: '可以的，放在上层即可。', answeredBy: { id: agent.id, name: 'Arun' } });
    const conversationId = res.leftMessage.conversationId as string;
    expect(conversationId).toEqual(expect.any(String));

    const mail = await smtp.mailTo(left.email);
    expect(mail.to).toEqual([left.email]);
    expect(mail.subject).toBe('您的留言已有回复');
    expect(mail.language).toBe('zh-CN');
    expect(mail.text).toContain('李明，您好');
    expect(mail.text).toContain('> 茶壶可以用洗碗机洗吗？');
    expect(mail.text).toContain('可以的，放在上层即可。');
    expect(mail.text).toContain('https://shop.example/p/42');

    // The shopper comes back with the token their widget stored: the answer is their conversation.
    const again: VisitorClient = await t().visitor(left.token);
    const session = await ok(again, 'session:sync', {});
    expect(session.visitorId).toBe(left.visitorId);
    expect(session.conversation).toEqual({ id: conversationId, status: 'closed', agentName: 'Arun', queuePosition: null });
    expect(session.messages.map((m) => [m.seq, m.author, m.kind, m.text, m.event?.type])).toEqual([
      [1, 'system', 'event', '', 'opened'],
      [2, 'visitor', 'text', '茶壶可以用洗碗机洗吗？', undefined],
      [3, 'system', 'event', '', 'assigned'],
      [4, 'agent', 'text', '可以的，放在上层即可。', undefined],
      [5, 'system', 'event', '', 'closed'],
    ]);
    expect(session.messages[3]).toMatchObject({ authorName: 'Arun', authorId: null });

    // Staff read it as a transcript, with the times reports use.
    const transcript = (await api().get(`/api/v1/conversations/${conversationId}`).set(auth(agent.token)).expect(200)).body;
    expect(transcript.conversation).toMatchObject({ status: 'closed', agentId: agent.id, visitorId: left.visitorId, closedBy: 'agent' });
    expect(transcript.conversation.firstResponseAt).toBe(res.leftMessage.answeredAt);

    // Answered once: a second answer is refused, nothing changes; closing is still possible.
    expect((await answer(agent.token, left.id, 'again').expect(409)).body.error.code).toBe('LEFT_MESSAGE_NOT_OPEN');
    expect((await assign(lead.token, left.id, other.id).expect(409)).body.error.code).toBe('LEFT_MESSAGE_NOT_OPEN');
    const closed = (await close(agent.token, left.id).expect(200)).body.leftMessage as LeftMessageView;
    expect(closed).toMatchObject({ status: 'closed', answer: '可以的，放在上层即可。', conversationId });
    expect((await close(agent.token, left.id).expect(409)).body.error.code).toBe('LEFT_MESSAGE_NOT_OPEN');

    // A new chat replaces it: once the shopper writes again, session:sync shows the new conversation.
    const ack = await ok(again, 'message:send', { clientId: randomUUID(), text: '谢谢！' });
    expect(ack.conversationId).not.toBe(conversationId);
    expect((await ok(again, 'session:sync', {})).conversation?.id).toBe(ack.conversationId);
    await ok(again, 'conversation:close', {});
    expect((await ok(again, 'session:sync', {})).conversation).toBeNull();
  });

  test('a shopper whose widget is open meanwhile sees the answer at once; one in a live chat keeps it on screen', async () => {
    const left = await leaveMessage({ text: 'Still there?' });
    const states = collect(left.socket, 'conversation:state');
    const messages = collect(left.socket, 'message');
    const res = (await answer(lead.token, left.id, 'Yes, we are!').expect(200)).body;
    const conversationId = res.leftMessage.conversationId;
    await until(() => messages.length === 5, 10_000, 'the answer pushed');
    expect(states).toEqual([{ id: conversationId, status: 'closed', agentName: 'Lena', queuePosition: null }]);
    expect(messages.map((m) => [m.conversationId, m.seq, m.text])).toEqual([
      [conversationId, 1, ''],
      [conversationId, 2, 'Still there?'],
      [conversationId, 3, ''],
      [conversationId, 4, 'Yes, we are!'],
      [conversationId, 5, ''],
    ]);

    // In a live chat when the answer comes: nothing interrupts it (the answer waits for session:sync after it).
    const busy = await leaveMessage({ text: 'Question one' });
    await ok(busy.socket, 'message:send', { clientId: randomUUID(), text: 'Question two, live' });
    const pushed = collect(busy.socket, 'message');
    await answer(lead.token, busy.id, 'Answer to one').expect(200);
    const probe = await t().visitor(busy.token);
    expect((await ok(probe, 'session:sync', {})).conversation?.status).toBe('queued');
    expect(pushed.filter((m) => m.text === 'Answer to one')).toEqual([]);
  });

  test('a lead answers an unassigned message, in English; the answer is e-mailed in English', async () => {
    const left = await leaveMessage({ text: 'Do you ship to Hong Kong?', language: 'en-US' });
    const res = (await answer(lead.token, left.id, 'Yes, in 3 days.').expect(200)).body;
    expect(res).toMatchObject({ email: 'sent', leftMessage: { status: 'answered', assignee: null, answeredBy: { id: lead.id, name: 'Lena' } } });
    const mail = await smtp.mailTo(left.email);
    expect(mail.subject).toBe('A reply to your message');
    expect(mail.language).toBe('en');
    expect(mail.text).toContain('Hello Mia');
    expect(mail.text).toContain('> Do you ship to Hong Kong?');
    expect(mail.text).toContain('Lena replied:\nYes, in 3 days.');
  });

  test('an open message can be closed without an answer, by its assignee', async () => {
    const left = await leaveMessage({ text: 'never mind' });
    await assign(lead.token, left.id, other.id).expect(200);
    expect((await close(other.token, left.id).expect(200)).body.leftMessage).toMatchObject({ status: 'closed', answer: null });
    expect((await answer(lead.token, left.id, 'late').expect(409)).body.error.code).toBe('LEFT_MESSAGE_NOT_OPEN');
    const session = await ok(await t().visitor(left.token), 'session:sync', {});
    expect(session.conversation).toBeNull();
  });
});

describe('lists and validation', () => {
  test('filters by status and pages with a cursor through every row, newest first', async () => {
    const visitorId = `v-${randomUUID()}`;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push((await t().store.addLeftMessage({ visitorId, name: 'Pat', email: 'pat@shop.example', text: `paged ${i}`, at: Date.now() + 60_000 + i })).id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const body: { leftMessages: LeftMessageView[]; nextCursor: string | null } = (
        await list(lead.token, { status: 'open', limit: 2, ...(cursor ? { cursor } : {}) }).expect(200)
      ).body;
      expect(body.leftMessages.length).toBeLessThanOrEqual(2);
      seen.push(...body.leftMessages.map((m) => m.id));
      cursor = body.nextCursor;
    } while (cursor);
    expect(seen.slice(0, 5)).toEqual([...ids].reverse());
    expect(new Set(seen).size).toBe(seen.length);

    const answered = (await list(lead.token, { status: 'answered', limit: 100 }).expect(200)).body.leftMessages as LeftMessageView[];
    expect(answered.length).toBeGreaterThan(0);
    expect(answered.every((m) => m.status === 'answered')).toBe(true);
  });

  test.each([
    ['an unknown status', { status: 'spam' }],
    ['a limit over 100', { limit: 101 }],
    ['a forged cursor', { cursor: 'bm90LWEtY3Vyc29y' }],
    ['an unknown parameter', { sort: 'asc' }],
  ])('the list refuses %s', async (_what, query) => {
    expect((await list(lead.token, query).expect(400)).body.error.code).toBe('VALIDATION_FAILED');
  });

  test('bad bodies are refused and change nothing', async () => {
    const left = await leaveMessage({ text: 'validate me' });
    const bad = async (req: request.Test, status: number, code: string) => expect((await req.expect(status)).body.error.code).toBe(code);
    await bad(api().post(path(left.id, '/answer')).set(auth(lead.token)).send({ text: '   ' }), 400, 'VALIDATION_FAILED');
    await bad(api().post(path(left.id, '/answer')).set(auth(lead.token)).send({ text: 'x'.repeat(4001) }), 413, 'MESSAGE_TOO_LONG');
    await bad(api().post(path(left.id, '/answer')).set(auth(lead.token)).send({ text: 'ok', cc: 'x' }), 400, 'VALIDATION_FAILED');
    await bad(api().post(path(left.id, '/answer')).set(auth(lead.token)).send({ text: 'bad\u0000' }), 400, 'VALIDATION_FAILED');
    await bad(api().post(path(left.id, '/assign')).set(auth(lead.token)).send({}), 400, 'VALIDATION_FAILED');
    await bad(assign(lead.token, left.id, 'no-such-user'), 404, 'USER_NOT_FOUND');
    await bad(answer(lead.token, 'no-such-message', 'hi'), 404, 'LEFT_MESSAGE_NOT_FOUND');
    expect((await get(lead.token, left.id).expect(200)).body.leftMessage).toMatchObject({ status: 'open', assignee: null, answer: null });
    expect(smtp.received.some((m) => m.to.includes(left.email))).toBe(false);
  });
});

describe('invitations', () => {
  /** The link as e-mailed: PUBLIC_URL's origin, the token the lead was shown. */
  const mailedLink = (url: string) => `${PUBLIC_URL}/console#invite=${url.split('#invite=')[1]}`;

  test('a new member gets the invitation link by e-mail, in their language', async () => {
    const zh = `${randomUUID()}@team.example`;
    const res = (await api().post('/api/v1/users').set(auth(lead.token)).send({ email: zh, name: '王芳', languages: ['zh-CN', 'en'] }).expect(201)).body;
    expect(res.invitation.emailed).toBe(true);
    const mail = await smtp.mailTo(zh);
    expect(mail.to).toEqual([zh]);
    expect(mail.subject).toBe('邀请您加入在线客服团队');
    expect(mail.language).toBe('zh-CN');
    expect(mail.text).toContain('王芳，您好');
    expect(mail.text).toContain(mailedLink(res.invitation.url));

    const en = `${randomUUID()}@team.example`;
    const res2 = (await api().post('/api/v1/users').set(auth(lead.token)).send({ email: en, name: 'Sam' }).expect(201)).body;
    const mail2 = await smtp.mailTo(en);
    expect(mail2.subject).toBe('You are invited to the support team');
    expect(mail2.text).toContain('Hello Sam');
    expect(mail2.text).toContain(mailedLink(res2.invitation.url));
  });

  test('a reset link is e-mailed too', async () => {
    const email = `${randomUUID()}@team.example`;
    const { user } = (await api().post('/api/v1/users').set(auth(lead.token)).send({ email, name: 'Rita' }).expect(201)).body;
    await smtp.mailTo(email);
    const res = (await api().post(`/api/v1/users/${user.id}/reset-password`).set(auth(lead.token)).expect(201)).body;
    expect(res.invitation.emailed).toBe(true);
    await until(() => smtp.received.filter((m) => m.to.includes(email)).length === 2, 15_000, 'the reset mail');
    const reset = smtp.received.filter((m) => m.to.includes(email))[1];
    expect(reset.subject).toBe('Reset your support console password');
    expect(reset.text).toContain(mailedLink(res.invitation.url));
  });
});

describe('pushed to the leads', () => {
  test('a new left message reaches every lead\'s socket with the open count, and its changes follow; agents get none of it', async () => {
    const leadSocket = await t().agent(lead.token);
    await ok(leadSocket, 'session:sync', {});
    const agentSocket = await t().agent(agent.token);
    await ok(agentSocket, 'session:sync', {});
    const agentHeard = [...(['left-message:new', 'left-message:updated'] as const).map((e) => collect(agentSocket, e))];
    const openBefore = (await list(lead.token, { limit: 1 }).expect(200)).body.openCount as number;

    const pushed = next(leadSocket, 'left-message:new', (p) => p.leftMessage.text === '周末发货吗？');
    const left = await leaveMessage({ text: '周末发货吗？', name: '王芳', language: 'zh-CN' });
    const fresh = await pushed;
    expect(fresh).toEqual({ leftMessage: (await get(lead.token, left.id).expect(200)).body.leftMessage, openCount: openBefore + 1 });
    expect(fresh.leftMessage).toMatchObject({ id: left.id, name: '王芳', status: 'open', page: { url: 'https://shop.example/p/42', title: 'Teapot' } });
    // The REST list carries the same count, whatever its filter.
    expect((await list(lead.token, { status: 'closed', limit: 1 }).expect(200)).body.openCount).toBe(openBefore + 1);

    const assigned = next(leadSocket, 'left-message:updated', (p) => p.leftMessage.id === left.id && p.leftMessage.assignee !== null);
    await assign(lead.token, left.id, agent.id).expect(200);
    expect(await assigned).toMatchObject({ leftMessage: { id: left.id, assignee: { id: agent.id, name: 'Arun' } }, openCount: openBefore + 1 });
    // An agent's own count is what is assigned to them.
    expect((await list(agent.token, { limit: 1 }).expect(200)).body.openCount).toBeGreaterThanOrEqual(1);

    const closed = next(leadSocket, 'left-message:updated', (p) => p.leftMessage.id === left.id && p.leftMessage.status === 'closed');
    await close(agent.token, left.id).expect(200);
    expect((await closed).openCount).toBe(openBefore);

    // Anything pushed to the agent's socket before this ack would have arrived first: nothing was.
    await ok(agentSocket, 'session:sync', {});
    expect(agentHeard.flat()).toEqual([]);
    leadSocket.disconnect();
    agentSocket.disconnect();
  });
});

describe('without SMTP_URL', () => {
  const plain = useTestServer({ lifetime: 'block', limits: { ipOfflineMessagesPerMinute: 10_000 } });

  test('nothing is mailed: answers and invitations say so', async () => {
    const boss = await plain().createUser({ role: 'lead' });
    const socket = await plain().visitor();
    await ok(socket, 'session:sync', {});
    const email = `${randomUUID()}@shop.example`;
    const { id } = await ok(socket, 'offline:message', { name: 'Kim', email, text: 'hi' });
    const res = await request(plain().server.app).post(path(id, '/answer')).set(auth(boss.token)).send({ text: 'hello' }).expect(200);
    expect(res.body.email).toBe('off');
    const inv = await request(plain().server.app).post('/api/v1/users').set(auth(boss.token)).send({ email: `${randomUUID()}@team.example`, name: 'Noa' }).expect(201);
    expect(inv.body.invitation.emailed).toBe(false);
    expect(smtp.received.some((m) => m.to.includes(email))).toBe(false);
  });
});

describe('on PostgreSQL', () => {
  // The same statements on a PostgreSQL server: a fresh database for this block.
  let db: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
  let store: TestStore | undefined;
  beforeAll(async () => {
    db = await createTestDatabase();
    store = await openTestStore(db.url);
  });
  afterAll(async () => {
    await store?.store.close();
    await store?.sql.close();
    await db?.drop();
  });
  const pg = useTestServer({ lifetime: 'block', store: () => store!, mailer, limits: { ipOfflineMessagesPerMinute: 10_000 } });

  test('an answer becomes the visitor conversation, is mailed, and transcript search finds it by a Chinese phrase', async () => {
    const boss = await pg().createUser({ role: 'lead', name: 'Lena' });
    const socket = await pg().visitor();
    const session = await ok(socket, 'session:sync', {});
    await ok(socket, 'visitor:context', { language: 'zh-CN' });
    const email = `${randomUUID()}@shop.example`;
    const { id } = await ok(socket, 'offline:message', { name: '周', email, text: '请问茶叶保质期多久？' });
    socket.disconnect();
    const res = await request(pg().server.app).post(path(id, '/answer')).set(auth(boss.token)).send({ text: '未开封可保存十八个月。' }).expect(200);
    expect(res.body.email).toBe('sent');
    expect((await smtp.mailTo(email)).subject).toBe('您的留言已有回复');

    const again = await ok(await pg().visitor(session.token), 'session:sync', {});
    expect(again.conversation?.id).toBe(res.body.leftMessage.conversationId);
    expect(again.messages.map((m) => m.text).filter(Boolean)).toEqual(['请问茶叶保质期多久？', '未开封可保存十八个月。']);

    const found = await request(pg().server.app).get('/api/v1/transcripts').query({ q: '保质期', visitor: email }).set(auth(boss.token)).expect(200);
    expect(found.body.transcripts.map((r: { id: string }) => r.id)).toEqual([res.body.leftMessage.conversationId]);
    expect(found.body.transcripts[0]).toMatchObject({ visitorName: '周', visitorEmail: email, agentName: 'Lena', firstResponseSeconds: expect.any(Number) });
  });
});
