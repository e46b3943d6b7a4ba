/**
 * Canned replies over any `SqlClient` (PGlite or PostgreSQL): plain SQL, no ORM.
 *
 * Every write bumps `canned_reply_version` in the same statement, so a process holding an
 * in-memory search index learns of any change, from any process, with one primary-key read.
 */
import { randomUUID } from 'node:crypto';
import type { CannedReplyRecord, CannedReplyStore, CannedReplyWrite } from '../../domain/ports/canned-replies';
import type { SqlClient } from './types';

interface Row {
  id: string;
  shortcut: string;
  title: string;
  body: string;
  language: string;
  tags: string[];
  owner_id: string | null;
  demo: boolean;
  created_at: Date;
  updated_at: Date;
}

const COLS = 'id, shortcut, title, body, language, tags, owner_id, demo, created_at, updated_at';

const toRecord = (r: Row): CannedReplyRecord => ({
  id: r.id,
  shortcut: r.shortcut,
  title: r.title,
  body: r.body,
  language: r.language,
  tags: r.tags,
  ownerId: r.owner_id,
  demo: r.demo,
  createdAt: r.created_at.getTime(),
  updatedAt: r.updated_at.getTime(),
});

const ts = (param: string) => `to_timestamp(${param}::float8 / 1000)`;
/** Bumps the version only when the write `changed` returned rows. */
const bump = (changed: string) =>
  `bump AS (UPDATE canned_reply_version SET version = version + 1 WHERE EXISTS (SELECT 1 FROM ${changed}))`;

const VERSION = 'SELECT version FROM canned_reply_version';
const ALL = `SELECT ${COLS} FROM canned_replies ORDER BY shortcut, id`;
const GET = `SELECT ${COLS} FROM canned_replies WHERE id = $1`;
// jsonb goes in as text (`::text::jsonb`): PGlite would JSON-encode a string bound to jsonb a second time.
const INSERT = `WITH ins AS (
  INSERT INTO canned_replies (id, shortcut, title, body, language, tags, owner_id, demo, created_at, updated_at)
  VALUES ($1, $2, $3, $4, $5, $6::text::jsonb, $7, $8, ${ts('$9')}, ${ts('$9')})
  RETURNING ${COLS}
), ${bump('ins')}
SELECT * FROM ins`;
const UPDATE = `WITH upd AS (
  UPDATE canned_replies SET
    shortcut = COALESCE($2::text, shortcut),
    title = COALESCE($3::text, title),
    body = COALESCE($4::text, body),
    language = COALESCE($5::text, language),
    tags = COALESCE($6::text::jsonb, tags),
    updated_at = ${ts('$7')}
  WHERE id = $1
  RETURNING ${COLS}
), ${bump('upd')}
SELECT * FROM upd`;
const DELETE = `WITH del AS (DELETE FROM canned_replies WHERE id = $1 RETURNING id), ${bump('del')}
SELECT id FROM del`;
const DELETE_DEMO = `WITH del AS (DELETE FROM canned_replies WHERE demo AND owner_id IS NULL RETURNING id), ${bump('del')}
SELECT id FROM del`;
// Of two processes seeding at once, both may see version 0: the second's rows then collide
// with the first's on the team shortcut index and are skipped (ON CONFLICT DO NOTHING).
const SEED = `WITH input AS (
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
    AS t(id, shortcut, title, body, language, tags)
), ins AS (
  INSERT INTO canned_replies (id, shortcut, title, body, language, tags, owner_id, demo, created_at, updated_at)
  SELECT id, shortcut, title, body, language, tags::jsonb, NULL, true, ${ts('$7')}, ${ts('$7')} FROM input
  WHERE (SELECT version FROM canned_reply_version) = 0
  ON CONFLICT DO NOTHING
  RETURNING id
), ${bump('ins')}
SELECT id FROM ins`;

const isUniqueViolation = (err: unknown) => (err as { code?: unknown } | null)?.code === '23505';

export function createCannedReplyStore(opts: { sql: SqlClient }): CannedReplyStore {
  const { sql } = opts;

  /** The shortcut's unique index refusing the write is an expected outcome, not a failure. */
  async function write<T extends CannedReplyWrite | null>(run: () => Promise<T>): Promise<T | { status: 'shortcut_taken' }> {
    try {
      return await run();
    } catch (err) {
      if (isUniqueViolation(err)) return { status: 'shortcut_taken' };
      throw err;
    }
  }

  const version = async () => Number((await sql.query<{ version: number | bigint }>(VERSION)).rows[0]?.version ?? 0);

  return {
    version,
    async all() {
      const v = await version();
      const { rows } = await sql.query<Row>(ALL);
      return { version: v, replies: rows.map(toRecord) };
    },
    async get(id) {
      const row = (await sql.query<Row>(GET, [id])).rows[0];
      return row ? toRecord(row) : null;
    },
    create(r, at) {
      return write(async () => {
        const params = [randomUUID(), r.shortcut, r.title, r.body, r.language, JSON.stringify(r.tags), r.ownerId, r.demo ?? false, at];
        return { status: 'saved' as const, reply: toRecord((await sql.query<Row>(INSERT, params)).rows[0]) };
      });
    },
    update(id, p, at) {
      return write(async () => {
        const params = [
          id, p.shortcut ?? null, p.title ?? null, p.body ?? null, p.language ?? null,
          p.tags === undefined ? null : JSON.stringify(p.tags), at,
        ];
        const row = (await sql.query<Row>(UPDATE, params)).rows[0];
        return row ? { status: 'saved' as const, reply: toRecord(row) } : null;
      });
    },
    async remove(id) {
      return (await sql.query(DELETE, [id])).rows.length > 0;
    },
    async removeDemo() {
      return (await sql.query(DELETE_DEMO)).rows.length;
    },
    async seedDemo(replies, at) {
      const col = <K extends keyof (typeof replies)[number]>(k: K) => replies.map((r) => r[k]);
      const params = [
        replies.map(() => randomUUID()), col('shortcut'), col('title'), col('body'), col('language'),
        replies.map((r) => JSON.stringify(r.tags)), at,
      ];
      return (await sql.query(SEED, params)).rows.length;
    },
  };
}
