/**
 * /api/v1/users and /api/v1/invitations: roles, validation, the invitation and reset flows
 * end to end (with an injected clock for expiry), deactivation (sockets signed out, chats
 * requeued at the front) and capacity changes (the queue drains at once).
 */
import request from 'supertest';
import type { Socket } from 'socket.io-client';
import { hashLinkToken } from '../../server/domain/team';
import { chattingVisitor, loginToken, ok, onlineAgent, openTestStore, until, WAIT_MS } from '../helpers/chat';
import { createTestDatabase } from '../helpers/postgres';
import { useTestServer } from '../helpers/suite';

/** A manual clock per test moves the server's time (tokens, link expiry) without sleeping. */
const t = useTestServer({ clock: 'manual' });
let lead: { id: string; token: string; email: string };
let agent: { id: string; token: string; email: string };
let visitorToken: string;

beforeEach(async () => {
  lead = await t().createUser({ role: 'lead', name: 'Lena Lead' });
  agent = await t().createUser({ role: 'agent', name: 'Arun Agent' });
  // A visitor session without a conversation, so the queue starts empty.
  visitorToken = (await ok(await t().visitor(), 'session:sync', {})).token;
});

const auth = (token: string) => ({ authorization: `Bearer ${token}` });
const api = () => request(t().server.app);
const uniqueEmail = () => `${Math.random().toString(36).slice(2)}@example.test`;
const tokenOf = (url: string) => url.slice(url.indexOf('#invite=') + '#invite='.length);

async function invite(body: Record<string, unknown> = {}) {
  const res = await api()
    .post('/api/v1/users')
    .set(auth(lead.token))
    .send({ email: uniqueEmail(), name: 'New Person', ...body })
    .expect(201);
  return { user: res.body.user, url: res.body.invitation.url as string, token: tokenOf(res.body.invitation.url) };
}

/** Ids of the conversations assigned to this socket from now on. */
function collectAssigned(socket: Socket): string[] {
  const ids: string[] = [];
  socket.on('conversation:assigned', (c: { conversation: { id: string } }) => void ids.push(c.conversation.id));
  return ids;
}

describe('roles', () => {
  test.each([
    ['GET', '/api/v1/users'],
    ['POST', '/api/v1/users'],
    ['GET', '/api/v1/users/x'],
    ['PATCH', '/api/v1/users/x'],
    ['POST', '/api/v1/users/x/reset-password'],
  ])('%s %s: no token is 401, a visitor token 403', async (method, path) => {
    const m = method.toLowerCase() as 'get' | 'post' | 'patch';
    expect((await api()[m](path).send({}).expect(401)).body.error.code).toBe('UNAUTHENTICATED');
    expect((await api()[m](path).set(auth(visitorToken)).send({}).expect(403)).body.error.code).toBe('FORBIDDEN');
  });

  test.each([
    ['POST', '/api/v1/users'],
    ['GET', '/api/v1/users/x'],
    ['PATCH', '/api/v1/users/x'],
    ['POST', '/api/v1/users/x/reset-password'],
  ])('%s %s is for leads: an agent gets 403', async (method, path) => {
    const m = method.toLowerCase() as 'get' | 'post' | 'patch';
    expect((await api()[m](path).set(auth(agent.token)).send({ name: 'x' }).expect(403)).body.error.code).toBe('FORBIDDEN');
  });

  test('an agent lists active colleagues with presence only; a lead gets full records', async () => {
    const online = await onlineAgent(t(), { name: 'Olga Online', capacity: 4 });
    const gone = await invite({ name: 'Gone Person' });
    await api().patch(`/api/v1/users/${gone.user.id}`).set(auth(lead.token)).send({ active: false }).expect(200);

    const seen = (await api().get('/api/v1/users').set(auth(agent.token)).expect(200)).body.users;
    const olga = seen.find((u: any) => u.id === online.id);
    expect(olga).toEqual({ id: online.id, name: 'Olga Online', role: 'agent', status: 'online', capacity: 4, load: 0, connected: true });
    for (const u of seen) expect(Object.keys(u).sort()).toEqual(['capacity', 'connected', 'id', 'load', 'name', 'role', 'status']);
    expect(seen.map((u: any) => u.id)).not.toContain(gone.user.id);
    expect(seen.map((u: any) => u.id)).toContain(lead.id);

    const full = (await api().get('/api/v1/users').set(auth(lead.token)).expect(200)).body.users;
    expect(full.find((u: any) => u.id === gone.user.id)).toMatchObject({ name: 'Gone Person', active: false, status: 'offline' });
    expect(full.find((u: any) => u.id === online.id)).toMatchObject({
      email: online.email,
      name: 'Olga Online',
      role: 'agent',
      capacity: 4,
      languages: [],
      active: true,
      status: 'online',
      connected: true,
      createdAt: expect.any(Number),
    });
    expect(JSON.stringify(full)).not.toMatch(/argon2|password/i);

    const one = await api().get(`/api/v1/users/${online.id}`).set(auth(lead.token)).expect(200);
    expect(one.body.user).toMatchObject({ id: online.id, status: 'online' });
    expect((await api().get('/api/v1/users/nobody').set(auth(lead.token)).expect(404)).body.error.code).toBe('USER_NOT_FOUND');
  });
});

