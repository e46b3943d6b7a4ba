/**
 * Issue 13: text PostgreSQL cannot store (NUL), control characters and unpaired surrogates are
 * refused with VALIDATION_FAILED on every text field of every event and endpoint, never a 500;
 * record keys that reach a prototype are refused, not dropped. Each refusal leaves every table
 * exactly as it was and the connection usable.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { callRaw, chattingVisitor, ok, onlineAgent, type AgentClient, type VisitorClient } from '../helpers/chat';
import { useTestServer } from '../helpers/suite';

// One server for the file; refused calls do not count against rate limits, valid ones might.
const t = useTestServer({
  lifetime: 'block',
  limits: { visitorMessagesPerSecond: 1000, agentMessagesPerSecond: 1000, ipMessagesPerSecond: 1000, loginPerMinute: 1000 },
});

const NUL = '\u0000';
const TABLES = ['users', 'visitors', 'conversations', 'messages', 'left_messages', 'ratings', 'faq_entries', 'user_invitations', 'canned_replies', 'canned_reply_version'];

/** Every row of every table the API writes, as text: equal snapshots mean nothing was stored. */
async function snapshot(): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const table of TABLES) {
    const { rows } = await t().sql.query<{ r: string }>(`SELECT row_to_json(x)::text AS r FROM ${table} x ORDER BY 1`);
    out[table] = rows.map((row) => row.r);
  }
  return out;
}

const auth = (token: string) => ({ authorization: `Bearer ${token}` });
const api = () => request(t().server.app);

let visitor: { socket: VisitorClient; visitorId: string; conversationId: string; token: string };
let agent: { id: string; token: string; email: string; socket: AgentClient };
let lead: { id: string; token: string; email: string };
let replyId: string;
let faqId: string;

beforeAll(async () => {
  agent = await onlineAgent(t(), { capacity: 10 });
  visitor = await chattingVisitor(t());
  lead = await t().createUser({ role: 'lead' });
  replyId = (await api().post('/api/v1/canned-replies').set(auth(lead.token)).send({ shortcut: 'hi', title: 'Hi', body: 'Hello', language: 'en' }).expect(201)).body.reply.id;
  faqId = (await api().post('/api/v1/faq').set(auth(lead.token)).send({ question: 'Where is my order?', answer: 'On its way.', language: 'en' }).expect(201)).body.entry.id;
  await ok(visitor.socket, 'visitor:context', { url: 'https://shop.example/cart', title: 'Cart', data: { cart: '2 items' } });
});

