/**
 * Handshakes a client must not get through: the root namespace, and tokens whose signature
 * decodes to the right bytes but is not written the way the server wrote it.
 */
import { io as connect, type Socket } from 'socket.io-client';
import { ok } from '../helpers/chat';
import { useTestServer } from '../helpers/suite';

const t = useTestServer({ lifetime: 'block' });

/** The error a handshake to `nsp` ends with (or 'connected'). */
function handshake(nsp: string, auth: Record<string, unknown> = {}): Promise<{ message: string; data?: unknown } | 'connected'> {
  return new Promise((resolve) => {
    const socket: Socket = connect(`${t().url}${nsp}`, { auth, transports: ['websocket'], forceNew: true, reconnection: false });
    socket.once('connect', () => {
      socket.disconnect();
      resolve('connected');
    });
    socket.once('connect_error', (err: Error & { data?: unknown }) => {
      socket.disconnect();
      resolve({ message: err.message, data: err.data });
    });
  });
}

test('the root namespace refuses every handshake like a namespace that does not exist', async () => {
  expect(await handshake('/')).toEqual({ message: 'Invalid namespace', data: undefined });
  expect(await handshake('/', { token: 'anything' })).toEqual({ message: 'Invalid namespace', data: undefined });
  expect(await handshake('/nowhere')).toEqual({ message: 'Invalid namespace', data: undefined });
});

test('the visitor and agent namespaces still accept their clients', async () => {
  const visitor = await t().visitor();
  const { token } = await ok(visitor, 'session:sync', {});
  expect(await handshake('/visitor', { token })).toBe('connected');
  const agent = await t().createUser({ role: 'agent' });
  expect(await handshake('/agent', { token: agent.token })).toBe('connected');
});

test('a token with a non-canonical signature is refused at the handshake', async () => {
  const agent = await t().createUser({ role: 'agent' });
  for (const token of [`${agent.token}=`, `${agent.token}~`]) {
    expect(await handshake('/agent', { token })).toEqual({
      message: 'TOKEN_INVALID',
      data: expect.objectContaining({ code: 'TOKEN_INVALID' }),
    });
  }
});