describe('creating users', () => {
  test('a lead creates a user with languages and gets a one-time link; defaults apply', async () => {
    const email = `Mixed.${uniqueEmail()}`;
    const res = await api()
      .post('/api/v1/users')
      .set(auth(lead.token))
      .send({ email, name: '  王芳  ', role: 'lead', capacity: 8, languages: ['zh-CN', 'en', 'zh-CN'] })
      .expect(201);
    expect(res.body.user).toMatchObject({ email: email.toLowerCase(), name: '王芳', role: 'lead', capacity: 8, languages: ['zh-CN', 'en'], active: true });
    expect(res.body.invitation).toEqual({ url: expect.stringMatching(/^http:\/\/127\.0\.0\.1(:\d+)?\/console#invite=[A-Za-z0-9_-]{43}$/), purpose: 'invite', expiresAt: expect.any(Number), emailed: false });
    // The link's expiry is computed from the injected clock, give or take the request's duration.
    expect(Math.abs(res.body.invitation.expiresAt - (t.clock.now() + 86_400_000))).toBeLessThan(5000);

    const plain = await invite();
    expect(plain.user).toMatchObject({ role: 'agent', capacity: 5, languages: [], active: true });
  });

  test('the token is stored only as its sha256', async () => {
    const { token, user } = await invite();
    const { rows } = await t.db.sql.query<{ token_hash: string }>('SELECT token_hash FROM user_invitations WHERE user_id = $1', [user.id]);
    expect(rows).toHaveLength(1);
    expect(rows[0].token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[0].token_hash).not.toContain(token);
  });

  test.each([
    ['a bad email', { email: 'nope', name: 'A' }],
    ['no name', { email: 'a@example.test' }],
    ['an empty name', { email: 'a@example.test', name: '   ' }],
    ['an unknown role', { email: 'a@example.test', name: 'A', role: 'admin' }],
    ['a negative capacity', { email: 'a@example.test', name: 'A', capacity: -1 }],
    ['a fractional capacity', { email: 'a@example.test', name: 'A', capacity: 1.5 }],
    ['a bad language', { email: 'a@example.test', name: 'A', languages: ['not a tag'] }],
    ['languages not a list', { email: 'a@example.test', name: 'A', languages: 'en' }],
    ['a password (users set their own)', { email: 'a@example.test', name: 'A', password: 'secret-secret' }],
  ])('creating with %s is a validation error', async (_what, body) => {
    const res = await api().post('/api/v1/users').set(auth(lead.token)).send(body).expect(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
  });

  test('an email already in use (in any case) is refused', async () => {
    const res = await api().post('/api/v1/users').set(auth(lead.token)).send({ email: agent.email.toUpperCase(), name: 'Twin' }).expect(409);
    expect(res.body.error.code).toBe('EMAIL_TAKEN');
  });
});

describe('one-time links', () => {
  test('invite → accept → login works; the link cannot be used twice', async () => {
    const { user, token } = await invite({ name: 'Ivy Invited' });
    // Before accepting, no password works (the stored hash is of a random one).
    await api().post('/api/v1/auth/login').send({ email: user.email, password: 'password123' }).expect(401);

    const shown = await api().get(`/api/v1/invitations/${token}`).expect(200);
    expect(shown.body.invitation).toEqual({ purpose: 'invite', expiresAt: expect.any(Number), user: { email: user.email, name: 'Ivy Invited' } });

    const short = await api().post(`/api/v1/invitations/${token}`).send({ password: 'short' }).expect(400);
    expect(short.body.error.code).toBe('VALIDATION_FAILED');
    await api().post(`/api/v1/invitations/${token}`).send({}).expect(400);

    const accepted = await api().post(`/api/v1/invitations/${token}`).send({ password: 'a long passphrase' }).expect(200);
    expect(accepted.body.user).toMatchObject({ id: user.id, email: user.email });
    const session = await loginToken(t().url, user.email, 'a long passphrase');
    expect((await api().get('/api/v1/me').set(auth(session)).expect(200)).body.user.id).toBe(user.id);

    const again = await api().post(`/api/v1/invitations/${token}`).send({ password: 'another passphrase' }).expect(410);
    expect(again.body.error.code).toBe('INVITATION_USED');
    expect((await api().get(`/api/v1/invitations/${token}`).expect(410)).body.error.code).toBe('INVITATION_USED');
    await loginToken(t().url, user.email, 'a long passphrase');
  });

  test('two accepts racing: exactly one wins', async () => {
    const { token } = await invite();
    const results = await Promise.all([
      api().post(`/api/v1/invitations/${token}`).send({ password: 'first passphrase' }),
      api().post(`/api/v1/invitations/${token}`).send({ password: 'second passphrase' }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 410]);
  });

  test('a link expires after 24 hours', async () => {
    const { token } = await invite();
    t.clock.advance(86_400_000 + 1);
    expect((await api().get(`/api/v1/invitations/${token}`).expect(410)).body.error.code).toBe('INVITATION_EXPIRED');
    const res = await api().post(`/api/v1/invitations/${token}`).send({ password: 'a long passphrase' }).expect(410);
    expect(res.body.error.code).toBe('INVITATION_EXPIRED');
  });

  test('a link is still good just before 24 hours', async () => {
    const { token } = await invite();
    t.clock.advance(86_400_000 - 60_000);
    await api().post(`/api/v1/invitations/${token}`).send({ password: 'a long passphrase' }).expect(200);
  });

  test('malformed and unknown tokens are invalid', async () => {
    for (const token of ['short', 'x'.repeat(43), 'A'.repeat(43)]) {
      expect((await api().post(`/api/v1/invitations/${token}`).send({ password: 'a long passphrase' }).expect(400)).body.error.code).toBe('INVITATION_INVALID');
    }
    expect((await api().get('/api/v1/invitations/nope').expect(400)).body.error.code).toBe('INVITATION_INVALID');
  });

  test('a reset link replaces the earlier one and sets a new password', async () => {
    const first = await invite();
    await api().post(`/api/v1/invitations/${first.token}`).send({ password: 'original passphrase' }).expect(200);

    const r1 = await api().post(`/api/v1/users/${first.user.id}/reset-password`).set(auth(lead.token)).expect(201);
    expect(r1.body.invitation).toMatchObject({ purpose: 'reset', url: expect.stringContaining('#invite=') });
    const r2 = await api().post(`/api/v1/users/${first.user.id}/reset-password`).set(auth(lead.token)).expect(201);
    const replaced = await api().post(`/api/v1/invitations/${tokenOf(r1.body.invitation.url)}`).send({ password: 'replaced passphrase' }).expect(400);
    expect(replaced.body.error.code).toBe('INVITATION_INVALID');

    // The old password works until the new one is set.
    await loginToken(t().url, first.user.email, 'original passphrase');
    await api().post(`/api/v1/invitations/${tokenOf(r2.body.invitation.url)}`).send({ password: 'brand new passphrase' }).expect(200);
    await loginToken(t().url, first.user.email, 'brand new passphrase');
    await api().post('/api/v1/auth/login').send({ email: first.user.email, password: 'original passphrase' }).expect(401);

    expect((await api().post('/api/v1/users/nobody/reset-password').set(auth(lead.token)).expect(404)).body.error.code).toBe('USER_NOT_FOUND');
  });

  test('a deactivated user cannot use a link or get a new one', async () => {
    const { user, token } = await invite();
    await api().patch(`/api/v1/users/${user.id}`).set(auth(lead.token)).send({ active: false }).expect(200);
    expect((await api().post(`/api/v1/invitations/${token}`).send({ password: 'a long passphrase' }).expect(403)).body.error.code).toBe('ACCOUNT_DISABLED');
    expect((await api().post(`/api/v1/users/${user.id}/reset-password`).set(auth(lead.token)).expect(403)).body.error.code).toBe('ACCOUNT_DISABLED');
  });

  test('link checks are rate limited per IP', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) statuses.push((await api().get('/api/v1/invitations/nope')).status);
    expect(statuses.slice(0, 20).every((s) => s === 400)).toBe(true);
    expect(statuses[20]).toBe(429);
  });
});

describe('editing users', () => {
  test('a lead edits name, role, languages; a rename shows at once', async () => {
    const { user } = await invite({ name: 'Old Name' });
    const res = await api()
      .patch(`/api/v1/users/${user.id}`)
      .set(auth(lead.token))
      .send({ name: 'New Name', role: 'lead', languages: ['en', 'fr'] })
      .expect(200);
    expect(res.body.user).toMatchObject({ id: user.id, name: 'New Name', role: 'lead', languages: ['en', 'fr'], capacity: 5, active: true });
    expect((await t.db.store.getUser(user.id))!).toMatchObject({ displayName: 'New Name', role: 'lead', languages: ['en', 'fr'] });
    const colleagues = (await api().get('/api/v1/users').set(auth(agent.token)).expect(200)).body.users;
    expect(colleagues.find((u: any) => u.id === user.id)).toMatchObject({ name: 'New Name', role: 'lead' });
  });

  test.each([
    ['an empty body', {}],
    ['an unknown field', { email: 'x@example.test' }],
    ['a bad role', { role: 'boss' }],
    ['a capacity over 100', { capacity: 101 }],
    ['active as a string', { active: 'no' }],
  ])('editing with %s is a validation error', async (_what, body) => {
    const res = await api().patch(`/api/v1/users/${agent.id}`).set(auth(lead.token)).send(body).expect(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
  });

  test('an unknown user is 404; a lead cannot deactivate or demote themselves', async () => {
    expect((await api().patch('/api/v1/users/nobody').set(auth(lead.token)).send({ name: 'X' }).expect(404)).body.error.code).toBe('USER_NOT_FOUND');
    expect((await api().patch(`/api/v1/users/${lead.id}`).set(auth(lead.token)).send({ active: false }).expect(403)).body.error.code).toBe('FORBIDDEN');
    expect((await api().patch(`/api/v1/users/${lead.id}`).set(auth(lead.token)).send({ role: 'agent' }).expect(403)).body.error.code).toBe('FORBIDDEN');
    await api().patch(`/api/v1/users/${lead.id}`).set(auth(lead.token)).send({ name: 'Still Lead' }).expect(200);
  });

  test('deactivating signs the agent out everywhere, requeues their chat at the front and refuses their token', async () => {
    const a = await onlineAgent(t(), { name: 'Dee', capacity: 1 });
    const second = await t().agent(a.token); // a second tab
    const held = await chattingVisitor(t(), 'I was talking to Dee');
    expect(await t().pool.assignmentOf(held.conversationId)).toBe(a.id);
    const waiting = await chattingVisitor(t(), 'I am waiting');
    expect(await t().pool.queue()).toEqual([waiting.conversationId]);

    const reasons = [a.socket, second].map((s) => new Promise((resolve) => (s as Socket).once('disconnect', resolve)));
    const res = await api().patch(`/api/v1/users/${a.id}`).set(auth(lead.token)).send({ active: false }).expect(200);
    expect(res.body.user).toMatchObject({ active: false, status: 'offline', load: 0 });
    expect(await Promise.all(reasons)).toEqual(['io server disconnect', 'io server disconnect']);

    // Back at the front of the queue, ahead of the one that was already waiting.
    expect(await t().pool.queue()).toEqual([held.conversationId, waiting.conversationId]);
    expect((await t.db.store.getConversation(held.conversationId))!).toMatchObject({ status: 'queued', agentId: null });

    // The token stops working for REST, sockets and login.
    expect((await api().get('/api/v1/me').set(auth(a.token)).expect(403)).body.error.code).toBe('ACCOUNT_DISABLED');
    await expect(t().agent(a.token)).rejects.toMatchObject({ message: 'ACCOUNT_DISABLED' });
    expect((await api().post('/api/v1/auth/login').send({ email: a.email, password: 'password123' }).expect(403)).body.error.code).toBe('ACCOUNT_DISABLED');

    // The next agent gets the requeued chat first.
    const b = await onlineAgent(t(), { capacity: 1 });
    await until(async () => (await t().pool.assignmentOf(held.conversationId)) === b.id, WAIT_MS, 'requeued chat assigned');
    expect(await t().pool.queue()).toEqual([waiting.conversationId]);

    // Reactivation lets them log in again.
    await api().patch(`/api/v1/users/${a.id}`).set(auth(lead.token)).send({ active: true }).expect(200);
    await loginToken(t().url, a.email, 'password123');
  });

  test('deactivating hands the agent\'s chats to an online colleague with room at once, and ends their sessions', async () => {
    const leaving = await onlineAgent(t(), { name: 'Leaving', capacity: 2 });
    const chats = [await chattingVisitor(t(), 'first'), await chattingVisitor(t(), 'second')];
    for (const c of chats) expect(await t().pool.assignmentOf(c.conversationId)).toBe(leaving.id);
    // A colleague comes online only now, so the chats could only reach them by re-routing.
    const staying = await onlineAgent(t(), { name: 'Staying', capacity: 5 });
    const assigned = collectAssigned(staying.socket);
    const gone = new Promise((resolve) => leaving.socket.once('disconnect', resolve));

    await api().patch(`/api/v1/users/${leaving.id}`).set(auth(lead.token)).send({ active: false }).expect(200);
    expect(await gone).toBe('io server disconnect');
    await until(() => assigned.length === 2, WAIT_MS, 'both chats re-routed');
    expect(assigned.sort()).toEqual(chats.map((c) => c.conversationId).sort());
    for (const c of chats) {
      expect(await t().pool.assignmentOf(c.conversationId)).toBe(staying.id);
      expect((await t.db.store.getConversation(c.conversationId))!).toMatchObject({ status: 'open', agentId: staying.id });
    }
    expect(await t().pool.queue()).toEqual([]);
  });

  test('raising capacity drains the queue at once; lowering it keeps current chats', async () => {
    const a = await onlineAgent(t(), { capacity: 1 });
    const chats = [await chattingVisitor(t()), await chattingVisitor(t()), await chattingVisitor(t())];
    expect(await t().pool.queue()).toHaveLength(2);

    const res = await api().patch(`/api/v1/users/${a.id}`).set(auth(lead.token)).send({ capacity: 3 }).expect(200);
    expect(res.body.user).toMatchObject({ capacity: 3, load: 3 });
    expect(await t().pool.queue()).toEqual([]);
    expect((await t().pool.agentConversations(a.id)).sort()).toEqual(chats.map((c) => c.conversationId).sort());
    expect((await t.db.store.getUser(a.id))!.capacity).toBe(3);

    await api().patch(`/api/v1/users/${a.id}`).set(auth(lead.token)).send({ capacity: 1 }).expect(200);
    expect(await t().pool.agent(a.id)).toMatchObject({ capacity: 1, load: 3 });
    const more = await chattingVisitor(t());
    expect(await t().pool.queue()).toEqual([more.conversationId]);
  });

  test('a role change signs the user out so their socket reconnects with the new role', async () => {
    const a = await onlineAgent(t());
    const gone = new Promise((resolve) => a.socket.once('disconnect', resolve));
    await api().patch(`/api/v1/users/${a.id}`).set(auth(lead.token)).send({ role: 'lead' }).expect(200);
    expect(await gone).toBe('io server disconnect');
    const again = await t().agent(a.token);
    expect((await ok(again, 'lead:snapshot', {})).agents).toEqual(expect.any(Array));
  });
});

describe('on PostgreSQL, where statements really run concurrently', () => {
  test('of many accepts of one link at once, exactly one sets the password', async () => {
    const pg = await createTestDatabase();
    const stores = await Promise.all([openTestStore(pg.url), openTestStore(pg.url)]);
    try {
      const [s1, s2] = stores.map((x) => x.store);
      const user = await s1.upsertUser({ email: 'race@example.test', displayName: 'Race', role: 'agent', passwordHash: 'unusable', capacity: 5 });
      const at = Date.now();
      await s1.createInvitation({ tokenHash: hashLinkToken('race-token'), userId: user.id, purpose: 'invite', at, expiresAt: at + 86_400_000 });
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) => (i % 2 ? s1 : s2).acceptInvitation(hashLinkToken('race-token'), `hash-${i}`, at + 1)),
      );
      const outcomes = results.map((r) => r.outcome).sort();
      expect(outcomes).toEqual(['accepted', 'used', 'used', 'used', 'used', 'used', 'used', 'used']);
      const winner = results.findIndex((r) => r.outcome === 'accepted');
      expect((await s2.findUserByEmail('race@example.test'))!.passwordHash).toBe(`hash-${winner}`);
      expect(await s1.getInvitation(hashLinkToken('race-token'))).toMatchObject({ userId: user.id, purpose: 'invite', usedAt: at + 1 });
    } finally {
      for (const x of stores) {
        await x.store.close();
        await x.sql.close();
      }
      await pg.drop();
    }
  });
});
