/**
 * The two `SqlClient` implementations: embedded PGlite (the default) and a
 * PostgreSQL server through a `pg.Pool`. Both return the same JS types:
 * int8 as a number (a BigInt only beyond 2^53), timestamptz as a Date, jsonb parsed.
 *
 * Parameterless queries use the simple query protocol on both drivers, so `text`
 * may then hold several statements (migrations rely on this); the rows returned are
 * those of the last statement. Queries with params are single statements.
 */
import path from 'node:path';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import pg from 'pg';
import { lockDir } from './dir-lock';
import { errorFromWire, openPglite, runStatement, type WorkerData, type WorkerReply, type WorkerRequest } from './pglite';
import type { SqlClient } from './types';

type Rows<R> = Promise<{ rows: R[] }>;

export interface PgliteClientOptions {
  /** Directory holding the database files. @default undefined (in memory, lost on close) */
  dataDir?: string;
  /**
   * Where PGlite runs. `'worker'`: a worker thread of its own, so SQL (most of the server's
   * CPU under load) never blocks this thread's event loop and runs beside it on another
   * core; each call crosses threads as a small message. `'main'`: the calling thread.
   * @default 'worker'
   */
  thread?: 'worker' | 'main';
  /**
   * What this process is, for the message of another process refused the data directory's
   * lock (see ./dir-lock.ts; only with `dataDir`). @default 'a PGlite client'
   */
  owner?: string;
  /** Starts the worker thread; tests inject one to stop it. @default `new Worker(file, options)` */
  spawn?: (file: string, options: WorkerOptions) => Worker;
}

/**
 * PGlite is a single session. Its `query` waits on the same mutex as `transaction`, so
 * any number of concurrent callers is safe: statements run one at a time, and while a
 * transaction is open every other `query` waits until it commits or rolls back (nothing
 * interleaves with it). Consequence: inside `transaction(fn)`, use only `tx.query`;
 * awaiting the outer client's `query` there would wait for the transaction itself and
 * never return. Both threads behave the same; in a worker, `fn` still runs on the calling
 * thread and its queries are sent to the transaction the worker holds open.
 */
export async function createPgliteClient(opts: PgliteClientOptions = {}): Promise<SqlClient> {
  // One process per directory, held from before PGlite opens it until it has closed.
  const lock = opts.dataDir === undefined ? undefined : lockDir(opts.dataDir, opts.owner ?? 'a PGlite client');
  let client: SqlClient;
  try {
    client = opts.thread === 'main' ? await createMainThreadPgliteClient(opts.dataDir) : await createWorkerPgliteClient(opts);
  } catch (err) {
    lock?.release();
    throw err;
  }
  if (!lock) return client;
  let closed: Promise<void> | undefined;
  return { ...client, close: () => (closed ??= client.close().finally(lock.release)) };
}

async function createMainThreadPgliteClient(dataDir: string | undefined): Promise<SqlClient> {
  const db = await openPglite(dataDir);
  let closed: Promise<void> | undefined;
  return {
    kind: 'pglite',
    query: (text, params) => runStatement(db, text, params),
    transaction: (fn) => db.transaction((tx) => fn({ query: (text, params) => runStatement(tx, text, params) })),
    // Idempotent: the store and its owner may both close it at shutdown.
    close: () => (closed ??= db.close()),
  };
}

/**
 * The worker's entry beside this file: its TypeScript source when this file is one (tsx,
 * Jest), else its bundle beside dist/server.js (see esbuild.config.mjs).
 */
function workerEntry(): { file: string; execArgv?: string[] } {
  if (!__filename.endsWith('.ts')) return { file: path.join(__dirname, 'pglite-worker.js') };
  // A worker inherits neither Jest's transform nor (Node 20) tsx's ESM hooks: it loads tsx's CommonJS hook itself.
  return { file: path.join(__dirname, 'pglite-worker.ts'), execArgv: ['--require', require.resolve('tsx/cjs')] };
}

const closedError = () => new Error('PGlite is closed');

