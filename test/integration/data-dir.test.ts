/**
 * DATA_DIR is private to its owner: the real embedded server, started the way `npm start`
 * does under umask 022, leaves every file in it 0600 and every folder 0700 (PGlite's
 * included); a secret file too short to sign tokens stops the start with exit code 1; and
 * the embedded database is one process's: a second server and `npm run user:add` are refused
 * while a server runs, and a lock left by a dead process is taken over (issue 13, finding 7).
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { resolveSecret } from '../../server/backends';
import { loadConfig } from '../../server/config';
import { openDatabase } from '../../server/backends';
import { createTestDatabase } from '../helpers/postgres';
import { restrictTree } from '../../server/files';

// A fresh PGlite runs initdb: 10-15 s on an idle machine, more on two busy cores.
jest.setTimeout(120_000);

const ROOT = path.join(__dirname, '../..');
const silent = pino({ level: 'silent' });
let tmp: string;

beforeEach(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'data-dir-'));
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

interface ServerRun {
  /** Resolves with the port once the server listens; rejects if it exits first. */
  listening: Promise<number>;
  exited: Promise<number | null>;
  output: () => string;
  stop(): void;
}

/** `node --import tsx server/main.ts` under umask 022, embedded (no DATABASE_URL, no SECRET). */
function startServer(dataDir: string): ServerRun {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '', PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'info' };
  for (const name of ['SECRET', 'DATABASE_URL', 'REDIS_URL', 'ADMIN_EMAIL', 'ADMIN_PASSWORD']) delete env[name];
  const child = spawn('/bin/sh', ['-c', 'umask 022; exec node --import tsx server/main.ts'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const listening = new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      const m = /"port":(\d+).*LiveSupport listening/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.stderr!.on('data', (chunk) => (out += chunk));
    void exited.then((code) => reject(new Error(`server exited with ${code}:\n${out}`)));
  });
  listening.catch(() => {});
  return { listening, exited, output: () => out, stop: () => child.kill('SIGTERM') };
}

/** `npm run user:add` as `tsx server/cli/user-add.ts` does it, embedded on `dataDir`. */
function userAdd(dataDir: string, email: string, databaseUrl?: string) {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: '', DATA_DIR: dataDir };
  for (const name of ['SECRET', 'DATABASE_URL', 'REDIS_URL']) delete env[name];
  if (databaseUrl) env.DATABASE_URL = databaseUrl;
  const run = spawnSync('node', ['--import', 'tsx', 'server/cli/user-add.ts', '--email', email, '--password', 'password123'], {
    cwd: ROOT,
    env,
    encoding: 'utf8',
  });
  return { code: run.status, out: run.stdout + run.stderr };
}

/** The accounts' emails in `dataDir`'s database (opened by this test process, so no server may run). */
async function emails(dataDir: string): Promise<string[]> {
  const { sql, store } = await openDatabase(loadConfig({ DATA_DIR: dataDir }), undefined, 'the test');
  try {
    return (await sql.query<{ email: string }>('SELECT email FROM users ORDER BY created_at')).rows.map((r) => r.email);
  } finally {
    await store.close();
    await sql.close();
  }
}

/** Every entry under `dir` (itself included) whose permission bits are not 0600 (file) or 0700 (folder). */
function notPrivate(dir: string): string[] {
  const wrong: string[] = [];
  const visit = (p: string) => {
    const st = lstatSync(p);
    const mode = st.mode & 0o777;
    if (st.isDirectory()) {
      if (mode !== 0o700) wrong.push(`${p} ${mode.toString(8)}`);
      for (const name of readdirSync(p)) visit(path.join(p, name));
    } else if (mode !== 0o600) wrong.push(`${p} ${mode.toString(8)}`);
  };
  visit(dir);
  return wrong;
}

function countFiles(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce(
    (n, e) => n + (e.isDirectory() ? countFiles(path.join(dir, e.name)) : 1),
    0,
  );
}

