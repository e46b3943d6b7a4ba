/**
 * What the PGlite client and its worker thread share: opening a database, running one
 * statement, and the messages the two threads exchange. Nothing here runs on import.
 */
import { inspect } from 'node:util';
import type { PGlite, Transaction } from '@electric-sql/pglite';

export async function openPglite(dataDir: string | undefined): Promise<PGlite> {
  // Dynamic import: PGlite is ESM and loads its WebAssembly lazily (see BASELINES.md).
  const { PGlite } = await import('@electric-sql/pglite');
  return PGlite.create(dataDir === undefined ? {} : { dataDir });
}

/**
 * With params: one statement (extended protocol). Without: `exec` (simple protocol), so
 * `text` may hold several statements, and the rows are those of the last one.
 */
export async function runStatement<R>(
  q: Pick<PGlite | Transaction, 'query' | 'exec'>,
  text: string,
  params?: unknown[],
): Promise<{ rows: R[] }> {
  if (params !== undefined && params.length > 0) return q.query<R>(text, params);
  const results = await q.exec(text);
  return { rows: (results.length > 0 ? results[results.length - 1].rows : []) as R[] };
}

/** What the worker is started with (`workerData`). */
export interface WorkerData {
  dataDir?: string;
}

/**
 * Main thread → worker, in batches (an array per message, in the order sent). `begin`
 * opens a transaction that holds PGlite's lock until the `commit` or `rollback` naming it
 * (`tx` is the id of its `begin`); queries with a `tx` run inside it. `close` closes
 * PGlite, after which the worker exits.
 */
export type WorkerRequest =
  | { type: 'query'; id: number; text: string; params?: unknown[]; tx?: number }
  | { type: 'begin'; id: number }
  | { type: 'commit' | 'rollback'; id: number; tx: number }
  | { type: 'close'; id: number };

/** Worker → main thread, one per request, in batches. Id 0 answers the start (PGlite open or failed). */
export type WorkerReply = { type: 'ok'; id: number; rows?: unknown[] } | { type: 'error'; id: number; error: WireError };

/**
 * The PostgreSQL fields of PGlite's `DatabaseError`: a structured clone of an Error keeps
 * only its message and stack, and the store reads `code` (23505, 23503).
 */
const ERROR_FIELDS = [
  'severity',
  'code',
  'detail',
  'hint',
  'position',
  'internalPosition',
  'internalQuery',
  'where',
  'schema',
  'table',
  'column',
  'dataType',
  'constraint',
  'file',
  'line',
  'routine',
  // Set by PGlite on query errors; its `params` stay behind (they may hold personal data).
  'query',
] as const;

export type WireError = { name?: string; message: string; stack?: string } & Partial<
  Record<(typeof ERROR_FIELDS)[number], string>
>;

export function errorToWire(err: unknown): WireError {
  // Not all are Errors: Emscripten's file system throws `{ name: 'ErrnoError', errno }`.
  if (!(err instanceof Error)) return { message: typeof err === 'object' && err !== null ? inspect(err) : String(err) };
  const wire: WireError = { name: err.name, message: err.message, stack: err.stack };
  for (const field of ERROR_FIELDS) {
    const value = (err as unknown as Record<string, unknown>)[field];
    if (typeof value === 'string') wire[field] = value;
  }
  return wire;
}

/** A real Error again, with the PostgreSQL fields as own properties (as PGlite's are). */
export function errorFromWire(wire: WireError): Error {
  return Object.assign(new Error(wire.message), wire);
}
