/** The sign-in form's message for a failed login (apart from the form, so it is tested without a DOM). */
import { ApiError } from '../api';
import { fill, type Strings } from '../i18n';

/** Too many attempts says how long to wait; any other failure is the one "wrong email or password". */
export function signInError(t: Strings, err: unknown): string {
  if (err instanceof ApiError && err.code === 'TOO_MANY_ATTEMPTS') return fill(t.tooManyAttempts, { n: Math.max(1, err.retryAfterSeconds ?? 60) });
  return t.signInFailed;
}
