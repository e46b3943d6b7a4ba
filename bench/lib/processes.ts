/**
 * Child processes of a bench run: server processes (product or bare relay), each with the
 * probe preloaded, and load-generator workers driven over IPC.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { CommandBody, Reply } from '../loadgen/protocol';

export const ROOT = path.resolve(__dirname, '../..');
const PROBE = path.join(ROOT, 'bench/lib/probe.mjs');

/** What the probe (probe.mjs) answers. */
export interface ProbeSample {
  /** Monotonic µs (the clock of --cpu-prof timestamps). */
  hrtimeUs: number;
  rssBytes: number;
  heapUsedBytes: number;
  cpuUserUs: number;
  cpuSystemUs: number;
  /** Since the previous sample. */
  eventLoopDelay: { count: number; meanMs: number; p50Ms: number; p99Ms: number; maxMs: number };
}

export interface ServerProcess {
  kind: 'product' | 'baseline';
  pid: number;
  port: number;
  url: string;
  /** RSS, heap, CPU and event-loop delay since the previous sample; `gc` collects first (needs --expose-gc). */
  sample(opts?: { gc?: boolean }): Promise<ProbeSample>;
  /** SIGTERM, then SIGKILL after 15 s; resolves with the exit code. */
  stop(): Promise<number | null>;
  /** The last lines it printed. */
  log(): string;
}

export interface StartServerOptions {
  kind: 'product' | 'baseline';
  env: Record<string, string>;
  /** Extra node flags, e.g. `--cpu-prof`. */
  nodeFlags?: string[];
  /** @default 60000 */
  startTimeoutMs?: number;
}

const LISTENING = /"port":(\d+).*(LiveSupport|Bare relay) listening/;
const LOG_TAIL = 16_384;

export function startServer(opts: StartServerOptions): Promise<ServerProcess> {
  const entry = opts.kind === 'product' ? 'server/main.ts' : 'bench/baseline/relay.ts';
  const child = spawn(process.execPath, [...(opts.nodeFlags ?? []), '--import', 'tsx', '--import', PROBE, entry], {
    cwd: ROOT,
    env: { ...process.env, NODE_OPTIONS: '', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let out = '';
  const append = (chunk: Buffer) => {
    out += chunk.toString();
    if (out.length > 2 * LOG_TAIL) out = out.slice(-LOG_TAIL);
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  let nextSample = 0;
  const pending = new Map<number, (s: ProbeSample) => void>();
  child.on('message', (m: ProbeSample & { type: string; id: number }) => {
    if (m?.type !== 'probe:sample') return;
    pending.get(m.id)?.(m);
    pending.delete(m.id);
  });

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${opts.kind} server did not start:\n${out.slice(-4000)}`));
    }, opts.startTimeoutMs ?? 60_000);
    const onData = () => {
      const m = LISTENING.exec(out);
      if (!m) return;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      const port = Number(m[1]);
      const host = opts.env.HOST ?? '127.0.0.1';
      resolve({
        kind: opts.kind,
        pid: child.pid!,
        port,
        url: `http://${host}:${port}`,
        sample(o) {
          const id = nextSample++;
          return new Promise((res, rej) => {
            const t = setTimeout(() => rej(new Error('probe did not answer')), 10_000);
            pending.set(id, (s) => {
              clearTimeout(t);
              res(s);
            });
            child.send({ type: 'probe:sample', id, gc: o?.gc === true });
          });
        },
        async stop() {
          if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
          child.kill('SIGTERM');
          const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
          const code = await exited;
          clearTimeout(kill);
          return code;
        },
        log: () => out.slice(-LOG_TAIL),
      });
    };
    child.stdout!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${opts.kind} server exited with ${code}:\n${out.slice(-4000)}`));
    });
  });
}

export interface Worker {
  pid: number;
  call<T>(cmd: CommandBody): Promise<T>;
  stop(): Promise<void>;
}

/** Forks a load generator (bench/loadgen/worker.ts) in its own process. */
export function startWorker(): Promise<Worker> {
  const child: ChildProcess = fork(path.join(ROOT, 'bench/loadgen/worker.ts'), [], {
    cwd: ROOT,
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, NODE_OPTIONS: '' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let nextId = 1;
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  child.on('message', (r: Reply) => {
    if (r?.type !== 'reply') return;
    const p = pending.get(r.id);
    pending.delete(r.id);
    if (r.ok) p?.resolve(r.data);
    else p?.reject(new Error(`load generator: ${r.error}`));
  });
  child.once('exit', (code) => {
    for (const p of pending.values()) p.reject(new Error(`load generator exited with ${code}`));
    pending.clear();
  });
  return new Promise((resolve, reject) => {
    child.once('spawn', () =>
      resolve({
        pid: child.pid!,
        call<T>(cmd: CommandBody) {
          const id = nextId++;
          return new Promise<T>((res, rej) => {
            pending.set(id, { resolve: res as (v: unknown) => void, reject: rej });
            child.send({ ...cmd, id });
          });
        },
        async stop() {
          if (child.exitCode !== null) return;
          const exited = new Promise((r) => child.once('exit', r));
          child.disconnect();
          const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
          await exited;
          clearTimeout(kill);
        },
      }),
    );
    child.once('error', reject);
  });
}
