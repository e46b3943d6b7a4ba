/**
 * Group commit: appends made while a write is in flight are queued and written together by
 * the next statement, so a burst of messages costs a few statements instead of one each.
 */
import { StoreError } from './errors';
import { MSG_COLS, storedMessage, toMessage, type MessageRow } from './rows';
import type { AppendOutcome, NewMessage, SqlClient } from './types';

/**
 * One batch (parallel arrays, one element per message) in one statement: the `append_messages`
 * function (migration 8; a function so its plan is cached per session). It locks the batch's
 * open conversations in id order (two batches cannot deadlock), then, in a later statement
 * that sees every message committed by a batch that held those locks before it, skips
 * duplicates and allocates gap-free seqs by bumping `conversations.last_seq`; so several
 * processes may write one conversation concurrently. A closed conversation takes no more
 * messages: the row lock orders this check after a concurrent close, so a sender holding a
 * stale conversation id learns it here, in the same statement (no read before each write).
 * Output: one row per message whose conversation exists and is open; `stored` false and
 * `seq` null for duplicates.
 */
const APPEND_BATCH = `SELECT ord, seq, stored FROM append_messages($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::float8[])`;

/** The originals of duplicates. A separate statement: it must see rows committed after the batch's snapshot. */
const GET_BY_CLIENT_IDS = `SELECT ${MSG_COLS}
  FROM messages JOIN unnest($1::text[], $2::text[]) AS d(author_id, client_id) USING (author_id, client_id)`;

interface PendingAppend {
  m: NewMessage;
  resolve(r: AppendOutcome): void;
  reject(err: unknown): void;
}

export interface GroupCommitOptions {
  sql: SqlClient;
  /** Most messages written by one statement. @default 500 */
  maxBatch?: number;
}

export interface GroupCommit {
  /** Queues a message for the next statement; resolves once it is stored. */
  append(m: NewMessage): Promise<AppendOutcome>;
  /** Queues messages together, so one statement takes them all (unless maxBatch splits them). */
  appendAll(ms: readonly NewMessage[]): Promise<AppendOutcome[]>;
  /** Refuses further appends and waits for the queued ones to be written. */
  close(): Promise<void>;
}

export function createGroupCommit(opts: GroupCommitOptions): GroupCommit {
  const { sql } = opts;
  const maxBatch = opts.maxBatch ?? 500;

  let queue: PendingAppend[] = [];
  let writing: Promise<void> | null = null;
  let closed = false;

  /** Writes queued appends, one statement at a time, until the queue is empty. */
  async function drain(): Promise<void> {
    while (queue.length > 0) {
      let batch: PendingAppend[];
      if (queue.length <= maxBatch) {
        batch = queue;
        queue = [];
      } else {
        batch = queue.splice(0, maxBatch);
      }
      // A failed statement fails every append of its batch, and only those.
      await writeBatch(batch).catch((err: unknown) => {
        for (const p of batch) p.reject(err);
      });
    }
    writing = null;
  }

  /** Writes one batch and settles its promises (on a throw, the caller rejects them). */
  async function writeBatch(batch: PendingAppend[]): Promise<void> {
    const { unique, followers } = collapseDuplicates(batch);

    const n = unique.length;
    const conversationIds = new Array<string>(n);
    const clientIds = new Array<string | null>(n);
    const authors = new Array<string>(n);
    const authorIds = new Array<string | null>(n);
    const kinds = new Array<string>(n);
    const bodies = new Array<string>(n);
    const events = new Array<string | null>(n);
    const ats = new Array<number>(n);
    for (let i = 0; i < n; i++) {
      const m = unique[i].m;
      conversationIds[i] = m.conversationId;
      clientIds[i] = m.clientId;
      authors[i] = m.author;
      authorIds[i] = m.authorId;
      kinds[i] = m.kind;
      bodies[i] = m.text;
      events[i] = m.event === undefined ? null : JSON.stringify(m.event);
      ats[i] = m.at;
    }

    const results = new Array<AppendOutcome | undefined>(n);
    const { rows } = await sql.query<{ ord: number; seq: number | null; stored: boolean }>(APPEND_BATCH, [
      conversationIds, clientIds, authors, authorIds, kinds, bodies, events, ats,
    ]);
    let duplicates: number[] | undefined;
    for (const r of rows) {
      const i = r.ord - 1;
      if (r.stored) results[i] = { status: 'stored', message: storedMessage(unique[i].m, r.seq!) };
      else (duplicates ??= []).push(i);
    }
    if (duplicates) await resolveDuplicates(duplicates);
    // Rows the statement did not return had no open conversation to join: an expected
    // outcome (closed meanwhile), answered as a value.
    for (let i = 0; i < n; i++) unique[i].resolve(results[i] ?? { status: 'not_open' });
    for (const { p, leader } of followers ?? []) {
      const r = results[leader];
      p.resolve(r && r.status !== 'not_open' ? { status: 'duplicate', message: r.message } : { status: 'not_open' });
    }

    async function resolveDuplicates(indexes: number[]) {
      const { rows } = await sql.query<MessageRow>(GET_BY_CLIENT_IDS, [
        indexes.map((i) => authorIds[i]),
        indexes.map((i) => clientIds[i]),
      ]);
      const byKey = new Map(rows.map((r) => [`${r.author_id}\n${r.client_id}`, r]));
      for (const i of indexes) {
        const original = byKey.get(`${authorIds[i]}\n${clientIds[i]}`);
        // Cannot happen (a duplicate means a committed row), but never leave a promise pending.
        if (!original) throw new Error(`Duplicate message ${clientIds[i]} has no stored original`);
        results[i] = { status: 'duplicate', message: toMessage(original) };
      }
    }
  }

  const enqueue = (m: NewMessage) => new Promise<AppendOutcome>((resolve, reject) => queue.push({ m, resolve, reject }));
  const refused = () => Promise.reject(new StoreError('closed', 'The chat store is closed'));

  return {
    append(m) {
      if (closed) return refused();
      const result = enqueue(m);
      // No write in flight: this call's statement is sent now (synchronously).
      // Otherwise the running drain picks it up when the current statement completes.
      writing ??= drain();
      return result;
    },
    appendAll(ms) {
      if (closed) return refused();
      const all = ms.map(enqueue);
      writing ??= drain();
      return Promise.all(all);
    },
    async close() {
      closed = true;
      await writing;
    },
  };
}

/** Identical (authorId, clientId) pairs in one batch share the first one's row. */
function collapseDuplicates(batch: PendingAppend[]): {
  unique: PendingAppend[];
  followers?: { p: PendingAppend; leader: number }[];
} {
  if (batch.length === 1) return { unique: batch };
  const unique: PendingAppend[] = [];
  let followers: { p: PendingAppend; leader: number }[] | undefined;
  const seen = new Map<string, number>();
  for (const p of batch) {
    const { authorId, clientId } = p.m;
    if (clientId !== null) {
      const key = `${authorId}\n${clientId}`;
      const leader = seen.get(key);
      if (leader !== undefined) {
        (followers ??= []).push({ p, leader });
        continue;
      }
      seen.set(key, unique.length);
    }
    unique.push(p);
  }
  return { unique, followers };
}
