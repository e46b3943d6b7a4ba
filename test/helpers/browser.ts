/** Real headless Chromium (Debian's /usr/bin/chromium) driven by playwright-core. */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';

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

/** Signs in on the console at `url` and waits for the workspace (its status picker). */
export async function signInConsole(page: Page, url: string, email: string, password: string): Promise<void> {
  await page.goto(`${url}/console`);
  const form = page.getByRole('form', { name: 'Sign in' });
  await form.getByRole('textbox', { name: 'Email' }).fill(email);
  await form.getByLabel('Password').fill(password);
  await form.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('combobox', { name: 'Status' }).waitFor();
}

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
