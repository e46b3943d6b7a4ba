/**
 * Worker thread entry: one PGlite database, driven by the messages of `createPgliteClient`
 * (see `WorkerRequest` in ./pglite). Requests are handled as they come; PGlite's own lock
 * orders them, exactly as it does for concurrent callers on one thread.
 */
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import type { PGlite, Transaction } from '@electric-sql/pglite';
import { errorToWire, openPglite, runStatement, type WorkerData, type WorkerReply, type WorkerRequest } from './pglite';

const port = parentPort!;

/**
 * Replies leave in batches, at the end of this turn of the event loop or every millisecond
 * during a burst: a message per query would cost both threads a wake-up per query.
 */
let outbox: WorkerReply[] = [];
let flushedAt = performance.now();

function flush() {
  if (outbox.length === 0) return;
  port.postMessage(outbox);
  outbox = [];
  flushedAt = performance.now();
}

function reply(message: WorkerReply) {
  if (outbox.push(message) === 1) setImmediate(flush);
  else if (performance.now() - flushedAt >= 1) flush();
}

const fail = (id: number, err: unknown) => reply({ type: 'error', id, error: errorToWire(err) });

/** Open transactions by the id of their `begin`. `end` settles the transaction callback. */
const open = new Map<number, { tx: Transaction; end(commit: boolean): Promise<void> }>();

/** Rejects a transaction callback so that PGlite rolls back; not an error to report. */
const ROLLED_BACK = Symbol('rolled back');

function begin(db: PGlite, id: number) {
  let entered = false;
  const ended: Promise<void> = db.transaction(
    (tx) =>
      new Promise<void>((resolve, reject) => {
        entered = true;
        const end = (commit: boolean) => {
          if (commit) resolve();
          else reject(ROLLED_BACK);
          return ended;
        };
        open.set(id, { tx, end });
        reply({ type: 'ok', id });
      }),
  );
  // Once entered, the outcome goes to the commit or rollback request instead.
  ended.catch((err) => entered || fail(id, err));
}

function end(id: number, txId: number, commit: boolean) {
  const t = open.get(txId);
  if (!t) return fail(id, new Error('Transaction is closed'));
  open.delete(txId);
  t.end(commit).then(
    () => reply({ type: 'ok', id }),
    (err) => (err === ROLLED_BACK ? reply({ type: 'ok', id }) : fail(id, err)),
  );
}

function handle(db: PGlite, req: WorkerRequest) {
  switch (req.type) {
    case 'query': {
      const q = req.tx === undefined ? db : open.get(req.tx)?.tx;
      if (!q) return fail(req.id, new Error('Transaction is closed'));
      runStatement(q, req.text, req.params).then(
        ({ rows }) => reply({ type: 'ok', id: req.id, rows }),
        (err) => fail(req.id, err),
      );
      return;
    }
    case 'begin':
      return begin(db, req.id);
    case 'commit':
    case 'rollback':
      return end(req.id, req.tx, req.type === 'commit');
    case 'close':
      // PGlite's close waits for the queries before it and flushes; then nothing keeps the thread alive.
      db.close().then(
        () => {
          reply({ type: 'ok', id: req.id });
          flush();
          port.close();
        },
        (err) => fail(req.id, err),
      );
  }
}

openPglite((workerData as WorkerData).dataDir).then(
  (db) => {
    port.on('message', (batch: WorkerRequest[]) => batch.forEach((req) => handle(db, req)));
    reply({ type: 'ok', id: 0 });
  },
  (err) => {
    fail(0, err);
    flush();
    port.close();
  },
);
