/** What is wrong with a new password before it is sent, as a sentence key (apart from the form, so it is tested without a DOM). */
import type { AccountStrings } from './strings';

/** The server's rule (shared/rest.ts ChangePasswordRequest): 10 to 200 characters. */
export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 200;

export function passwordProblem(current: string, next: string, repeat: string): keyof AccountStrings | null {
  if ([...next].length < PASSWORD_MIN) return 'tooShort';
  if (next.length > PASSWORD_MAX) return 'tooLong';
  if (next !== repeat) return 'mismatch';
  if (next === current) return 'sameAsOld';
  return null;
}
