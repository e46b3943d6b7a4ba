import type { Logger } from '../logger';
import type { ChatStore } from '../store/sql/types';
import { hashPassword, verifyPassword } from './auth';

/** Creates the first lead from ADMIN_EMAIL/ADMIN_PASSWORD, or keeps it in sync with them. */
export async function ensureAdmin(
  store: ChatStore,
  admin: { email: string; password: string; name: string },
  capacity: number,
  logger: Logger,
) {
  const existing = await store.findUserByEmail(admin.email);
  if (existing && existing.role === 'lead' && (await verifyPassword(existing.passwordHash, admin.password))) return;
  await store.upsertUser({
    email: admin.email,
    displayName: existing?.displayName ?? admin.name,
    role: 'lead',
    passwordHash: await hashPassword(admin.password),
    capacity: existing?.capacity ?? capacity,
  });
  logger.info({ email: admin.email }, existing ? 'lead account updated from ADMIN_EMAIL' : 'lead account created from ADMIN_EMAIL');
}
