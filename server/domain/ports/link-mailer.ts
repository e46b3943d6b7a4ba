/**
 * Sends a one-time link (an invitation or a password reset) to its user by e-mail. Optional:
 * without one (no SMTP configured) the lead copies the link shown in the console.
 */
import type { OneTimeLink } from '../team';
import type { UserRecord } from './records';

export interface LinkMailer {
  /** Resolves true once the mail is accepted for delivery; false or a rejection: not sent (the link stays valid). */
  send(user: UserRecord, link: OneTimeLink): Promise<boolean>;
}
