/**
 * Keyset cursors of the REST lists: opaque to clients, base64url of `[time, id]` of the last
 * row of a page (time in ms since the epoch). Anything else is refused as VALIDATION_FAILED.
 */
import { z } from 'zod';
import { AppError } from '../errors';
import { text } from './text';

export const encodeCursor = (at: number, id: string) => Buffer.from(JSON.stringify([at, id])).toString('base64url');

const shape = z.tuple([z.number().int().nonnegative(), text(64, { min: 1 })]);

export function decodeCursor(cursor: string): { at: number; id: string } {
  try {
    const [at, id] = shape.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    return { at, id };
  } catch {
    throw new AppError('VALIDATION_FAILED', 'cursor: not a cursor this API returned');
  }
}
