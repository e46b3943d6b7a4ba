/**
 * The pre-chat form through socket.io-client and REST: a lead's settings reach the visitor's
 * session (less what the visitor's profile holds), a first message without a required name or
 * email is refused with PRE_CHAT_REQUIRED and stores nothing, a bad email is refused, and the
 * name given is what the agent, the agent's list and the lead's floor show. The widget's chat core
 * (widget/src/chat.ts with prechat-fields.ts) runs the form's steps against the server.
 */
import { randomUUID } from 'node:crypto';
import { io } from 'socket.io-client';
import request from 'supertest';
import { DEFAULT_SETTINGS } from '../../server/domain/settings';
import { createChat } from '../../widget/src/chat';
import { preChatFields } from '../../widget/src/prechat-fields';
import { callRaw, chattingVisitor, next, ok, onlineAgent, until, WAIT_MS } from '../helpers/chat';
import { useTestServer } from '../helpers/suite';

const t = useTestServer();
let lead: { id: string; token: string };

beforeEach(async () => {
  await t().sql.query('DELETE FROM settings');
  lead = await t().createUser({ role: 'lead', name: 'Lena' });
});

const put = (body: unknown) =>
  request(t().server.app).put('/api/v1/settings').set('authorization', `Bearer ${lead.token}`).send(body as object);
const form = (preChat: Partial<typeof DEFAULT_SETTINGS.preChat>) => put({ preChat: { ...DEFAULT_SETTINGS.preChat, ...preChat } }).expect(200);
const send = (socket: Parameters<typeof callRaw>[0], text: string) => callRaw(socket, 'message:send', { clientId: randomUUID(), text });
const messagesOf = async (visitorId: string) =>
  Number((await t().sql.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE c.visitor_id = $1 AND m.kind = $2',
    [visitorId, 'text'],
  )).rows[0].n);

test('off by default: the session asks nothing and a first message needs no profile', async () => {
  expect((await request(t().server.app).get('/api/v1/settings').set('authorization', `Bearer ${lead.token}`).expect(200)).body.settings.preChat)
    .toEqual({ name: 'off', email: 'off', department: 'off', question: 'off' });
  const v = await t().visitor();
  expect(await ok(v, 'session:sync', {})).not.toHaveProperty('preChat');
  expect((await send(v, 'hello')).ok).toBe(true);
});

