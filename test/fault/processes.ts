/**
 * The fault suite's server processes: child processes of test/fault/node.ts on one Redis and
 * one PostgreSQL database, each in a numbered slot that can be killed and started again.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export interface ServerProcess {
  slot: number;
  url: string;
  child: ChildProcess;
  /** Resolves with the exit code, or the signal that ended it. */
  exited: Promise<number | NodeJS.Signals | null>;
  /** stdout and stderr so far (for a failing test's message). */
  output(): string;
}

const ROOT = path.join(__dirname, '../..');
const START_TIMEOUT_MS = 45_000;

function start(slot: number, env: Record<string, string>): Promise<ServerProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/fault/node.ts'], {
      cwd: ROOT,
      env: { ...process.env, NODE_OPTIONS: '', PORT: '0', HOST: '127.0.0.1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const exited = new Promise<number | NodeJS.Signals | null>((res) => child.once('exit', (code, signal) => res(signal ?? code)));
    const timer = setTimeout(() => reject(new Error(`process ${slot} did not start:\n${out}`)), START_TIMEOUT_MS);
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      const m = /\{"port":(\d+)\}/.exec(out);
      if (m && timer) {
        clearTimeout(timer);
        resolve({ slot, url: `http://127.0.0.1:${m[1]}`, child, exited, output: () => out });
      }
    });
    child.stderr!.on('data', (chunk) => (out += chunk));
    void exited.then((why) => {
      clearTimeout(timer);
      reject(new Error(`process ${slot} exited (${why}) before listening:\n${out}`));
    });
  });
}

export interface ProcessTable {
  /** Starts (or starts again) the process in `slot`, with `env` over the shared environment. */
  start(slot: number, env?: Record<string, string>): Promise<ServerProcess>;
  /** Sends `signal` and waits until the process has exited; resolves with how it ended. */
  kill(slot: number, signal: NodeJS.Signals): Promise<number | NodeJS.Signals | null>;
  get(slot: number): ServerProcess;
  /** Whether the process in `slot` is running. */
  alive(slot: number): boolean;
  /** A running process's URL, round robin: where a reconnecting client goes. */
  pick(): string;
  stopAll(): Promise<void>;
}

export function processTable(shared: Record<string, string>): ProcessTable {
  const slots = new Map<number, ServerProcess>();
  const running = new Set<number>();
  let turn = 0;
  const table: ProcessTable = {
    async start(slot, env = {}) {
      if (running.has(slot)) await table.kill(slot, 'SIGTERM');
      const p = await start(slot, { ...shared, ...env });
      slots.set(slot, p);
      running.add(slot);
      void p.exited.then(() => slots.get(slot) === p && running.delete(slot));
      return p;
    },
    async kill(slot, signal) {
      const p = table.get(slot);
      if (running.has(slot)) p.child.kill(signal);
      const how = await p.exited;
      running.delete(slot);
      return how;
    },
    get(slot) {
      const p = slots.get(slot);
      if (!p) throw new Error(`no process in slot ${slot}`);
      return p;
    },
    alive: (slot) => running.has(slot),
    pick() {
      const live = [...running].sort();
      if (!live.length) throw new Error('no process is running');
      return slots.get(live[turn++ % live.length])!.url;
    },
    async stopAll() {
      await Promise.all([...running].map((slot) => table.kill(slot, 'SIGTERM')));
    },
  };
  return table;
}
