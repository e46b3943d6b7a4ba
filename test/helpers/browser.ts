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

/**
 * One Chromium for the file, and a fresh context per call, closed after each test. Call it
 * before `useTestServer()`: the pages then close before their server does.
 */
export function useBrowser() {
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
    async newContext(options: BrowserContextOptions = {}): Promise<BrowserContext> {
      if (!browser) throw new Error('the browser starts in beforeAll');
      const context = await browser.newContext(options);
      contexts.push(context);
      return context;
    },
  };
}

/** `useBrowser` as one function: the context factory alone. */
export function useBrowserContexts(): (options?: BrowserContextOptions) => Promise<BrowserContext> {
  const b = useBrowser();
  return (options) => b.newContext(options);
}

/**
 * A new user signed in to the console in a browser context of its own (`locale` picks the
 * console's language), on a desktop-sized viewport.
 */
export async function signedInConsole(
  browser: ReturnType<typeof useBrowser>,
  t: { url: string; createUser: TestServer['createUser'] },
  o: { name: string; role?: 'agent' | 'lead'; capacity?: number; locale?: string },
) {
  const password = 'console-password-1';
  const user = await t.createUser({ name: o.name, role: o.role, capacity: o.capacity, password });
  const zh = (o.locale ?? 'en-US').startsWith('zh');
  const context = await browser.newContext({ locale: o.locale ?? 'en-US', viewport: { width: 1400, height: 860 } });
  const page = await context.newPage();
  await page.goto(`${t.url}/console`);
  const form = page.getByRole('form', { name: zh ? '登录' : 'Sign in' });
  await form.getByRole('textbox', { name: zh ? '邮箱' : 'Email' }).fill(user.email);
  await form.getByLabel(zh ? '密码' : 'Password').fill(password);
  await form.getByRole('button', { name: zh ? '登录' : 'Sign in' }).click();
  return { ...user, context, page };
}
