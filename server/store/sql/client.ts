/**
 * The two `SqlClient` implementations: embedded PGlite (the default) and a
 * PostgreSQL server through a `pg.Pool`. Both return the same JS types:
 * int8 as a number (a BigInt only beyond 2^53), timestamptz as a Date, jsonb parsed.
 *
 * Parameterless queries use the simple query protocol on both drivers, so `text`
 * may then hold several statements (migrations rely on this); the rows returned are
 * those of the last statement. Queries with params are single statements.
 */
import pg from 'pg';
import type { SqlClient } from './types';

type Rows<R> = Promise<{ rows: R[] }>;

export interface PgliteClientOptions {
  /** Directory holding the database files. @default undefined (in memory, lost on close) */
  dataDir?: string;
}

/**
 * PGlite is a single session running on the calling thread. Its `query` waits on the
 * same mutex as `transaction`, so any number of concurrent callers is safe: statements
 * run one at a time, and while a transaction is open every other `query` waits until
 * it commits or rolls back (nothing interleaves with it). Consequence: inside
 * `transaction(fn)`, use only `tx.query`; awaiting the outer client's `query` there
 * would wait for the transaction itself and never return.
 */
export async function createPgliteClient(opts: PgliteClientOptions = {}): Promise<SqlClient> {
  // Dynamic import: PGlite is ESM and loads its WebAssembly lazily (see BASELINES.md).
  const { PGlite } = await import('@electric-sql/pglite');
  const db = await PGlite.create(opts.dataDir === undefined ? {} : { dataDir: opts.dataDir });
  let closed: Promise<void> | undefined;

  const run = async <R>(q: Pick<typeof db, 'query' | 'exec'>, text: string, params?: unknown[]): Rows<R> => {
    if (params !== undefined && params.length > 0) return q.query<R>(text, params);
    const results = await q.exec(text);
    return { rows: (results.length > 0 ? results[results.length - 1].rows : []) as R[] };
  };

  return {
    kind: 'pglite',
    query: (text, params) => run(db, text, params),
    transaction: (fn) => db.transaction((tx) => fn({ query: (text, params) => run(tx, text, params) })),
    // Idempotent: the store and its owner may both close it at shutdown.
    close: () => (closed ??= db.close()),
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

  const run = async <R>(q: pg.Pool | pg.PoolClient, text: string, params?: unknown[]): Rows<R> =>
    lastRows<R>((await q.query(text, params)) as pg.QueryResult | pg.QueryResult[]);

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