test('the embedded server under umask 022 leaves DATA_DIR 0700 and every file in it 0600, repairing an older install', async () => {
  // An install from before the rule: the folder 0755, the secret 0644.
  const dataDir = path.join(tmp, 'data');
  mkdirSync(dataDir);
  chmodSync(dataDir, 0o755);
  const secret = 'an-older-install-secret-0123456789-abcdefgh';
  writeFileSync(path.join(dataDir, 'secret'), `${secret}\n`);
  chmodSync(path.join(dataDir, 'secret'), 0o644);

  const server = startServer(dataDir);
  try {
    await server.listening;
    // While it runs, as well as after: PGlite's initdb asked for 0666 on most of its files.
    expect(notPrivate(dataDir)).toEqual([]);
  } finally {
    server.stop();
  }
  expect(await server.exited).toBe(0);

  expect(notPrivate(dataDir)).toEqual([]);
  // The database itself is there (about a thousand files), and the existing secret was kept.
  expect(countFiles(path.join(dataDir, 'pglite'))).toBeGreaterThan(500);
  expect(statSync(path.join(dataDir, 'first-login.txt')).isFile()).toBe(true);
  expect(readFileSync(path.join(dataDir, 'secret'), 'utf8')).toBe(`${secret}\n`);
});

test('a DATA_DIR/secret holding only a newline, or 10 characters, stops the start with exit code 1, nothing written', async () => {
  const refused = async (name: string, content: string) => {
    const dataDir = path.join(tmp, name);
    mkdirSync(dataDir);
    const file = path.join(dataDir, 'secret');
    writeFileSync(file, content);

    const server = startServer(dataDir);
    expect(await server.exited).toBe(1);
    const out = server.output();
    expect(out).toContain(`${file} holds a secret of ${content.trim().length} characters; at least 32 are required`);
    expect(out).toContain('Delete the file');
    expect(out).toContain('set SECRET');
    expect(out).not.toContain('listening');
    // No database, no first account, no token: the secret file alone, unchanged.
    expect(readdirSync(dataDir)).toEqual(['secret']);
    expect(readFileSync(file, 'utf8')).toBe(content);
  };
  await Promise.all([refused('newline', '\n'), refused('ten', '0123456789')]);
});

describe('resolveSecret', () => {
  const config = (env: Record<string, string>) => loadConfig({ DATA_DIR: path.join(tmp, 'data'), ...env });

  test('generates a secret once into a private DATA_DIR, then reads it back', () => {
    const c = config({});
    const secret = resolveSecret(c, silent);
    expect(secret.length).toBeGreaterThanOrEqual(32);
    expect(statSync(c.dataDir).mode & 0o777).toBe(0o700);
    expect(statSync(path.join(c.dataDir, 'secret')).mode & 0o777).toBe(0o600);
    expect(resolveSecret(c, silent)).toBe(secret);
  });

  test('a short SECRET is refused: by the configuration, and when only whitespace pads it to 32', () => {
    expect(() => config({ SECRET: 'short' })).toThrow(/SECRET/);
    expect(() => resolveSecret(config({ SECRET: ' '.repeat(40) }), silent)).toThrow(/SECRET is shorter than 32 characters/);
    const good = 'x'.repeat(32);
    expect(resolveSecret(config({ SECRET: good }), silent)).toBe(good);
  });

  test('a secret file that cannot be read is an error, not replaced', () => {
    const c = config({});
    mkdirSync(path.join(c.dataDir, 'secret'), { recursive: true });
    expect(() => resolveSecret(c, silent)).toThrow(/EISDIR/);
  });
});

