/**
 * FAQ entries over any `SqlClient` (PGlite or PostgreSQL): plain SQL, no ORM.
 * Times are ms since the epoch, set by the database (`now()`), so that `updated_at`
 * orders writes from every process alike.
 */
import { randomUUID } from 'node:crypto';
import type { FaqLanguage } from '../../../shared/faq';
import type { FaqEntry, FaqStore, NewFaqEntry } from '../../domain/ports/faq';
import type { SqlClient } from './types';

export interface FaqStoreOptions {
  /** The database. Never closed by the store. */
  sql: SqlClient;
}

interface FaqRow {
  id: string;
  question: string;
  phrasings: string[];
  answer: string;
  language: FaqLanguage;
  category: string;
  demo: boolean;
  created_at: Date;
  updated_at: Date;
}

const COLS = 'id, question, phrasings, answer, language, category, demo, created_at, updated_at';

const toEntry = (r: FaqRow): FaqEntry => ({
  id: r.id,
  question: r.question,
  phrasings: r.phrasings,
  answer: r.answer,
  language: r.language,
  category: r.category,
  demo: r.demo,
  createdAt: r.created_at.getTime(),
  updatedAt: r.updated_at.getTime(),
});

// jsonb goes in as text (`::text::jsonb`): PGlite would JSON-encode a string bound to a jsonb
// parameter a second time, pg would not.
const INSERT = `INSERT INTO faq_entries (id, question, phrasings, answer, language, category, demo)
  VALUES ($1, $2, $3::text::jsonb, $4, $5, $6, $7) RETURNING ${COLS}`;
const GET = `SELECT ${COLS} FROM faq_entries WHERE id = $1`;
// Null parameters keep the column. updated_at moves forward even for two writes within one
// transaction timestamp, so the version digest always changes.
const UPDATE = `UPDATE faq_entries SET
    question  = COALESCE($2, question),
    phrasings = COALESCE($3::text::jsonb, phrasings),
    answer    = COALESCE($4, answer),
    language  = COALESCE($5, language),
    category  = COALESCE($6, category),
    updated_at = GREATEST(now(), updated_at + interval '1 millisecond')
  WHERE id = $1 RETURNING ${COLS}`;
const DELETE = `DELETE FROM faq_entries WHERE id = $1 RETURNING id`;
const LIST = `SELECT ${COLS} FROM faq_entries
  WHERE ($1::text IS NULL OR language = $1::text) AND ($2::text IS NULL OR category = $2::text)
  ORDER BY language, category, question, id`;
// Epoch seconds (not timestamptz text), so every session's TimeZone gives the same digest.
const VERSION = `SELECT count(*)::int AS n,
  COALESCE(md5(string_agg(id || '@' || extract(epoch FROM updated_at)::text, ',' ORDER BY id)), '') AS digest
  FROM faq_entries`;

export function createFaqStore(opts: FaqStoreOptions): FaqStore {
  const { sql } = opts;
  const one = async (text: string, params: unknown[]) => {
    const { rows } = await sql.query<FaqRow>(text, params);
    return rows[0] ? toEntry(rows[0]) : null;
  };

  return {
    async create(e) {
      const params = [e.id ?? randomUUID(), e.question, JSON.stringify(e.phrasings ?? []), e.answer, e.language, e.category, e.demo ?? false];
      return (await one(INSERT, params))!;
    },
    get: (id) => one(GET, [id]),
    update(id, p) {
      const phrasings = p.phrasings === undefined ? null : JSON.stringify(p.phrasings);
      return one(UPDATE, [id, p.question ?? null, phrasings, p.answer ?? null, p.language ?? null, p.category ?? null]);
    },
    async remove(id) {
      const { rows } = await sql.query(DELETE, [id]);
      return rows.length > 0;
    },
    async list(filter = {}) {
      const { rows } = await sql.query<FaqRow>(LIST, [filter.language ?? null, filter.category ?? null]);
      return rows.map(toEntry);
    },
    async version() {
      const { rows } = await sql.query<{ n: number; digest: string }>(VERSION);
      return `${rows[0].n}:${rows[0].digest}`;
    },
  };
}

/**
 * Inserts the demo FAQ (`demo: true`) once per install: only if the FAQ is empty and it was
 * never seeded before, so a lead who deleted the demo entries does not get them back at the
 * next start. Safe when several processes start at once: in one transaction, the mark's
 * primary key makes a second process wait for the first to commit, then insert nothing.
 * Returns the number of entries inserted.
 */
export async function seedDemoFaq(sql: SqlClient, entries: readonly Required<Pick<NewFaqEntry, 'id' | 'question' | 'phrasings' | 'answer' | 'language' | 'category'>>[]): Promise<number> {
  return sql.transaction(async (tx) => {
    const mark = await tx.query(`INSERT INTO demo_seeds (name) VALUES ('faq') ON CONFLICT (name) DO NOTHING RETURNING name`);
    if (mark.rows.length === 0) return 0;
    const { rows } = await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM faq_entries');
    if (rows[0].n > 0) return 0;
    for (const e of entries) {
      await tx.query(INSERT, [e.id, e.question, JSON.stringify(e.phrasings), e.answer, e.language, e.category, true]);
    }
    return entries.length;
  });
}
