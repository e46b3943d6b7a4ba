/** A fresh install without ADMIN_EMAIL gets one lead whose password is handed over in a file, not a log. */
import pino from 'pino';
import { ensureFirstAccount } from '../../server/domain/admin';
import { argon2Passwords } from '../../server/store/passwords';
import { loginToken, openTestStore, startTestServer } from '../helpers/chat';

test('the first account is created once, its password written to a file and usable to sign in', async () => {
  const db = await openTestStore();
  const lines: string[] = [];
  const logger = pino({ level: 'info' }, { write: (l: string) => void lines.push(l) });
  const files = new Map<string, string>();
  const opts = { dataDir: '/data', capacity: 5, writeFile: (f: string, text: string) => void files.set(f, text) };
  try {
    const file = await ensureFirstAccount(db.store, argon2Passwords, opts, logger);
    expect(file).toBe('/data/first-login.txt');
    const text = files.get(file!)!;
    const password = /password: (\S+)/.exec(text)![1];
    expect(password.length).toBeGreaterThanOrEqual(16);
    expect(lines.join('\n')).not.toContain(password);
    expect(await ensureFirstAccount(db.store, argon2Passwords, opts, logger)).toBeNull();
    expect(await db.store.listUsers()).toHaveLength(1);
    const t = await startTestServer({ store: db });
    try {
      expect(await loginToken(t.url, 'admin@example.com', password)).toMatch(/^v1\./);
    } finally {
      await t.close();
    }
  } finally {
    await db.store.close();
    await db.sql.close();
  }
});
