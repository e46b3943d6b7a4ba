/**
 * The PGlite client in its worker thread behaves as it does on the calling thread (types,
 * errors, transactions, concurrency), and its lifecycle holds across the thread boundary:
 * close, reopen, startup failure, a worker that dies, a process that can exit.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { types } from 'node:util';
import { Worker } from 'node:worker_threads';
import { createPgliteClient } from '../../server/store/sql/client';
import type { SqlClient } from '../../server/store/sql/types';

const ROOT = path.join(__dirname, '../..');

/** Rejects with what `promise` rejected with; fails if it resolved. */
async function rejection(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (err) {
    return err as Error & Record<string, unknown>;
  }
  throw new Error('expected a rejection');
}

describe.each(['worker', 'main'] as const)('PGlite client on the %s thread', (thread) => {
  let sql: SqlClient;

  beforeAll(async () => {
    sql = await createPgliteClient({ thread });
    await sql.query(`
      CREATE TABLE parent (id int PRIMARY KEY);
      CREATE TABLE item (id int PRIMARY KEY, parent int REFERENCES parent (id), name text UNIQUE);
      INSERT INTO parent VALUES (1);
    `);
  });

  afterAll(() => sql?.close());

  it('returns int8 as a number (a BigInt beyond 2^53), timestamptz as a Date, jsonb parsed, arrays', async () => {
    const at = new Date(1_700_000_000_123);
    const { rows } = await sql.query(
      `SELECT 42::int8 AS small, 9007199254740993::int8 AS big, $1::timestamptz AS at,
              $2::jsonb AS doc, $3::text[] AS tags, NULL::text AS nothing`,
      [at, { a: [1, { b: 'c' }] }, ['x', 'y']],
    );
    expect(rows).toEqual([
      { small: 42, big: 9007199254740993n, at, doc: { a: [1, { b: 'c' }] }, tags: ['x', 'y'], nothing: null },
    ]);
    // Not `instanceof`: a Date cloned from the worker belongs to Node's realm, not Jest's sandbox.
    expect(types.isDate(rows[0].at)).toBe(true);
  });

  it('runs several statements without params and returns the rows of the last', async () => {
    const { rows } = await sql.query('SELECT 1 AS a; SELECT 2 AS b');
    expect(rows).toEqual([{ b: 2 }]);
  });

  it('answers many concurrent queries, each with its own result', async () => {
    const results = await Promise.all(
      Array.from({ length: 300 }, (_, i) => sql.query<{ n: number }>('SELECT $1::int AS n', [i])),
    );
    expect(results.map((r) => r.rows[0].n)).toEqual(Array.from({ length: 300 }, (_, i) => i));
  });

  it('keeps the PostgreSQL fields of errors on real Error instances', async () => {
    await sql.query('INSERT INTO item (id, name) VALUES ($1, $2)', [1, 'one']);
    const unique = await rejection(sql.query('INSERT INTO item (id, name) VALUES ($1, $2)', [2, 'one']));
    expect(unique).toBeInstanceOf(Error);
    expect(unique).toMatchObject({ code: '23505', constraint: 'item_name_key', table: 'item', severity: 'ERROR' });
    expect(unique.message).toMatch(/duplicate key value violates unique constraint "item_name_key"/);
    expect(unique.detail).toBe('Key (name)=(one) already exists.');

    const foreign = await rejection(sql.query('INSERT INTO item (id, parent) VALUES ($1, $2)', [3, 99]));
    expect(foreign).toBeInstanceOf(Error);
    expect(foreign).toMatchObject({ code: '23503', constraint: 'item_parent_fkey' });

    // Inside a transaction too; the failed transaction is rolled back and the error rethrown.
    const inTx = await rejection(
      sql.transaction((tx) => tx.query('INSERT INTO item (id, name) VALUES ($1, $2)', [4, 'one'])),
    );
    expect(inTx).toMatchObject({ code: '23505' });
    expect((await sql.query('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);
  });

  it('runs nothing else while a transaction is open', async () => {
    const events: string[] = [];
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const transaction = sql.transaction(async (tx) => {
      await tx.query('INSERT INTO item (id, name) VALUES ($1, $2)', [10, 'ten']);
      events.push('inserted');
      await released;
      await tx.query('UPDATE item SET name = $1 WHERE id = $2', ['TEN', 10]);
      events.push('updated');
      return 'done';
    });
    await until(() => events.includes('inserted'));
    const outside = sql.query<{ name: string }>('SELECT name FROM item WHERE id = $1', [10]).then((r) => {
      events.push('outside');
      return r.rows;
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(events).toEqual(['inserted']);
    release();
    await expect(transaction).resolves.toBe('done');
    // The outside query saw neither the uncommitted row nor a half-done transaction.
    await expect(outside).resolves.toEqual([{ name: 'TEN' }]);
    expect(events).toEqual(['inserted', 'updated', 'outside']);
  });

  if (thread === 'worker') {
    it('fails only the query whose params cannot cross threads', async () => {
      const [bad, good] = await Promise.allSettled([
        sql.query('SELECT $1::text AS v', [Symbol('not cloneable')]),
        sql.query('SELECT $1::text AS v', ['fine']),
      ]);
      expect(bad).toMatchObject({ status: 'rejected', reason: { name: 'DataCloneError' } });
      expect(good).toEqual({ status: 'fulfilled', value: { rows: [{ v: 'fine' }] } });
    });
  }

  it('rolls back when fn throws, and rethrows fn’s own error', async () => {
    const thrown = new Error('changed my mind');
    const err = await rejection(
      sql.transaction(async (tx) => {
        await tx.query('INSERT INTO item (id, name) VALUES ($1, $2)', [20, 'twenty']);
        throw thrown;
      }),
    );
    expect(err).toBe(thrown);
    expect((await sql.query('SELECT id FROM item WHERE id = $1', [20])).rows).toEqual([]);
  });
});

describe('PGlite worker lifecycle', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'pglite-worker-test-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('closes idempotently, rejects later calls, and a reopened data directory keeps its data', async () => {
    const dataDir = path.join(dir, 'db');
    const first = await createPgliteClient({ dataDir });
    await first.query('CREATE TABLE kept (v text)');
    await first.transaction((tx) => tx.query('INSERT INTO kept VALUES ($1)', ['committed']));
    await Promise.all([first.close(), first.close()]);
    await first.close();
    expect((await rejection(first.query('SELECT 1'))).message).toBe('PGlite is closed');
    expect((await rejection(first.transaction(async () => 1))).message).toBe('PGlite is closed');

    const second = await createPgliteClient({ dataDir });
    try {
      expect((await second.query('SELECT v FROM kept')).rows).toEqual([{ v: 'committed' }]);
    } finally {
      await second.close();
    }
  });

  it('rejects at startup when the data directory cannot be used', async () => {
    const file = path.join(dir, 'not-a-directory');
    writeFileSync(file, 'x');
    await expect(createPgliteClient({ dataDir: file })).rejects.toThrow(`PGlite could not open its database (${file})`);
  });

  it('rejects pending and later queries when the worker dies', async () => {
    let worker!: Worker;
    const sql = await createPgliteClient({ spawn: (file, options) => (worker = new Worker(file, options)) });
    // A long query in flight when the thread is stopped from outside.
    const pending = sql.query('SELECT count(*) FROM generate_series(1, 50000000)');
    await worker.terminate();
    await expect(pending).rejects.toThrow(/PGlite worker stopped unexpectedly/);
    await expect(sql.query('SELECT 1')).rejects.toThrow(/PGlite worker stopped unexpectedly/);
    await expect(sql.transaction(async () => 1)).rejects.toThrow(/PGlite worker stopped unexpectedly/);
    await sql.close(); // nothing left to close: resolves
  });

  it('lets the process exit on its own once closed', async () => {
    const script = `
      const { createPgliteClient } = require('./server/store/sql/client');
      createPgliteClient({}).then(async (sql) => {
        await sql.query('SELECT 1');
        await sql.close();
        console.log('closed');
      });
    `;
    const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = spawn(process.execPath, ['--require', 'tsx/cjs', '-e', script], {
        cwd: ROOT,
        env: { ...process.env, NODE_OPTIONS: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      // No explicit exit: a handle left open would keep it running until the test times out.
      child.on('exit', (c) => resolve({ code: c, output: out }));
    });
    expect({ code, output: output.trim() }).toEqual({ code: 0, output: 'closed' });
  });
});

async function until(check: () => boolean, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
