/**
 * A private, throwaway redis-server for integration tests: free port, no persistence,
 * killed on stop(). Never the shared Redis on 6379.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import os from 'node:os';

const BINARY = '/usr/bin/redis-server';

export interface TestRedisServer {
  port: number;
  url: string;
  stop(): Promise<void>;
  /** Stop and start again on the same port, with empty data (nothing is persisted). */
  restart(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Resolves once the server answers PING with +PONG (raw RESP, no client library needed). */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(500, () => done(false));
    sock.on('error', () => done(false));
    sock.on('connect', () => sock.write('PING\r\n'));
    sock.on('data', (d) => done(d.toString().startsWith('+PONG')));
  });
}

/** A redis-server on `port` without persistence (plus `args`), once it answers PING. */
export async function launch(port: number, args: string[] = [], dir = os.tmpdir()): Promise<ChildProcess> {
  const child = spawn(
    BINARY,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, ...args],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  // Generous: two busy cores can take seconds to start a process.
  const deadline = Date.now() + 30_000;
  while (!(await ping(port))) {
    if (child.exitCode !== null) throw new Error(`redis-server exited (${child.exitCode}): ${stderr}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`redis-server on ${port} did not answer PING: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return child;
}

export function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

export async function startRedisServer(): Promise<TestRedisServer> {
  const port = await freePort();
  let child = await launch(port);
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    stop: () => kill(child),
    async restart() {
      await kill(child);
      child = await launch(port);
    },
  };
}
