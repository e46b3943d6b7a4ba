/**
 * `npm run cluster` (server/cluster.ts): refuses to start without Redis and PostgreSQL, saying
 * why; with them, N processes share one port, a shopper and an agent chat across them, and
 * SIGTERM stops every process cleanly.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import os from 'node:os';
import { io as connect, type Socket } from 'socket.io-client';
import type { AgentClientToServerEvents, AgentServerToClientEvents, VisitorClientToServerEvents, VisitorServerToClientEvents } from '../../shared/protocol';
import { loginToken, next, ok, until } from '../helpers/chat';
import { createTestDatabase } from '../helpers/postgres';
import { useRedisServer } from '../helpers/suite';

jest.setTimeout(90_000);
const ROOT = path.join(__dirname, '../..');
const redis = useRedisServer();

function run(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/cluster.ts'], {
    cwd: ROOT,
    env: { ...process.env, NODE_OPTIONS: '', REDIS_URL: '', DATABASE_URL: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, exited, output: () => out };
}

test('without REDIS_URL and DATABASE_URL it says what it needs and exits 1', async () => {
  const c = run({});
  expect(await c.exited).toBe(1);
  expect(c.output()).toContain('npm run cluster needs REDIS_URL and DATABASE_URL');
  expect(c.output()).toContain('docs/deploy.md');
});

test('CLUSTER_PROCESSES=2 share one port; a shopper and an agent chat across them; SIGTERM stops all', async () => {
  const db = await createTestDatabase();
  let c: ReturnType<typeof run> | undefined;
  const sockets: Socket[] = [];
  try {
    c = run({
      REDIS_URL: redis().url,
      REDIS_PREFIX: `cluster-script:${randomUUID()}`,
      DATABASE_URL: db.url,
      CLUSTER_PROCESSES: '2',
      PORT: '0',
      HOST: '127.0.0.1',
      ADMIN_EMAIL: 'lead@example.test',
      ADMIN_PASSWORD: 'password123',
      DATA_DIR: path.join(os.tmpdir(), `ls-cluster-${randomUUID()}`),
    });
    const listening = () => [...c!.output().matchAll(/"pid":(\d+),"port":(\d+)[^\n]*LiveSupport listening/g)];
    await until(() => listening().length === 2, 60_000, 'two processes listening');
    // Two processes, one port.
    expect(new Set(listening().map((m) => m[1])).size).toBe(2);
    expect(new Set(listening().map((m) => m[2])).size).toBe(1);
    const port = Number(listening()[0][2]);

    const url = `http://127.0.0.1:${port}`;
    const open = <S extends Socket>(nsp: string, auth: object) =>
      new Promise<S>((resolve, reject) => {
        const s = connect(`${url}${nsp}`, { auth, transports: ['websocket'], forceNew: true, reconnection: false }) as S;
        sockets.push(s);
        s.once('connect', () => resolve(s));
        s.once('connect_error', reject);
      });
    const agent = await open<Socket<AgentServerToClientEvents, AgentClientToServerEvents>>('/agent', { token: await loginToken(url, 'lead@example.test', 'password123') });
    await ok(agent, 'session:sync', {});
    await ok(agent, 'agent:status', { status: 'online' });
    // Connections are handed to the processes in turn: some shoppers land on the agent's process, some not.
    const shoppers = await Promise.all([0, 1, 2].map(() => open<Socket<VisitorServerToClientEvents, VisitorClientToServerEvents>>('/visitor', {})));
    for (const [i, shopper] of shoppers.entries()) {
      await ok(shopper, 'session:sync', {});
      const assigned = next(agent, 'conversation:assigned', () => true, 20_000);
      const sent = await ok(shopper, 'message:send', { clientId: randomUUID(), text: `hello ${i}` });
      expect((await assigned).conversation.id).toBe(sent.conversationId);
      const reply = next(shopper, 'message', (m) => m.author === 'agent', 20_000);
      await ok(agent, 'message:send', { conversationId: sent.conversationId, clientId: randomUUID(), text: `hi ${i}` });
      expect((await reply).text).toBe(`hi ${i}`);
    }
    sockets.forEach((s) => s.disconnect());
    c.child.kill('SIGTERM');
    expect(await c.exited).toBe(0);
  } finally {
    sockets.forEach((s) => s.disconnect());
    if (c && c.child.exitCode === null) {
      c.child.kill('SIGKILL');
      await c.exited;
    }
    await db.drop();
  }
});
