/** Failures of the SQL store itself (expected outcomes cross the domain's ports as values). */
export class StoreError extends Error {
  constructor(
    readonly reason: 'conversation_not_found' | 'closed',
    message: string = reason,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}

/** PostgreSQL SQLSTATE of a driver error (both drivers set `code`). */
const sqlState = (err: unknown) => (err as { code?: unknown } | null)?.code;
export const isUniqueViolation = (err: unknown) => sqlState(err) === '23505';
export const isForeignKeyViolation = (err: unknown) => sqlState(err) === '23503';