async function createWorkerPgliteClient(opts: PgliteClientOptions): Promise<SqlClient> {
  const { file, execArgv } = workerEntry();
  const spawn = opts.spawn ?? ((f, options) => new Worker(f, options));
  const workerData: WorkerData = { dataDir: opts.dataDir };
  const worker = spawn(file, { workerData, execArgv });

  /** Requests awaiting their reply, by id; id 0 is the start. */
  const pending = new Map<number, { resolve(rows: unknown[]): void; reject(err: Error): void }>();
  let lastId = 0;
  let closing = false;
  let closed: Promise<void> | undefined;
  /** Set once the worker has exited: every later call rejects with it instead of hanging. */
  let gone: Error | undefined;
  let crash: Error | undefined;

  const take = (id: number) => {
    const request = pending.get(id);
    pending.delete(id);
    // An idle worker must not keep the process alive; one with work in flight (or closing) must.
    if (pending.size === 0 && !closing) worker.unref();
    return request;
  };

  worker.on('message', (replies: WorkerReply[]) => {
    for (const reply of replies) {
      if (reply.type === 'ok') take(reply.id)?.resolve(reply.rows ?? []);
      else take(reply.id)?.reject(errorFromWire(reply.error));
    }
  });
  // An uncaught error in the worker: it exits next. Without a listener it would crash this thread.
  worker.on('error', (err) => (crash = err));
  const exited = new Promise<void>((resolve) =>
    worker.once('exit', (code) => {
      gone =
        closing && code === 0 && !crash
          ? closedError()
          : new Error(`PGlite worker stopped unexpectedly: ${crash?.message ?? `exit code ${code}`}`, { cause: crash });
      for (const request of pending.values()) request.reject(gone);
      pending.clear();
      resolve();
    }),
  );

  /** Requests of this tick, sent as one message (a burst of queries wakes the worker once). */
  let outbox: WorkerRequest[] = [];
  const flush = () => {
    const batch = outbox;
    outbox = [];
    try {
      worker.postMessage(batch);
    } catch {
      // DataCloneError: a param cannot cross threads. One by one, so that only its caller fails.
      for (const request of batch) {
        try {
          worker.postMessage([request]);
        } catch (err) {
          take(request.id)?.reject(err as Error);
        }
      }
    }
  };

  const send = (request: WorkerRequest): Promise<unknown[]> => {
    if (gone) return Promise.reject(gone);
    return new Promise((resolve, reject) => {
      if (pending.size === 0) worker.ref();
      pending.set(request.id, { resolve, reject });
      if (outbox.push(request) === 1) queueMicrotask(flush);
    });
  };

  const run = async <R>(text: string, params: unknown[] | undefined, tx?: number): Rows<R> => {
    // Only a transaction already open may go on while closing: PGlite's close waits for it.
    if (closing && tx === undefined) throw closedError();
    return { rows: (await send({ type: 'query', id: ++lastId, text, params, tx })) as R[] };
  };

  const stop = async () => {
    closing = true;
    if (gone) return;
    try {
      await send({ type: 'close', id: ++lastId });
    } catch (err) {
      await worker.terminate();
      throw err;
    }
    await exited;
  };

  try {
    // The worker answers id 0 once PGlite is open, or with the reason it could not open.
    await new Promise((resolve, reject) => pending.set(0, { resolve, reject }));
  } catch (err) {
    await worker.terminate();
    const where = opts.dataDir ?? 'memory';
    throw new Error(`PGlite could not open its database (${where}): ${(err as Error).message}`, { cause: err });
  }

  return {
    kind: 'pglite',
    query: (text, params) => run(text, params),
    async transaction(fn) {
      if (closing) throw closedError();
      const tx = ++lastId;
      await send({ type: 'begin', id: tx });
      let result;
      try {
        result = await fn({ query: (text, params) => run(text, params, tx) });
      } catch (err) {
        // fn's error is the one that matters; PGlite releases its lock even if ROLLBACK fails.
        await send({ type: 'rollback', id: ++lastId, tx }).catch(() => {});
        throw err;
      }
      await send({ type: 'commit', id: ++lastId, tx });
      return result;
    },
    // Idempotent: the store and its owner may both close it at shutdown.
    close: () => (closed ??= stop()),
  };
}

export interface PostgresClientOptions {
  /** e.g. `postgres://user:pass@host:5432/db`. */
  connectionString: string;
  /** Pool size. @default 10 */
  max?: number;
  /**
   * Errors of idle pooled connections (server restart, network). The pool drops the
   * connection and opens a new one on demand; without a listener Node would crash.
   * @default ignore
   */
  onError?: (err: Error) => void;
}

const INT8_OID = 20;
/** Distinct statement texts prepared by name (per connection); more go unnamed. */
const MAX_PREPARED = 200;

/** int8 as a number while exact, else BigInt (the same rule as PGlite's parser). */
function parseInt8(text: string): number | bigint {
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : BigInt(text);
}

// Per-pool overrides rather than `pg.types.setTypeParser`, which would change every pg user in the process.
const pgTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary'
      ? parseInt8
      : pg.types.getTypeParser(oid, format as 'text')) as pg.CustomTypesConfig['getTypeParser'],
};

/** A multi-statement simple query resolves to one result per statement. */
function lastRows<R>(r: pg.QueryResult | pg.QueryResult[]): { rows: R[] } {
  const last = Array.isArray(r) ? r[r.length - 1] : r;
  return { rows: (last?.rows ?? []) as R[] };
}

export async function createPostgresClient(opts: PostgresClientOptions): Promise<SqlClient> {
  const pool = new pg.Pool({ connectionString: opts.connectionString, max: opts.max ?? 10, types: pgTypes });
  pool.on('error', opts.onError ?? (() => {}));
  // Fail at startup, not on the first request, when the server is unreachable.
  (await pool.connect()).release();
  let closed: Promise<void> | undefined;

  // Statements with parameters are prepared once per connection under a name per distinct
  // text, so PostgreSQL parses and plans the hot ones (the group commit, opening, assigning,
  // closing) once per connection instead of on every call. The texts are the store's constants
  // and a bounded set of filter combinations; past the cap, statements go unnamed.
  const names = new Map<string, string>();
  const nameOf = (text: string) => {
    let name = names.get(text);
    if (name === undefined && names.size < MAX_PREPARED) names.set(text, (name = `ls_${names.size}`));
    return name;
  };
  const run = async <R>(q: pg.Pool | pg.PoolClient, text: string, params?: unknown[]): Rows<R> =>
    lastRows<R>(
      (await (params?.length ? q.query({ name: nameOf(text), text, values: params }) : q.query(text))) as
        | pg.QueryResult
        | pg.QueryResult[],
    );

  return {
    kind: 'postgres',
    query: (text, params) => run(pool, text, params),
    async transaction(fn) {
      const conn = await pool.connect();
      try {
        await conn.query('BEGIN');
        const result = await fn({ query: (text, params) => run(conn, text, params) });
        await conn.query('COMMIT');
        conn.release();
        return result;
      } catch (err) {
        // A connection whose ROLLBACK failed is in an unknown state: destroy it.
        await conn.query('ROLLBACK').then(
          () => conn.release(),
          (e: Error) => conn.release(e),
        );
        throw err;
      }
    },
    close: () => (closed ??= pool.end()),
  };
}
