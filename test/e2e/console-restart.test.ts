/// <reference lib="dom" />
/**
 * The agent console in real Chromium across a restart of the embedded server (same store,
 * same port, a new in-process pool): the console reconnects by itself, the agent is back
 * online with the same chat, and a short banner says what happened.
 */
import { randomUUID } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { artifact, launchBrowser } from '../helpers/browser';
import { ok } from '../helpers/chat';
import { useTestServer } from '../helpers/suite';

jest.setTimeout(120_000);

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});
const server = useTestServer({ limits: { agentGraceMs: 60_000 } });

test('after a server restart the console is back online with the same chat and says the server restarted', async () => {
  let t = server();
  const password = 'console-password-1';
  const user = await t.createUser({ name: 'Ana', capacity: 2, password });
  const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1200, height: 760 } });
  try {
    const page = await context.newPage();
    await page.goto(`${t.url}/console`);
    const form = page.getByRole('form', { name: 'Sign in' });
    await form.getByRole('textbox', { name: 'Email' }).fill(user.email);
    await form.getByLabel('Password').fill(password);
    await form.getByRole('button', { name: 'Sign in' }).click();
    const status = page.getByRole('combobox', { name: 'Status' });
    await status.selectOption('online');
    await status.and(page.locator(':has(option[value="online"]:checked)')).waitFor();
    const visitor = await t.visitor();
    await ok(visitor, 'session:sync', {});
    await ok(visitor, 'message:send', { clientId: randomUUID(), text: '我的快递到哪了？' });
    const chats = page.getByRole('navigation', { name: 'Conversations' });
    await chats.getByText('我的快递到哪了？').waitFor();

    const port = t.port;
    await server.stop();
    await page.getByRole('status').getByText(/Reconnecting/).waitFor();
    t = await server.start({ port });
    await t.server.chat.restoreQueue(); // as main.ts does at start

    const banner = page.getByRole('status').filter({ hasText: 'The server restarted. Your status and your chats were restored.' });
    await banner.waitFor({ timeout: 60_000 });
    await chats.getByText('我的快递到哪了？').waitFor();
    await status.and(page.locator(':has(option[value="online"]:checked)')).waitFor();
    expect(await t.pool.agent(user.id)).toMatchObject({ status: 'online', load: 1, connections: 1, graceDeadline: null });
    await page.screenshot({ path: artifact('console-after-restart.png') });
    await banner.getByRole('button', { name: 'Dismiss' }).click();
    await banner.waitFor({ state: 'detached' });
  } finally {
    await context.close();
  }
});