test('settings → the session\'s fields → a required name enforced → the agent and the floor see the name', async () => {
  await form({ name: 'required', email: 'optional', department: 'required', question: 'optional' });
  const agent = await onlineAgent(t(), { name: 'Ana' });
  const floorLead = await t().agent(lead.token);
  await ok(floorLead, 'session:sync', {});
  await ok(floorLead, 'floor:watch', {});

  const v = await t().visitor();
  const session = await ok(v, 'session:sync', {});
  // In the order the widget shows them; no departments are offered here, so the department is not asked (departments.test.ts).
  expect(Object.entries(session.preChat!)).toEqual([['name', 'required'], ['email', 'optional'], ['question', 'optional']]);

  // No name yet: refused, nothing stored, nothing routed.
  const refused = await send(v, 'Is the teapot in stock?');
  expect(refused).toMatchObject({ ok: false, error: { code: 'PRE_CHAT_REQUIRED', message: expect.stringContaining('name') } });
  expect(await messagesOf(session.visitorId)).toBe(0);
  expect((await ok(v, 'session:sync', {})).conversation).toBeNull();
  // An email alone does not satisfy a required name; a malformed email is refused by itself.
  expect(await callRaw(v, 'visitor:profile', { email: 'not an email' })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
  await ok(v, 'visitor:profile', { email: 'wang@example.com' });
  expect((await send(v, 'still no name')).ok).toBe(false);
  expect(await messagesOf(session.visitorId)).toBe(0);

  // The form's name: the session no longer asks for it (nor the email now held), and the first message opens the chat.
  await ok(v, 'visitor:profile', { name: '王小明' });
  expect((await ok(v, 'session:sync', {})).preChat).toEqual({ question: 'optional' });
  const got = next(agent.socket, 'conversation:assigned');
  const onFloor = next(floorLead, 'floor:conversation', (c) => c.visitorName === '王小明');
  const sent = await send(v, 'Is the teapot in stock?');
  expect(sent.ok).toBe(true);
  const { conversation } = await got;
  expect(conversation.visitorName).toBe('王小明');
  expect(await messagesOf(session.visitorId)).toBe(1);
  await onFloor;
  // The agent's list after a reconnect, and the lead's floor state, carry the name too.
  const list = await ok(agent.socket, 'session:sync', {});
  expect(list.conversations.find((c) => c.conversation.id === conversation.id)?.conversation.visitorName).toBe('王小明');
  const floor = await ok(floorLead, 'floor:watch', {});
  expect(floor.conversations.find((c) => c.id === conversation.id)?.visitorName).toBe('王小明');
});

test('a required email: enforced, and a name or email already on the profile (the host page\'s setVisitor) is not asked', async () => {
  await form({ name: 'required', email: 'required' });
  const host = await t().visitor();
  const s = await ok(host, 'session:sync', {});
  expect(s.preChat).toEqual({ name: 'required', email: 'required' });
  // What the host page passed before the session: nothing left to ask, the message goes through.
  await ok(host, 'visitor:profile', { name: 'Ana', email: 'ana@example.com' });
  expect(await ok(host, 'session:sync', {})).not.toHaveProperty('preChat');
  expect((await send(host, 'hi')).ok).toBe(true);

  const other = await t().visitor();
  const o = await ok(other, 'session:sync', {});
  await ok(other, 'visitor:profile', { name: 'Bo' });
  expect((await ok(other, 'session:sync', {})).preChat).toEqual({ email: 'required' });
  expect(await send(other, 'hi')).toMatchObject({ ok: false, error: { code: 'PRE_CHAT_REQUIRED', message: expect.stringContaining('email') } });
  expect(await messagesOf(o.visitorId)).toBe(0);
});

test('a chat already going on is not interrupted by a form switched on later; switched off, nothing is required', async () => {
  const going = await chattingVisitor(t());
  await form({ name: 'required' });
  expect((await send(going.socket, 'one more thing')).ok).toBe(true);

  const v = await t().visitor();
  await ok(v, 'session:sync', {});
  expect((await send(v, 'hi')).ok).toBe(false);
  await form({ name: 'off' });
  expect((await send(v, 'hi')).ok).toBe(true);
});

test.each([
  ['an unknown mode', { ...DEFAULT_SETTINGS.preChat, name: 'sometimes' }, 'preChat.name'],
  ['a field missing', { name: 'required' }, 'preChat.email'],
  ['an unknown field', { ...DEFAULT_SETTINGS.preChat, phone: 'required' }, 'preChat'],
])('settings refused with VALIDATION_FAILED: %s; nothing stored', async (_what, preChat, path) => {
  const r = await put({ preChat }).expect(400);
  expect(r.body.error.code).toBe('VALIDATION_FAILED');
  expect(r.body.error.message).toContain(path);
  expect((await t().sql.query('SELECT key FROM settings')).rows).toEqual([]);
});

test('the widget\'s chat core: the session\'s fields, an optional email left empty, then the question opens the chat with the name', async () => {
  await form({ name: 'required', email: 'optional', department: 'optional', question: 'required' });
  const agent = await onlineAgent(t(), { name: 'Ana' });
  const data = new Map<string, string>();
  const chat = createChat({
    connect: (auth) => io(`${t().url}/visitor`, { auth, transports: ['websocket'] }),
    storage: { getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v), removeItem: (k) => void data.delete(k) },
    storageKey: 'test',
  });
  chat.start();
  await until(() => chat.state.connection === 'online', WAIT_MS, 'the session');
  // No departments offered here: the department is not asked.
  expect(preChatFields(chat.state)).toEqual(['name', 'email', 'question']);

  // An empty optional field is remembered as answered but not sent (visitor:profile refuses empty values).
  expect((await chat.setProfile({ name: ' 李雷 ', email: '' }))?.ok).toBe(true);
  expect(chat.state.known).toEqual({ name: ' 李雷 ', email: '' });
  expect(await t().store.getVisitor(chat.state.visitorId!)).toMatchObject({ name: '李雷', email: null });
  // What is left is the question, which the composer asks: no form.
  expect(preChatFields(chat.state)).toBeNull();

  const got = next(agent.socket, 'conversation:assigned');
  chat.send('快递几天能到？');
  expect((await got).conversation.visitorName).toBe('李雷');
  chat.stop();
});
