/**
 * Team settings over any `SqlClient`: one row per setting, its value as jsonb. All keys of one
 * write go in one statement, so a reader never sees half of a lead's save.
 */
import type { SettingsStore } from '../../domain/ports/settings';
import type { SqlClient } from './types';

// jsonb goes in as text (`::text::jsonb`): PGlite would JSON-encode a string bound to jsonb a second time.
const UPSERT = `INSERT INTO settings (key, value, updated_by, updated_at)
SELECT k, v::jsonb, $3, to_timestamp($4::float8 / 1000)
FROM unnest($1::text[], $2::text[]) AS t(k, v)
ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at`;

export function createSettingsStore({ sql }: { sql: Pick<SqlClient, 'query'> }): SettingsStore {
  return {
    async read() {
      const { rows } = await sql.query<{ key: string; value: unknown }>('SELECT key, value FROM settings');
      return Object.fromEntries(rows.map((r) => [r.key, r.value]));
    },
    async write(values, byUserId, at) {
      const keys = Object.keys(values);
      if (!keys.length) return;
      await sql.query(UPSERT, [keys, keys.map((k) => JSON.stringify(values[k])), byUserId, at]);
    },
  };
}