describe('socket events: NUL in any text field', () => {
  // [event, field path the error names, payload with NUL in that field]
  const visitorCases: [string, string, () => unknown][] = [
    ['message:send', 'clientId', () => ({ clientId: `a${NUL}b`, text: 'hello' })],
    ['message:send', 'text', () => ({ clientId: randomUUID(), text: `hello${NUL}` })],
    ['visitor:profile', 'name', () => ({ name: `Li${NUL}Wei` })],
    ['visitor:profile', 'email', () => ({ email: `li${NUL}@example.com` })],
    ['visitor:context', 'url', () => ({ url: `https://shop.example/${NUL}` })],
    ['visitor:context', 'title', () => ({ title: `Cart${NUL}` })],
    ['visitor:context', 'referrer', () => ({ referrer: NUL })],
    ['visitor:context', 'language', () => ({ language: `en${NUL}` })],
    ['visitor:context', 'timeZone', () => ({ timeZone: `Asia/Shanghai${NUL}` })],
    ['visitor:context', 'data.cart', () => ({ data: { cart: `2${NUL}` } })],
    ['visitor:context', 'data', () => ({ data: { [`ca${NUL}rt`]: '2 items' } })],
    ['offline:message', 'name', () => ({ name: `Ana${NUL}`, email: 'ana@example.com', text: 'Call me' })],
    ['offline:message', 'email', () => ({ name: 'Ana', email: `ana${NUL}@example.com`, text: 'Call me' })],
    ['offline:message', 'text', () => ({ name: 'Ana', email: 'ana@example.com', text: `Call${NUL}me` })],
    ['conversation:rate', 'conversationId', () => ({ conversationId: `${visitor.conversationId}${NUL}`, score: 5 })],
    ['conversation:rate', 'comment', () => ({ conversationId: visitor.conversationId, score: 5, comment: `great${NUL}` })],
  ];
  const agentCases: [string, string, () => unknown][] = [
    ['session:sync', 'since', () => ({ since: { [`${visitor.conversationId}${NUL}`]: 0 } })],
    ['message:send', 'conversationId', () => ({ conversationId: `${visitor.conversationId}${NUL}`, clientId: randomUUID(), text: 'hi' })],
    ['message:send', 'clientId', () => ({ conversationId: visitor.conversationId, clientId: `${NUL}`, text: 'hi' })],
    ['message:send', 'text', () => ({ conversationId: visitor.conversationId, clientId: randomUUID(), text: `hi${NUL}` })],
    ['message:send', 'text', () => ({ conversationId: visitor.conversationId, clientId: randomUUID(), text: `note${NUL}`, note: true })],
    ['typing', 'conversationId', () => ({ conversationId: NUL, typing: true })],
    ['conversation:history', 'conversationId', () => ({ conversationId: `${visitor.conversationId}${NUL}` })],
    ['conversation:transfer', 'conversationId', () => ({ conversationId: `${visitor.conversationId}${NUL}`, toAgentId: null })],
    ['conversation:transfer', 'toAgentId', () => ({ conversationId: visitor.conversationId, toAgentId: `${agent.id}${NUL}` })],
    ['conversation:transfer', 'note', () => ({ conversationId: visitor.conversationId, toAgentId: null, note: `over${NUL}` })],
    ['conversation:close', 'conversationId', () => ({ conversationId: `${visitor.conversationId}${NUL}` })],
    ['conversation:close', 'summary', () => ({ conversationId: visitor.conversationId, summary: `done${NUL}` })],
    ['visitor:info', 'conversationId', () => ({ conversationId: `${visitor.conversationId}${NUL}` })],
    ['agent:handover', 'toAgentId', () => ({ toAgentId: `x${NUL}` })],
    ['agent:handover', 'note', () => ({ toAgentId: null, note: `bye${NUL}` })],
    ['conversation:watch', 'conversationId', () => ({ conversationId: NUL })],
    ['conversation:unwatch', 'conversationId', () => ({ conversationId: NUL })],
    ['agent:capacity', 'agentId', () => ({ agentId: `${agent.id}${NUL}`, capacity: 3 })],
  ];

  test.each(visitorCases)('visitor %s: %s', async (event, path, payload) => {
    const before = await snapshot();
    const r = await callRaw(visitor.socket, event, payload());
    expect(r).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(!r.ok && r.error.message.startsWith(`${path}`)).toBe(true);
    expect(await snapshot()).toEqual(before);
    await ok(visitor.socket, 'session:sync', {});
  });

  test.each(agentCases)('agent %s: %s', async (event, path, payload) => {
    const before = await snapshot();
    const r = await callRaw(agent.socket, event, payload());
    expect(r).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(!r.ok && r.error.message.startsWith(`${path}`)).toBe(true);
    expect(await snapshot()).toEqual(before);
    await ok(agent.socket, 'session:sync', {});
  });

  test('the message says which character and where', async () => {
    const r = await callRaw(visitor.socket, 'message:send', { clientId: randomUUID(), text: `hello${NUL}` });
    expect(r).toMatchObject({ ok: false, error: { message: expect.stringMatching(/^text: Contains U\+0000 at index 5/) } });
  });
});

