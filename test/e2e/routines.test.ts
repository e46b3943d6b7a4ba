/// <reference lib="dom" />
/**
 * Routines in the agent console, real Chromium, in English and Chinese: the greeting shows in
 * the transcript marked as sent automatically; a chat the shopper ends stays in the list, marked
 * as ended, with the half-typed reply, until the agent files its category and summary.
 * Screenshots: test/artifacts/routines-wrapup-<locale>.png.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DEFAULT_SETTINGS } from '../../server/domain/settings';
import { ROUTINE_SUGGESTIONS } from '../../shared/settings';
import { en } from '../../agent-console/src/locales/en';
import { zhCN } from '../../agent-console/src/locales/zh-CN';
import { artifact, useBrowserContexts } from '../helpers/browser';
import { next, ok, until, WAIT_MS, type TestServer } from '../helpers/chat';
import { useTestServer } from '../helpers/suite';

jest.setTimeout(120_000);

let t: TestServer;
// Before the server's hooks: the pages close before their server does.
const newContext = useBrowserContexts();
const server = useTestServer({ limits: { agentGraceMs: 60_000 } });
beforeEach(() => {
  t = server();
});

const LOCALES = [
  { locale: 'en-US', file: 'en', s: en, visitorLanguage: 'en', greeting: 'Hi Sam, this is Ana. How can I help you?' },
  { locale: 'zh-CN', file: 'zh-CN', s: zhCN, visitorLanguage: 'zh-CN', greeting: 'Sam您好，我是客服Ana，请问有什么可以帮您？' },
];

test.each(LOCALES)('wrap-up after the shopper ends, with the greeting marked automatic ($locale)', async ({ locale, file, s, visitorLanguage, greeting }) => {
  const lead = await t.createUser({ role: 'lead', name: 'Lena' });
  await request(t.server.app)
    .put('/api/v1/settings')
    .set('authorization', `Bearer ${lead.token}`)
    .send({ routines: { ...DEFAULT_SETTINGS.routines, ...ROUTINE_SUGGESTIONS } })
    .expect(200);

  const password = 'console-password-1';
  const ana = await t.createUser({ name: 'Ana', capacity: 2, password });
  const context = await newContext({ locale, viewport: { width: 1400, height: 860 } });
  const page = await context.newPage();
  await page.goto(`${t.url}/console`);
  const form = page.getByRole('form', { name: s.signIn });
  await form.getByRole('textbox', { name: s.email }).fill(ana.email);
  await form.getByLabel(s.password).fill(password);
  await form.getByRole('button', { name: s.signIn }).click();
  const status = page.getByRole('combobox', { name: s.status });
  await status.selectOption('online');
  await status.and(page.locator(':has(option[value="online"]:checked)')).waitFor();

  const shopper = await t.visitor();
  await ok(shopper, 'session:sync', {});
  await ok(shopper, 'visitor:context', { language: visitorLanguage });
  await ok(shopper, 'visitor:profile', { name: 'Sam' });
  const greeted = next(shopper, 'message', (m) => m.auto === true);
  const { conversationId } = await ok(shopper, 'message:send', { clientId: randomUUID(), text: 'Do you ship to Hangzhou?' });
  expect((await greeted).text).toBe(greeting);

  const list = page.getByRole('navigation', { name: s.conversations });
  await list.getByRole('button', { name: /Sam/ }).click();
  const transcript = page.getByRole('log', { name: s.transcript });
  await transcript.getByText(greeting).waitFor();
  await transcript.getByText(s.autoMessage, { exact: false }).waitFor();

  // A half-typed reply, then the shopper leaves.
  const composer = page.getByRole('textbox', { name: s.reply });
  await composer.fill('We ship to Hangzhou within 2 d');
  await ok(shopper, 'conversation:close', {});
  await list.getByText(s.ended).waitFor();
  await page.getByRole('status').filter({ hasText: s.endedBanner.slice(0, 6) }).waitFor();
  expect(await composer.inputValue()).toBe('We ship to Hangzhou within 2 d');
  expect((await t.pool.agent(ana.id))?.load).toBe(0);
  await page.screenshot({ path: artifact(`routines-wrapup-${file}.png`) });

  // Filing: category and summary, then the chat leaves the list.
  await page.getByRole('button', { name: s.fileWrapUp }).click();
  const dialog = page.getByRole('dialog', { name: s.wrapUpTitle });
  await dialog.getByRole('combobox', { name: s.category }).selectOption('order');
  await dialog.getByRole('textbox', { name: s.summary }).fill('Asked about shipping to Hangzhou');
  await dialog.getByRole('button', { name: s.confirmWrapUp }).click();
  await until(async () => (await list.getByRole('button').count()) === 0, WAIT_MS, 'the filed chat to leave the list');
  expect(await t.store.getConversation(conversationId)).toMatchObject({
    status: 'closed',
    closedBy: 'visitor',
    closeCategory: 'order',
    closeSummary: 'Asked about shipping to Hangzhou',
  });
});
