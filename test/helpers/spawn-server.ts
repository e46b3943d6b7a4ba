/**
 * A real server process (`server/main.ts` under tsx) with the given environment, for tests of
 * several OS processes sharing one Redis and one database. Resolves once it listens.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { io as connect, type Socket } from 'socket.io-client';

export function startProcess(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: path.join(__dirname, '../..'),
      env: { ...process.env, NODE_OPTIONS: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 30_000);
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      const m = /"port":(\d+).*LiveSupport listening/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: `http://127.0.0.1:${m[1]}` });
      }
    });
    child.stderr!.on('data', (chunk) => (out += chunk));
    child.on('exit', (code) => reject(new Error(`server exited with ${code}:\n${out}`)));
  });
}

/** Ends the processes (SIGTERM) and waits for them to exit. */
export async function stopProcesses(children: ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map((p) => new Promise((resolve) => (p.exitCode !== null ? resolve(null) : (p.once('exit', resolve), p.kill('SIGTERM'))))),
  );
}

/** A socket.io-client socket on a spawned server's namespace URL (untyped: these tests speak raw events). */
export function open(url: string, token?: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(url, { auth: token ? { token } : {}, transports: ['websocket'], forceNew: true, reconnection: false });
    s.once('connect', () => resolve(s));
    s.once('connect_error', reject);
  });
}

/** Emits with an ack (20 s) and returns the ack's data; fails on an error ack. */
export async function ok(s: Socket, event: string, payload: unknown): Promise<any> {
  const r = await s.timeout(20_000).emitWithAck(event, payload);
  if (!r.ok) throw new Error(`${event}: ${r.error.code}`);
  return r.data;
}