describe('message text: control characters and unpaired surrogates', () => {
  test.each([
    ['a lone high surrogate', 'hi \uD83D'],
    ['a lone low surrogate', '\uDE00 there'],
    ['a reversed pair', 'x\uDE00\uD83Dx'],
    ['a C0 control (ESC)', '\u001b[31mred'],
    ['a C0 control (BEL)', 'ding\u0007'],
    ['vertical tab', 'a\u000bb'],
    ['form feed', 'a\u000cb'],
    ['DEL', 'a\u007f'],
    ['a C1 control (NEL)', 'a\u0085b'],
  ])('%s is refused, for visitors and agents', async (_what, text) => {
    const before = await snapshot();
    expect(await callRaw(visitor.socket, 'message:send', { clientId: randomUUID(), text })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED', message: expect.stringMatching(/^text: Contains U\+[0-9A-F]{4}/) },
    });
    expect(
      await callRaw(agent.socket, 'message:send', { conversationId: visitor.conversationId, clientId: randomUUID(), text }),
    ).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(await snapshot()).toEqual(before);
  });

  test('tabs and line breaks are text', async () => {
    const text = 'line 1\r\nline 2\n\tindented';
    const { seq } = await ok(visitor.socket, 'message:send', { clientId: randomUUID(), text });
    const [stored] = await t().store.messagesAfter(visitor.conversationId, seq - 1);
    expect(stored.text).toBe(text);
  });

  // The default MAX_MESSAGE_LENGTH is 4000 UTF-16 units and the frame limit 17 024 bytes: with
  // escapes (6 bytes a unit) refused, the heaviest accepted texts fit in a frame and get an ack.
  test.each([
    ['2000 emoji (4000 units of valid surrogate pairs)', '😀'.repeat(2000)],
    ['4000 three-byte characters', '字'.repeat(4000)],
    ['4000 characters JSON escapes to 2 bytes', '"\\'.repeat(2000)],
    ['emoji mixed with text', `Hi 👋🏽 ${'🇨🇳'.repeat(900)} ok`],
  ])('%s: accepted and stored as sent', async (_what, text) => {
    const { seq } = await ok(visitor.socket, 'message:send', { clientId: randomUUID(), text });
    const [stored] = await t().store.messagesAfter(visitor.conversationId, seq - 1);
    expect(stored.text).toBe(text);
    expect(visitor.socket.connected).toBe(true);
  });

  test('4000 emoji are over the length limit: MESSAGE_TOO_LONG, not a closed socket', async () => {
    expect(await callRaw(visitor.socket, 'message:send', { clientId: randomUUID(), text: '😀'.repeat(4000) })).toMatchObject({
      ok: false,
      error: { code: 'MESSAGE_TOO_LONG' },
    });
    expect(visitor.socket.connected).toBe(true);
  });
});

