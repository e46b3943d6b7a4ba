/**
 * Setting a password ends the sessions opened before it: after a reset link is used, or
 * after users change their own password, the old tokens are refused (TOKEN_EXPIRED) over
 * REST and at the handshake, and live sockets are signed out. Manual clock: the old token
 * and the new password are never in the same millisecond.
 */
import request from 'supertest';
import { io as connect } from 'socket.io-client';
import { loginToken } from '../helpers/chat';
import { useTestServer } from '../helpers/suite';

const t = useTestServer({ clock: 'manual' });
const auth = (token: string) => ({ authorization: `Bearer ${token}` });
const api = () => request(t().server.app);

/** The code a handshake with this token is refused with. */
function handshakeError(token: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(`${t().url}/agent`, { auth: { token }, transports: ['websocket'], forceNew: true, reconnection: false });
    s.once('connect', () => {
      s.disconnect();
      reject(new Error('connected'));
    });
    s.once('connect_error', (err) => resolve(err.message));
  });
}

test('a used reset link ends every earlier session of the user', async () => {
  const lead = await t().createUser({ role: 'lead', name: 'Lead' });
  const agent = await t().createUser({ name: 'Ana', password: 'old passphrase' });
  const socket = await t().agent(agent.token);
  const disconnected = new Promise((resolve) => socket.once('disconnect', resolve));
  t.clock.advance(1);

  const reset = await api().post(`/api/v1/users/${agent.id}/reset-password`).set(auth(lead.token)).expect(201);
  const linkToken = String(reset.body.invitation.url).split('#invite=')[1];
  // The lead's reset alone ends nothing: the old password still works until the link is used.
  await api().get('/api/v1/me').set(auth(agent.token)).expect(200);
  await api().post(`/api/v1/invitations/${linkToken}`).send({ password: 'new passphrase' }).expect(200);

  await disconnected;
  const refused = await api().get('/api/v1/me').set(auth(agent.token)).expect(401);
  expect(refused.body.error.code).toBe('TOKEN_EXPIRED');
  expect(await handshakeError(agent.token)).toBe('TOKEN_EXPIRED');
  const fresh = await loginToken(t().url, agent.email, 'new passphrase');
  await api().get('/api/v1/me').set(auth(fresh)).expect(200);
  // Other users' sessions are untouched.
  await api().get('/api/v1/me').set(auth(lead.token)).expect(200);
});

test('users change their own password: the current one is required, earlier sessions end, the new token works', async () => {
  const agent = await t().createUser({ name: 'Bo', password: 'first passphrase' });
  const otherTab = await t().agent(agent.token);
  const signedOut = new Promise((resolve) => otherTab.once('disconnect', resolve));
  t.clock.advance(1);

  const wrong = await api().post('/api/v1/me/password').set(auth(agent.token))
    .send({ currentPassword: 'not it', newPassword: 'second passphrase' }).expect(401);
  expect(wrong.body.error.code).toBe('INVALID_CREDENTIALS');
  await api().get('/api/v1/me').set(auth(agent.token)).expect(200);

  const short = await api().post('/api/v1/me/password').set(auth(agent.token))
    .send({ currentPassword: 'first passphrase', newPassword: 'short' }).expect(400);
  expect(short.body.error.code).toBe('VALIDATION_FAILED');

  const changed = await api().post('/api/v1/me/password').set(auth(agent.token))
    .send({ currentPassword: 'first passphrase', newPassword: 'second passphrase' }).expect(200);
  expect(changed.body).toMatchObject({ token: expect.stringMatching(/^v1\./), user: { id: agent.id } });

  await signedOut;
  expect((await api().get('/api/v1/me').set(auth(agent.token)).expect(401)).body.error.code).toBe('TOKEN_EXPIRED');
  await api().get('/api/v1/me').set(auth(changed.body.token)).expect(200);
  const socket = await t().agent(changed.body.token);
  expect(socket.connected).toBe(true);
  await expect(loginToken(t().url, agent.email, 'first passphrase')).rejects.toThrow('401');
  await loginToken(t().url, agent.email, 'second passphrase');
});

test('changing a password needs a signed-in user', async () => {
  const r = await api().post('/api/v1/me/password').send({ currentPassword: 'a', newPassword: 'bbbbbbbbbbbb' }).expect(401);
  expect(r.body.error.code).toBe('UNAUTHENTICATED');
});
