/**
 * The embedded database's lock (server/store/sql/dir-lock.ts): held by one process, refused
 * to every other while its owner lives, taken over from a dead one, never from a live one,
 * and by exactly one of several processes racing for the same stale lock. Real files and
 * real processes.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DirLockedError, lockDir } from '../../server/store/sql/dir-lock';
import { createPgliteClient } from '../../server/store/sql/client';

jest.setTimeout(120_000);

const ROOT = path.join(__dirname, '../..');
let tmp: string;
let dir: string;
let lockFile: string;
beforeEach(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'dir-lock-'));
  dir = path.join(tmp, 'pglite');
  lockFile = `${dir}.lock`;
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

const owner = () => JSON.parse(readFileSync(lockFile, 'utf8'));
/** A pid that was a process a moment ago and is dead now. */
const deadPid = () => spawnSync('true').pid!;

function refusal(fn: () => unknown): DirLockedError {
  try {
    fn();
  } catch (err) {
    if (err instanceof DirLockedError) return err;
    throw err;
  }
  throw new Error('not refused');
}

test('the lock file names its owner, is 0600, refuses a second open in the same process, and goes on release', () => {
  const lock = lockDir(dir, 'server');
  expect(owner()).toMatchObject({ pid: process.pid, by: 'server', host: os.hostname() });
  expect(statSync(lockFile).mode & 0o777).toBe(0o600);
  expect(refusal(() => lockDir(dir, 'user:add')).owner.pid).toBe(process.pid);
  // Only the lock itself is left beside the directory: no drafts.
  expect(readdirSync(tmp)).toEqual(['pglite.lock']);
  lock.release();
  lock.release();
  expect(readdirSync(tmp)).toEqual([]);
  lockDir(dir, 'server').release();
});

test('a live owner in another process keeps the lock; a dead one, a reused pid and a foreign file are taken over', async () => {
  const sleeper = spawn('sleep', ['60']);
  try {
    writeFileSync(lockFile, JSON.stringify({ pid: sleeper.pid, by: 'server' }));
    const err = refusal(() => lockDir(dir, 'user:add'));
    expect(err.owner).toMatchObject({ pid: sleeper.pid, by: 'server' });
    expect(err.message).toContain(`is in use by another process (server, pid ${sleeper.pid})`);
    expect(owner().pid).toBe(sleeper.pid);

    // The same pid with another start time: the pid was reused by an unrelated process.
    writeFileSync(lockFile, JSON.stringify({ pid: sleeper.pid, started: '1', by: 'server' }));
    lockDir(dir, 'server').release();
  } finally {
    sleeper.kill();
  }
  for (const stale of [JSON.stringify({ pid: deadPid(), by: 'server' }), '', 'not json']) {
    writeFileSync(lockFile, stale);
    const lock = lockDir(dir, 'server');
    expect(owner().pid).toBe(process.pid);
    lock.release();
  }
  // Our own pid in a lock this process never took: left by an earlier process with our pid (a restarted container).
  writeFileSync(lockFile, JSON.stringify({ pid: process.pid, by: 'server', host: os.hostname() }));
  lockDir(dir, 'server').release();
});

test('a lock taken on another host (a container sharing the volume) is never judged stale', () => {
  writeFileSync(lockFile, JSON.stringify({ pid: deadPid(), by: 'server', host: 'other-container' }));
  const err = refusal(() => lockDir(dir, 'server'));
  expect(err.message).toContain('(server, pid');
  expect(err.message).toContain(`on host other-container): only one process may open it`);
  expect(err.message).toContain(`If that process is gone, delete ${lockFile}.`);
  expect(owner().host).toBe('other-container');
});

test('release leaves alone a lock that is no longer its own', () => {
  const lock = lockDir(dir, 'server');
  rmSync(lockFile);
  writeFileSync(lockFile, JSON.stringify({ pid: 1, by: 'someone else' }));
  lock.release();
  expect(owner()).toEqual({ pid: 1, by: 'someone else' });
});

test('of six processes racing for one stale lock, exactly one takes it', async () => {
  writeFileSync(lockFile, JSON.stringify({ pid: deadPid(), by: 'server' }));
  // Each says it is ready, and on 'go' (sent to all at once) takes the lock or reports who holds
  // it; it holds on until its stdin closes.
  const script = `
    const { lockDir } = require('./server/store/sql/dir-lock.ts');
    let lock;
    console.log('ready');
    process.stdin.once('data', () => {
      try { lock = lockDir(${JSON.stringify(dir)}, 'racer'); console.log('took'); }
      catch (err) { console.log('refused ' + err.owner.pid); }
    });
    process.stdin.on('end', () => { lock?.release(); process.exit(0); });`;
  const racers: ChildProcess[] = [];
  const answers = await Promise.all(
    Array.from({ length: 6 }, () => {
      const child = spawn('node', ['--require', 'tsx/cjs', '-e', script], { cwd: ROOT, env: { ...process.env, NODE_OPTIONS: '' } });
      racers.push(child);
      let out = '';
      const waiting: (() => void)[] = [];
      child.stdout!.on('data', (chunk) => {
        out += chunk;
        for (const check of waiting) check();
      });
      const line = (n: number) =>
        new Promise<string>((resolve, reject) => {
          const check = () => {
            const lines = out.split('\n');
            if (lines.length > n) resolve(lines[n - 1]);
          };
          waiting.push(check);
          child.on('exit', (code) => reject(new Error(`racer exited ${code}: ${out}`)));
          check();
        });
      return { ready: line(1), answer: line(2) };
    }),
  ).then(async (racing) => {
    expect(await Promise.all(racing.map((r) => r.ready))).toEqual(Array(6).fill('ready'));
    for (const child of racers) child.stdin!.write('go\n');
    return Promise.all(racing.map((r) => r.answer));
  });
  try {
    const winners = racers.filter((_, i) => answers[i] === 'took');
    expect(winners).toHaveLength(1);
    expect(owner().pid).toBe(winners[0].pid);
    expect(answers.filter((a) => a !== 'took')).toEqual(Array(5).fill(`refused ${winners[0].pid}`));
  } finally {
    await Promise.all(racers.map((child) => new Promise((resolve) => (child.once('exit', resolve), child.stdin!.end()))));
  }
  expect(readdirSync(tmp)).toEqual([]);
});

test('a PGlite client on a directory holds its lock from open to close; in memory it takes none', async () => {
  const first = await createPgliteClient({ dataDir: dir, owner: 'server' });
  try {
    expect(owner()).toMatchObject({ pid: process.pid, by: 'server' });
    await expect(createPgliteClient({ dataDir: dir })).rejects.toThrow(DirLockedError);
    await first.query('CREATE TABLE kept (v text)');
  } finally {
    await first.close();
  }
  expect(readdirSync(tmp)).toEqual(['pglite']);
  const memory = await createPgliteClient({});
  await memory.close();
  const second = await createPgliteClient({ dataDir: dir });
  try {
    expect((await second.query('SELECT count(*)::int AS n FROM kept')).rows).toEqual([{ n: 0 }]);
  } finally {
    await second.close();
  }
});