describe('record keys that reach a prototype', () => {
  // JSON.parse makes `__proto__` an own key, as Socket.IO's parser does on the server.
  test.each(['__proto__', 'constructor', 'prototype'])('visitor:context data key %s is refused and the context kept', async (key) => {
    const stored = (await t().store.getVisitor(visitor.visitorId))!.context;
    const before = await snapshot();
    const data = JSON.parse(`{"cart":"3 items",${JSON.stringify(key)}:"x"}`);
    expect(Object.keys(data)).toContain(key);
    expect(await callRaw(visitor.socket, 'visitor:context', { title: 'Checkout', data })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION_FAILED', message: `data.${key}: The key "${key}" is not allowed` },
    });
    expect(await snapshot()).toEqual(before);
    expect((await t().store.getVisitor(visitor.visitorId))!.context).toEqual(stored);
    await ok(visitor.socket, 'session:sync', {});
  });

  test('a __proto__ object with fields is refused too (not merged into the prototype)', async () => {
    const data = JSON.parse('{"__proto__":{"polluted":"yes"}}');
    expect(await callRaw(visitor.socket, 'visitor:context', { data })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test.each(['__proto__', 'constructor'])('agent session:sync since key %s is refused', async (key) => {
    const since = JSON.parse(`{${JSON.stringify(key)}:0}`);
    expect(await callRaw(agent.socket, 'session:sync', { since })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    await ok(agent.socket, 'session:sync', {});
  });

  test('ordinary keys are still accepted', async () => {
    await ok(visitor.socket, 'visitor:context', { title: 'Cart', data: { cart: '2 items', proto: 'fine', Constructor: 'fine' } });
    expect((await t().store.getVisitor(visitor.visitorId))!.context).toMatchObject({ data: { cart: '2 items', proto: 'fine', Constructor: 'fine' } });
  });
});

describe('REST: NUL in any body field, query parameter or path id', () => {
  type Case = [string, () => request.Test];
  const cases: Case[] = [
    ['login email', () => api().post('/api/v1/auth/login').send({ email: `a${NUL}@example.com`, password: 'password123' })],
    ['login password', () => api().post('/api/v1/auth/login').send({ email: agent.email, password: `password123${NUL}` })],
    ['users create email', () => api().post('/api/v1/users').set(auth(lead.token)).send({ email: `n${NUL}@example.com`, name: 'New' })],
    ['users create name', () => api().post('/api/v1/users').set(auth(lead.token)).send({ email: `${randomUUID()}@example.com`, name: `Ne${NUL}w` })],
    ['users create languages', () => api().post('/api/v1/users').set(auth(lead.token)).send({ email: `${randomUUID()}@example.com`, name: 'New', languages: [`en${NUL}`] })],
    ['users patch name', () => api().patch(`/api/v1/users/${agent.id}`).set(auth(lead.token)).send({ name: `Renamed${NUL}` })],
    ['users patch languages', () => api().patch(`/api/v1/users/${agent.id}`).set(auth(lead.token)).send({ languages: [`zh-CN${NUL}`] })],
    ['users get id', () => api().get(`/api/v1/users/${agent.id}%00`).set(auth(lead.token))],
    ['users patch id', () => api().patch(`/api/v1/users/%00`).set(auth(lead.token)).send({ name: 'X' })],
    ['users reset id', () => api().post(`/api/v1/users/${agent.id}%00/reset-password`).set(auth(lead.token))],
    ['conversations q', () => api().get('/api/v1/conversations').query({ q: `hello${NUL}` }).set(auth(lead.token))],
    ['conversations cursor', () => api().get('/api/v1/conversations').query({ cursor: `abc${NUL}` }).set(auth(lead.token))],
    ['conversations cursor holding a NUL id', () =>
      api().get('/api/v1/conversations').query({ cursor: Buffer.from(JSON.stringify([1, `c${NUL}`])).toString('base64url') }).set(auth(lead.token))],
    ['conversations agentId', () => api().get('/api/v1/conversations').query({ agentId: `${agent.id}${NUL}` }).set(auth(lead.token))],
    ['conversations visitorId', () => api().get('/api/v1/conversations').query({ visitorId: NUL }).set(auth(lead.token))],
    ['conversations id', () => api().get(`/api/v1/conversations/${visitor.conversationId}%00`).set(auth(lead.token))],
    ['conversations id (visitor token)', () => api().get(`/api/v1/conversations/%00`).set(auth(visitor.token))],
    ['canned search q', () => api().get('/api/v1/canned-replies').query({ q: `hel${NUL}lo` }).set(auth(agent.token))],
    ['canned search language', () => api().get('/api/v1/canned-replies').query({ language: `en${NUL}` }).set(auth(agent.token))],
    ['canned create shortcut', () => api().post('/api/v1/canned-replies').set(auth(lead.token)).send({ shortcut: `s${NUL}`, title: 'T', body: 'B', language: 'en' })],
    ['canned create title', () => api().post('/api/v1/canned-replies').set(auth(lead.token)).send({ shortcut: 's1', title: `T${NUL}`, body: 'B', language: 'en' })],
    ['canned create body', () => api().post('/api/v1/canned-replies').set(auth(lead.token)).send({ shortcut: 's2', title: 'T', body: `B${NUL}`, language: 'en' })],
    ['canned create language', () => api().post('/api/v1/canned-replies').set(auth(lead.token)).send({ shortcut: 's3', title: 'T', body: 'B', language: `en${NUL}` })],
    ['canned create tags', () => api().post('/api/v1/canned-replies').set(auth(lead.token)).send({ shortcut: 's4', title: 'T', body: 'B', language: 'en', tags: [`t${NUL}`] })],
    ['canned patch title', () => api().patch(`/api/v1/canned-replies/${replyId}`).set(auth(lead.token)).send({ title: `T${NUL}` })],
    ['canned patch body', () => api().patch(`/api/v1/canned-replies/${replyId}`).set(auth(lead.token)).send({ body: `${NUL}` })],
    ['canned get id', () => api().get(`/api/v1/canned-replies/${replyId}%00`).set(auth(lead.token))],
    ['canned patch id', () => api().patch(`/api/v1/canned-replies/%00`).set(auth(lead.token)).send({ title: 'T' })],
    ['canned delete id', () => api().delete(`/api/v1/canned-replies/${replyId}%00`).set(auth(lead.token))],
    ['faq list category', () => api().get('/api/v1/faq').query({ category: `general${NUL}` }).set(auth(agent.token))],
    ['faq match text', () => api().post('/api/v1/faq/match').set(auth(agent.token)).send({ text: `where is my order${NUL}` })],
    ['faq create question', () => api().post('/api/v1/faq').set(auth(lead.token)).send({ question: `Q${NUL}`, answer: 'A', language: 'en' })],
    ['faq create phrasings', () => api().post('/api/v1/faq').set(auth(lead.token)).send({ question: 'Q', phrasings: [`P${NUL}`], answer: 'A', language: 'en' })],
    ['faq create answer', () => api().post('/api/v1/faq').set(auth(lead.token)).send({ question: 'Q', answer: `A${NUL}`, language: 'en' })],
    ['faq create category', () => api().post('/api/v1/faq').set(auth(lead.token)).send({ question: 'Q', answer: 'A', language: 'en', category: `c${NUL}` })],
    ['faq patch question', () => api().patch(`/api/v1/faq/${faqId}`).set(auth(lead.token)).send({ question: `Q${NUL}` })],
    ['faq get id', () => api().get(`/api/v1/faq/${faqId}%00`).set(auth(agent.token))],
    ['faq patch id', () => api().patch(`/api/v1/faq/%00`).set(auth(lead.token)).send({ question: 'Q' })],
    ['faq delete id', () => api().delete(`/api/v1/faq/${faqId}%00`).set(auth(lead.token))],
    ['invitation password', () => api().post(`/api/v1/invitations/${'A'.repeat(43)}`).send({ password: `long enough${NUL}` })],
  ];

  test.each(cases)('%s: 400 VALIDATION_FAILED, nothing stored', async (_what, send) => {
    const before = await snapshot();
    const res = await send();
    expect({ status: res.status, code: res.body.error?.code }).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
    expect(await snapshot()).toEqual(before);
  });

  test('the same requests without the NUL succeed afterwards', async () => {
    await api().get(`/api/v1/users/${agent.id}`).set(auth(lead.token)).expect(200);
    await api().get('/api/v1/conversations').query({ q: 'hello' }).set(auth(lead.token)).expect(200);
    await api().get(`/api/v1/conversations/${visitor.conversationId}`).set(auth(visitor.token)).expect(200);
    await api().get('/api/v1/canned-replies').query({ q: 'hello' }).set(auth(agent.token)).expect(200);
    await api().get(`/api/v1/faq/${faqId}`).set(auth(agent.token)).expect(200);
    await api().post('/api/v1/faq/match').set(auth(agent.token)).send({ text: 'where is my order' }).expect(200);
    await api().post('/api/v1/auth/login').send({ email: agent.email, password: 'password123' }).expect(200);
  });

  test('a lone surrogate or a control character in a body is refused the same way', async () => {
    for (const bad of ['\uD800', '\u0001', '\u001f']) {
      const res = await api().post('/api/v1/faq').set(auth(lead.token)).send({ question: `Q${bad}`, answer: 'A', language: 'en' });
      expect({ status: res.status, code: res.body.error?.code }).toEqual({ status: 400, code: 'VALIDATION_FAILED' });
      expect(res.body.error.message).toMatch(/^question: Contains U\+/);
    }
  });
});
