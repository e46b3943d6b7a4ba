/** Real headless Chromium (Debian's /usr/bin/chromium) driven by playwright-core. */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions } from 'playwright-core';
import type { TestServer } from './chat';

export const ARTIFACTS = path.join(__dirname, '..', 'artifacts');

export async function launchBrowser(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    // This machine's network is closed: background services would only produce noise.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export const artifact = (name: string) => path.join(ARTIFACTS, name);

export interface TestBrowser {
  /** A new browser context, closed after the running test. */
  context(options?: BrowserContextOptions): Promise<BrowserContext>;
}

/**
 * One Chromium for the file, launched in beforeAll; the contexts a test opens close after it.
 * Call it before `useTestServer`, so that pages close before their server does.
 */
export function useBrowser(): TestBrowser {
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((c) => c.close()));
  });
  return {
    async context(options) {
      if (!browser) throw new Error('the browser launches in beforeAll');
      const c = await browser.newContext(options);
      contexts.push(c);
      return c;
    },
  };
}

/**
 * A new user signed in to the console in a browser context of its own (`locale` picks the
 * console's language), on a desktop-sized viewport.
 */
export async function signedInConsole(
  browser: TestBrowser,
  t: { url: string; createUser: TestServer['createUser'] },
  o: { name: string; role?: 'agent' | 'lead'; capacity?: number; locale?: string },
) {
  const password = 'console-password-1';
  const user = await t.createUser({ name: o.name, role: o.role, capacity: o.capacity, password });
  const zh = (o.locale ?? 'en-US').startsWith('zh');
  const context = await browser.context({ locale: o.locale ?? 'en-US', viewport: { width: 1400, height: 860 } });
  const page = await context.newPage();
  await page.goto(`${t.url}/console`);
  const form = page.getByRole('form', { name: zh ? '登录' : 'Sign in' });
  await form.getByRole('textbox', { name: zh ? '邮箱' : 'Email' }).fill(user.email);
  await form.getByLabel(zh ? '密码' : 'Password').fill(password);
  await form.getByRole('button', { name: zh ? '登录' : 'Sign in' }).click();
  return { ...user, context, page };
}
