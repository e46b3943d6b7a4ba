import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Logger } from '../logger';
import type { UserRepository } from './ports/chat-store';
import type { PasswordHasher } from './ports/passwords';

/** Creates the first lead from ADMIN_EMAIL/ADMIN_PASSWORD, or keeps it in sync with them. */
export async function ensureAdmin(
  store: UserRepository,
  passwords: PasswordHasher,
  admin: { email: string; password: string; name: string },
  capacity: number,
  logger: Logger,
) {
  const existing = await store.findUserByEmail(admin.email);
  if (existing && existing.role === 'lead' && (await passwords.verify(existing.passwordHash, admin.password))) return;
  await store.upsertUser({
    email: admin.email,
    displayName: existing?.displayName ?? admin.name,
    role: 'lead',
    passwordHash: await passwords.hash(admin.password),
    capacity: existing?.capacity ?? capacity,
  });
  logger.info({ email: admin.email }, existing ? 'lead account updated from ADMIN_EMAIL' : 'lead account created from ADMIN_EMAIL');
}

/**
 * A fresh install with no account and no ADMIN_EMAIL would leave nobody able to sign in:
 * create a lead with a random password and hand it over in a file readable only by the
 * owner (never in the logs). Returns the file's path, or null when accounts exist.
 */
export async function ensureFirstAccount(
  store: UserRepository,
  passwords: PasswordHasher,
  opts: { dataDir: string; capacity: number; writeFile(path: string, text: string): void },
  logger: Logger,
): Promise<string | null> {
  if ((await store.listUsers()).length > 0) return null;
  const email = 'admin@example.com';
  const password = randomBytes(12).toString('base64url');
  await store.upsertUser({ email, displayName: 'Admin', role: 'lead', passwordHash: await passwords.hash(password), capacity: opts.capacity });
  const file = path.join(opts.dataDir, 'first-login.txt');
  opts.writeFile(
    file,
    `LiveSupport first account (a lead). Sign in at /console, then change it or set ADMIN_EMAIL/ADMIN_PASSWORD.\nemail: ${email}\npassword: ${password}\n`,
  );
  logger.warn({ file }, 'No account yet: created the lead admin@example.com; its password is in this file');
  return file;
}
