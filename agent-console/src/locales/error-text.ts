/** An error as a sentence in the reader's language: people never see a catalogue code. */
import { ERRORS, type ErrorCode } from '../../../shared/errors';
import type { Strings } from './en';

const isCode = (c: unknown): c is ErrorCode => typeof c === 'string' && Object.hasOwn(ERRORS, c);

/** `err`: a code, an ack's `error`, or an `ApiError` (anything with `code`); unknown ones get the generic sentence. */
export function errorText(t: Strings, err: unknown): string {
  const code = typeof err === 'string' ? err : (err as { code?: unknown } | null)?.code;
  return isCode(code) ? t.errors[code] : t.error;
}
