/**
 * A transaction-scoped advisory lock, released at commit or rollback. `wait`: block until it is
 * free; else take it only if it is free now (a second process skips the work rather than queue
 * behind it). PGlite is one session, where the lock is always free: its transactions already
 * run one at a time.
 */
import type { SqlClient } from './types';

export async function advisoryLock(tx: Pick<SqlClient, 'query'>, key: number, wait: boolean): Promise<boolean> {
  if (wait) {
    await tx.query(`SELECT pg_advisory_xact_lock(${key})`);
    return true;
  }
  return (await tx.query<{ ok: boolean }>(`SELECT pg_try_advisory_xact_lock(${key}) AS ok`)).rows[0].ok;
}
