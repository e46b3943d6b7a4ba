/**
 * npm run user:add -- --email ana@example.com --role lead [--name "Ana"] [--password …] [--capacity 5]
 * Without --password a random one is generated and printed once.
 * With the embedded database, a running server holds it (DATA_DIR/pglite.lock): the command
 * then refuses, changing nothing, and says how to add the account instead (stop the server,
 * or a lead adds it in the console's Team view / POST /api/v1/users). With DATABASE_URL it
 * runs beside any number of servers.
 */
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { loadConfig } from '../config';
import { openDatabase } from '../backends';
import { usePrivateUmask } from '../files';
import { hashPassword } from '../store/passwords';
import { DirLockedError } from '../store/sql/dir-lock';

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
  let opened;
  try {
    opened = await openDatabase(config, undefined, 'user:add');
  } catch (err) {
    if (!(err instanceof DirLockedError)) throw err;
    console.error(
      `Not added: the embedded database in ${config.dataDir} is in use by ${err.owner.by} (pid ${err.owner.pid}), ` +
        'and only one process may open it.\n' +
        'Either stop the server and run this command again, or, while it runs, sign in to the console as a lead ' +
        'and add the account under Team (or POST /api/v1/users with a lead token).',
    );
    process.exit(3);
  }
  const { sql, store } = opened;
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