test('restrictTree makes files 0600 and folders 0700, and leaves what a symbolic link points to alone', () => {
  const dir = path.join(tmp, 'tree');
  mkdirSync(path.join(dir, 'a/b'), { recursive: true });
  writeFileSync(path.join(dir, 'a/b/file'), 'x');
  chmodSync(path.join(dir, 'a/b/file'), 0o666);
  chmodSync(path.join(dir, 'a'), 0o755);
  const outside = path.join(tmp, 'outside');
  writeFileSync(outside, 'y');
  chmodSync(outside, 0o644);
  symlinkSync(outside, path.join(dir, 'link'));

  expect(restrictTree(dir)).toBeGreaterThanOrEqual(3);
  expect(notPrivate(dir).filter((e) => !e.includes('/link '))).toEqual([]);
  expect(statSync(outside).mode & 0o777).toBe(0o644);
  expect(restrictTree(dir)).toBe(0);
});

test('one process per embedded database: a stale lock is taken over; a second server and user:add are refused while one runs', async () => {
  const dataDir = path.join(tmp, 'data');
  mkdirSync(dataDir);
  const lockFile = path.join(dataDir, 'pglite.lock');
  // Left by a server that was killed: its pid is dead.
  const dead = spawnSync('true').pid!;
  writeFileSync(lockFile, JSON.stringify({ pid: dead, by: 'server' }));

  const server = startServer(dataDir);
  let pid: number;
  try {
    await server.listening;
    const lock = JSON.parse(readFileSync(lockFile, 'utf8'));
    pid = lock.pid;
    expect(lock).toMatchObject({ by: 'server' });
    expect(pid).not.toBe(dead);
    expect(statSync(lockFile).mode & 0o777).toBe(0o600);

    // A second server on the same DATA_DIR stops at the lock, before opening anything.
    const second = startServer(dataDir);
    expect(await second.exited).toBe(1);
    expect(second.output()).toContain(`is in use by another process (server, pid ${pid}): only one process may open it`);
    expect(second.output()).not.toContain('listening');

    // user:add refuses, says why and what to do instead, and adds nothing.
    const refused = userAdd(dataDir, 'while-running@example.test');
    expect(refused.code).toBe(3);
    expect(refused.out).toContain(`Not added: the embedded database in ${dataDir} is in use by server (pid ${pid})`);
    expect(refused.out).toContain('stop the server and run this command again');
    expect(refused.out).toContain('Team (or POST /api/v1/users');
    expect(refused.out).not.toContain('Created');
    // The running server still holds its lock.
    expect(JSON.parse(readFileSync(lockFile, 'utf8')).pid).toBe(pid);
  } finally {
    server.stop();
  }
  expect(await server.exited).toBe(0);
  expect(readdirSync(dataDir)).not.toContain('pglite.lock');

  // The first account only: nothing from the refused command.
  const before = await emails(dataDir);
  expect(before).toHaveLength(1);
  expect(before).not.toContain('while-running@example.test');
  // Once the server has stopped, the same command adds the account, and it is there.
  const added = userAdd(dataDir, 'while-running@example.test');
  expect(added.out).toContain('Created agent while-running@example.test');
  expect(added.code).toBe(0);
  expect(await emails(dataDir)).toEqual([...before, 'while-running@example.test']);
  expect(readdirSync(dataDir)).not.toContain('pglite.lock');
});

test('with DATABASE_URL nothing is locked: user:add adds an account while another process has the database open', async () => {
  const db = await createTestDatabase();
  const dataDir = path.join(tmp, 'unused');
  const open = await openDatabase(loadConfig({ DATA_DIR: dataDir, DATABASE_URL: db.url }), undefined, 'the test');
  try {
    const added = userAdd(dataDir, 'beside@example.test', db.url);
    expect(added.out).toContain('Created agent beside@example.test');
    expect(added.code).toBe(0);
    expect((await open.store.findUserByEmail('beside@example.test'))?.email).toBe('beside@example.test');
    expect(existsSync(`${dataDir}/pglite.lock`)).toBe(false);
  } finally {
    await open.store.close();
    await open.sql.close();
    await db.drop();
  }
});
