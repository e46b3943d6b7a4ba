/**
 * Every row of every table in the store, as text: equal snapshots mean nothing was stored or
 * changed. The tables are read from the catalogue, so one added by a migration is covered.
 */
import type { SqlClient } from '../../server/store/sql/types';

export async function storeSnapshot(sql: SqlClient): Promise<Record<string, string[]>> {
  const { rows: tables } = await sql.query<{ name: string }>(
    "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1",
  );
  const out: Record<string, string[]> = {};
  for (const { name } of tables) {
    const { rows } = await sql.query<{ r: string }>(`SELECT row_to_json(x)::text AS r FROM "${name}" x ORDER BY 1`);
    out[name] = rows.map((row) => row.r);
  }
  return out;
}
