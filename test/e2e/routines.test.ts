/// <reference lib="dom" />
/**
 * Routines in the agent console, real Chromium, in English and Chinese: the greeting shows in
 * the transcript marked as sent automatically; a chat the shopper ends stays in the list, marked
 * as ended, with the half-typed reply, until the agent files its category and summary; the
 * follow-ups view lists tasks with due dates, overdue ones highlighted, and closes one with an
 * outcome. Screenshots: test/artifacts/routines-{wrapup,followups}-<locale>.png.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DEFAULT_SETTINGS } from '../../server/domain/settings';
import { ROUTINE_SUGGESTIONS } from '../../shared/settings';
import { en as followEn, zhCN as followZh } from '../../agent-console/src/followups/strings';
import { en } from '../../agent-console/src/locales/en';
import { zhCN } from '../../agent-console/src/locales/zh-CN';
import { artifact, useBrowserContexts } from '../helpers/browser';
import { chattingVisitor, next, ok, onlineAgent, until, WAIT_MS, type TestServer } from '../helpers/chat';
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
  { locale: 'en-US', file: 'en', s: en, f: followEn, visitorLanguage: 'en', greeting: 'Hi Sam, this is Ana. How can I help you?' },
  { locale: 'zh-CN', file: 'zh-CN', s: zhCN, f: followZh, visitorLanguage: 'zh-CN', greeting: 'Sam您好，我是客服Ana，请问有什么可以帮您？' },
];

/** Ana signed in to the console in `locale`. */
async function signIn(locale: string, s: typeof en, user: { email: string }, password: string) {
  const context = await newContext({ locale, viewport: { width: 1400, height: 860 } });
  const page = await context.newPage();
  await page.goto(`${t.url}/console`);
  const form = page.getByRole('form', { name: s.signIn });
  await form.getByRole('textbox', { name: s.email }).fill(user.email);
  await form.getByLabel(s.password).fill(password);
  await form.getByRole('button', { name: s.signIn }).click();
  return page;
}

test.each(LOCALES)('wrap-up after the shopper ends, with the greeting marked automatic; a complaint registered ($locale)', async ({ locale, file, s, f, visitorLanguage, greeting }) => {
  const lead = await t.createUser({ role: 'lead', name: 'Lena' });
  await request(t.server.app)
    .put('/api/v1/settings')
    .set('authorization', `Bearer ${lead.token}`)
    .send({ routines: { ...DEFAULT_SETTINGS.routines, ...ROUTINE_SUGGESTIONS } })
    .expect(200);

  const password = 'console-password-1';
  const ana = await t.createUser({ name: 'Ana', capacity: 2, password });
  const page = await signIn(locale, s, ana, password);
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

  // Registered as a complaint from the conversation's head.
  await page.getByRole('button', { name: f.complaint, exact: true }).click();
  const complaint = page.getByRole('dialog', { name: f.complaintTitle });
  await complaint.getByRole('textbox', { name: f.complaintCategory }).fill('delivery area');
  await complaint.getByRole('combobox', { name: f.severity }).selectOption('high');
  await complaint.getByRole('button', { name: f.register }).click();
  await complaint.waitFor({ state: 'detached' });
  const { rows } = await t.sql.query('SELECT category, severity, owner_id FROM complaints WHERE conversation_id = $1', [conversationId]);
  expect(rows).toEqual([{ category: 'delivery area', severity: 'high', owner_id: ana.id }]);

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

test.each(LOCALES)('follow-ups: listed with due dates, overdue highlighted, closed with an outcome ($locale)', async ({ locale, file, s, f }) => {
  await t.sql.query('DELETE FROM follow_ups'); // one database for the file
  const password = 'console-password-1';
  const ana = await onlineAgent(t, { name: 'Ana', password });
  // A low rating (Ana's task) and a left message (anyone's), the latter made overdue.
  const v = await chattingVisitor(t, 'Hello');
  await ok(ana.socket, 'conversation:close', { conversationId: v.conversationId });
  await ok(v.socket, 'conversation:rate', { conversationId: v.conversationId, score: 1, comment: 'Waited too long' });
  await ok(v.socket, 'offline:message', { name: 'Li Wei', email: 'li@example.com', text: '请回电，订单 A-1234 少了一件' });
  await t.server.chat.idle();
  await t.sql.query(`UPDATE follow_ups SET due_at = now() - interval '2 hours' WHERE source = 'left_message'`);

  const page = await signIn(locale, s, ana, password);
  await page.getByRole('navigation', { name: s.views }).getByRole('button', { name: f.nav }).click();
  const table = page.getByRole('table');
  await table.getByRole('row', { name: /1★ Waited too long/ }).waitFor();
  const late = table.getByRole('row', { name: /A-1234/ });
  expect((await late.locator('.badge.overdue').textContent())?.trim()).toBe(f.overdue);
  expect(await late.getAttribute('class')).toContain('overdue');
  await page.screenshot({ path: artifact(`routines-followups-${file}.png`) });

  await page.getByRole('textbox', { name: f.outcomeFor.replace('{subject}', '1★ Waited too long') }).fill('Called back, apologised');
  await table.getByRole('row', { name: /1★ Waited too long/ }).getByRole('button', { name: f.closeTask }).click();
  await until(async () => (await table.getByRole('row', { name: /1★/ }).count()) === 0, WAIT_MS, 'the closed task to leave the open list');
  const { rows } = await t.sql.query<{ outcome: string }>(`SELECT outcome FROM follow_ups WHERE source = 'rating' AND closed_at IS NOT NULL`);
  expect(rows).toEqual([{ outcome: 'Called back, apologised' }]);
});
