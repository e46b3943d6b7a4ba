/**
 * npm run user:add -- --email ana@example.com --role lead [--name "Ana"] [--password …] [--capacity 5]
 * Without --password a random one is generated and printed once.
 * With the embedded database, stop the server first (PGlite is single-process).
 */
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { loadConfig } from '../config';
import { openDatabase } from '../backends';
import { usePrivateUmask } from '../files';
import { hashPassword } from '../store/passwords';

const argsSchema = z.object({
  email: z.string().email(),
  role: z.enum(['agent', 'lead']).default('agent'),
  name: z.string().min(1).max(100).optional(),
  password: z.string().min(8).optional(),
  capacity: z.coerce.number().int().min(0).max(100).optional(),
});

async function main() {
  const { values } = parseArgs({
    options: {
      email: { type: 'string' },
      role: { type: 'string' },
      name: { type: 'string' },
      password: { type: 'string' },
      capacity: { type: 'string' },
    },
  });
  const parsed = argsSchema.safeParse(values);
  if (!parsed.success) {
    console.error('Usage: npm run user:add -- --email EMAIL [--role agent|lead] [--name NAME] [--password PASSWORD] [--capacity N]');
    console.error(parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n'));
    process.exit(2);
  }
  const a = parsed.data;
  // Before the database is opened: what PGlite writes into DATA_DIR is private.
  usePrivateUmask();
  const config = loadConfig();
  const password = a.password ?? randomBytes(12).toString('base64url');
  const { sql, store } = await openDatabase(config);
  const existing = await store.findUserByEmail(a.email);
  const user = await store.upsertUser({
    email: a.email,
    displayName: a.name ?? existing?.displayName ?? a.email.split('@')[0],
    role: a.role,
    passwordHash: await hashPassword(password),
    capacity: a.capacity ?? existing?.capacity ?? config.limits.defaultCapacity,
  });
  await store.close();
  await sql.close();
  console.log(`${existing ? 'Updated' : 'Created'} ${user.role} ${user.email} (id ${user.id})`);
  if (!a.password) console.log(`Password: ${password}`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
