/// <reference lib="dom" />
/**
 * The pre-chat form in real Chromium, in English and Chinese: a lead switches fields on in the
 * console's Settings page, the shopper fills the widget's form (every field found by its
 * accessible name), and the agent's console shows the shopper's name in the list and the
 * conversation's head. A name the host page passed with `setVisitor` is not asked again. With the
 * lead's department choice on (the form itself off), a zh-CN shopper must pick a department and
 * the chat reaches that department's agent. The form's department field is also tried alone
 * with a fake session. Screenshots: test/artifacts/pre-chat-{settings,widget,console}-<locale>.png,
 * pre-chat-department-{form,widget,console}.png.
 */
import { build } from 'esbuild';
import path from 'node:path';
import request from 'supertest';
import { en as settingsEn, zhCN as settingsZh } from '../../agent-console/src/settings/strings';
import { en as consoleEn } from '../../agent-console/src/locales/en';
import { zhCN as consoleZh } from '../../agent-console/src/locales/zh-CN';
import { en as widgetEn } from '../../widget/src/locales/en';
import { zhCN as widgetZh } from '../../widget/src/locales/zh-CN';
import { artifact, signedInConsole, useBrowser } from '../helpers/browser';
import { onlineAgent, until, WAIT_MS, type TestServer } from '../helpers/chat';
import { useTestServer } from '../helpers/suite';

jest.setTimeout(120_000);

let t: TestServer;
// Before the server's hooks: the pages close before their server does.
const browser = useBrowser();
const server = useTestServer({ limits: { agentGraceMs: 60_000 } });
beforeEach(async () => {
  t = server();
  await t.sql.query('DELETE FROM settings'); // one database for the file
});

const LOCALES = [
  { locale: 'en-US', file: 'en', s: settingsEn, c: consoleEn, w: widgetEn, name: 'Sam Lee', question: 'Is the tea set dishwasher safe?' },
  { locale: 'zh-CN', file: 'zh-CN', s: settingsZh, c: consoleZh, w: widgetZh, name: '王小明', question: '茶具可以用洗碗机洗吗？' },
];

/** An agent signed in to the console in `locale`, online. */
async function onlineInConsole(locale: string, c: typeof consoleEn) {
  const agent = await signedInConsole(browser, t, { name: 'Ana', locale });
  const status = agent.page.getByRole('combobox', { name: c.status });
  await status.selectOption('online');
  await until(async () => (await t.pool.agent(agent.id))?.status === 'online', WAIT_MS, 'Ana online');
  return agent;
}

async function shopper(locale: string, w: typeof widgetEn) {
  const context = await browser.newContext({ locale, viewport: { width: 1200, height: 800 } });
  const page = await context.newPage();
  await page.goto(t.url);
  await page.getByRole('button', { name: w.launcher }).click();
  return page;
}

test.each(LOCALES)('a lead switches the form on, the shopper fills it, the agent sees the name ($locale)', async ({ locale, file, s, c, w, name, question }) => {
  // The lead's Settings page: each field's mode, by its accessible name.
  const lead = await signedInConsole(browser, t, { name: 'Lena', role: 'lead', locale });
  await lead.page.getByRole('navigation', { name: c.views }).getByRole('button', { name: s.nav }).click();
  const fieldset = lead.page.getByRole('group', { name: s.preChat });
  for (const [field, mode] of [['name', 'required'], ['email', 'optional'], ['department', 'required'], ['question', 'required']] as const) {
    await fieldset.getByRole('combobox', { name: s[`preChat.${field}`], exact: true }).selectOption({ label: s[`preChat.${mode}`] });
  }
  await fieldset.screenshot({ path: artifact(`pre-chat-settings-${file}.png`) });
  await lead.page.getByRole('button', { name: s.save }).click();
  await lead.page.getByRole('status').getByText(s.saved).waitFor();
  const agent = await onlineInConsole(locale, c);

  // The widget asks before the first message; no department without departments offered.
  const page = await shopper(locale, w);
  const form = page.getByRole('form', { name: w.preChatTitle });
  await form.waitFor();
  const nameBox = form.getByRole('textbox', { name: w.name });
  expect(await nameBox.evaluate((el: HTMLInputElement) => el.required)).toBe(true);
  expect(await form.getByRole('textbox', { name: w.email }).evaluate((el: HTMLInputElement) => el.required)).toBe(false);
  expect(await form.getByRole('combobox').count()).toBe(0);
  expect(await page.getByRole('textbox', { name: w.composerLabel }).count()).toBe(0);
  // A required field left empty: the browser keeps the form, nothing is sent.
  await form.getByRole('textbox', { name: w.question }).fill(question);
  await form.getByRole('button', { name: w.send }).click();
  expect(await nameBox.evaluate((el: HTMLInputElement) => el.validity.valueMissing)).toBe(true);
  await nameBox.fill(name);
  await form.getByRole('textbox', { name: w.email }).fill('sam@example.com');
  await page.screenshot({ path: artifact(`pre-chat-widget-${file}.png`) });
  await form.getByRole('button', { name: w.send }).click();

  // The question is the first message; the form is gone and the composer back.
  await page.getByRole('log', { name: w.messages }).getByText(question).waitFor();
  await page.getByRole('textbox', { name: w.composerLabel }).waitFor();
  expect(await form.count()).toBe(0);

  // The agent's list and the conversation's head show the name, not "Visitor 3e5f17".
  const item = agent.page.getByRole('navigation', { name: c.conversations }).getByRole('button', { name: new RegExp(name) });
  await item.click();
  await agent.page.getByRole('heading', { name, exact: true }).waitFor();
  await agent.page.getByRole('log', { name: c.transcript }).getByText(question).waitFor();
  await agent.page.screenshot({ path: artifact(`pre-chat-console-${file}.png`) });
  expect((await t.sql.query('SELECT email FROM visitors WHERE name = $1', [name])).rows).toEqual([{ email: 'sam@example.com' }]);
});

test('a name the host page passed is not asked again; an optional question left empty leaves the composer', async () => {
  const lead = await t.createUser({ role: 'lead' });
  await request(t.server.app)
    .put('/api/v1/settings')
    .set('authorization', `Bearer ${lead.token}`)
    .send({ preChat: { name: 'required', email: 'required', department: 'off', question: 'optional' } })
    .expect(200);
  const agent = await onlineInConsole('en-US', consoleEn);

  const context = await browser.newContext({ locale: 'en-US' });
  const page = await context.newPage();
  await page.goto(t.url);
  await page.evaluate(() => (window as unknown as { LiveSupport: (...a: unknown[]) => void }).LiveSupport('setVisitor', { name: 'Mei from the shop' }));
  await page.getByRole('button', { name: widgetEn.launcher }).click();
  const form = page.getByRole('form', { name: widgetEn.preChatTitle });
  await form.getByRole('textbox', { name: widgetEn.email }).waitFor();
  await until(async () => (await form.getByRole('textbox', { name: widgetEn.name }).count()) === 0, WAIT_MS, 'the name to be left out');
  await form.getByRole('textbox', { name: widgetEn.email }).fill('mei@example.com');
  await form.getByRole('button', { name: widgetEn.send }).click();

  const composer = page.getByRole('textbox', { name: widgetEn.composerLabel });
  await composer.fill('Hello');
  await composer.press('Enter');
  await agent.page.getByRole('navigation', { name: consoleEn.conversations }).getByRole('button', { name: /Mei from the shop/ }).waitFor();
});

test('departments offered, form off: the zh-CN shopper must pick one, picks 售后, and the chat reaches its agent', async () => {
  const lead = await t.createUser({ role: 'lead' });
  const rest = (method: 'post' | 'put', route: string, body: object) =>
    request(t.server.app)[method](`/api/v1${route}`).set('authorization', `Bearer ${lead.token}`).send(body);
  await rest('post', '/departments', { name: '售前' }).expect(201);
  const care = (await rest('post', '/departments', { name: '售后' }).expect(201)).body.department as { id: string };
  await rest('put', '/settings', { departments: { offerChoice: true, overflowSeconds: 600 } }).expect(200);
  const ana = await onlineInConsole('zh-CN', consoleZh);
  await rest('put', `/users/${ana.id}/departments`, { departmentIds: [care.id] }).expect(200);
  // Online, idle, with more room than Ana, and in no department: must not get this chat.
  const bo = await onlineAgent(t, { name: 'Bo', capacity: 10 });
  const boAssigned: unknown[] = [];
  bo.socket.on('conversation:assigned', (a) => boAssigned.push(a));

  const page = await shopper('zh-CN', widgetZh);
  const form = page.getByRole('form', { name: widgetZh.preChatTitle });
  const department = form.getByRole('combobox', { name: widgetZh.department });
  await department.waitFor();
  expect(await department.evaluate((el: HTMLSelectElement) => [el.required, [...el.options].map((o) => o.text)])).toEqual([true, ['', '售前', '售后']]);
  expect(await page.getByRole('textbox', { name: widgetZh.composerLabel }).count()).toBe(0);
  // Left empty: the browser keeps the form.
  await form.getByRole('button', { name: widgetZh.send }).click();
  expect(await department.evaluate((el: HTMLSelectElement) => el.validity.valueMissing)).toBe(true);
  await department.selectOption({ label: '售后' });
  await page.screenshot({ path: artifact('pre-chat-department-form.png') });
  await form.getByRole('button', { name: widgetZh.send }).click();

  const composer = page.getByRole('textbox', { name: widgetZh.composerLabel });
  await composer.fill('收到的茶杯有裂缝，怎么退货？');
  await composer.press('Enter');
  await page.getByRole('log', { name: widgetZh.messages }).getByText('收到的茶杯有裂缝，怎么退货？').waitFor();
  await page.screenshot({ path: artifact('pre-chat-department-widget.png') });

  // Ana (售后) gets it in her console; Bo, freer but in no department, does not.
  const item = ana.page.getByRole('navigation', { name: consoleZh.conversations }).getByRole('button').first();
  await item.click();
  await ana.page.getByRole('log', { name: consoleZh.transcript }).getByText('收到的茶杯有裂缝，怎么退货？').waitFor();
  await ana.page.screenshot({ path: artifact('pre-chat-department-console.png') });
  const { rows } = await t.sql.query<{ agent_id: string; department_id: string }>(
    'SELECT c.agent_id, c.department_id FROM conversations c JOIN messages m ON m.conversation_id = c.id WHERE m.body = $1',
    ['收到的茶杯有裂缝，怎么退货？'],
  );
  expect(rows).toEqual([{ agent_id: ana.id, department_id: care.id }]);
  expect(boAssigned).toEqual([]);
});

/**
 * The form alone in a page, with a fake session and a chat that records its calls: the widget's
 * side of each combination of fields, without a server.
 */
const HARNESS = `
import { render } from 'preact';
import { PreChat } from './prechat';
import { preChatFields } from './prechat-fields';
import { strings } from './i18n';
const calls = [];
window.harness = {
  calls,
  mount(locale, session) {
    const s = { connection: 'online', visitorId: 'v', conversation: null, messages: [], outbox: [], refused: [], max: 4000, agentsAvailable: true, agentTyping: false, toRate: null, known: {}, ...session };
    const fields = preChatFields(s);
    const chat = {
      async setProfile(p) { calls.push(['visitor:profile', p]); return { ok: true, data: { visitorId: 'v' } }; },
      send(text) { calls.push(['message:send', text]); },
    };
    render(fields ? <PreChat chat={chat} s={s} t={strings(locale)} fields={fields} /> : <p>no form</p>, document.body);
  },
};`;

async function formPage(locale: 'en' | 'zh-CN', session: object) {
  const out = await build({
    stdin: { contents: HARNESS, loader: 'tsx', resolveDir: path.join(__dirname, '..', '..', 'widget', 'src') },
    bundle: true,
    write: false,
    format: 'iife',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    logLevel: 'silent',
  });
  const context = await browser.newContext({ locale });
  const page = await context.newPage();
  await page.setContent('<!doctype html><html><body></body></html>');
  await page.addScriptTag({ content: out.outputFiles[0].text });
  await page.evaluate(([l, s]) => (window as any).harness.mount(l, s), [locale, session] as const);
  return { page, calls: () => page.evaluate(() => (window as any).harness.calls as unknown[][]) };
}

const DEPARTMENTS = [
  { id: 'pre-sales', name: '售前 Pre-sales' },
  { id: 'after-sales', name: '售后 After-sales' },
];

test('departments offered: the form asks for one (required), sends it with the profile, then the question', async () => {
  const { page, calls } = await formPage('zh-CN', { preChat: { name: 'optional', department: 'required', question: 'optional' }, departments: DEPARTMENTS });
  const form = page.getByRole('form', { name: widgetZh.preChatTitle });
  const department = form.getByRole('combobox', { name: widgetZh.department });
  expect(await department.evaluate((el: HTMLSelectElement) => [el.required, [...el.options].map((o) => o.text)])).toEqual([true, ['', ...DEPARTMENTS.map((d) => d.name)]]);
  await form.getByRole('textbox', { name: widgetZh.name }).fill('李雷');
  await form.getByRole('textbox', { name: widgetZh.question }).fill('退货要多久？');
  // Not chosen yet: the browser keeps the form, nothing is sent.
  await form.getByRole('button', { name: widgetZh.send }).click();
  expect(await department.evaluate((el: HTMLSelectElement) => el.validity.valueMissing)).toBe(true);
  expect(await calls()).toEqual([]);

  await department.selectOption({ label: '售后 After-sales' });
  await form.getByRole('button', { name: widgetZh.send }).click();
  await until(async () => (await calls()).length === 2, WAIT_MS, 'the profile and the question');
  expect(await calls()).toEqual([
    ['visitor:profile', { name: '李雷', department: 'after-sales' }],
    ['message:send', '退货要多久？'],
  ]);
});

test('no departments offered: no department field; nothing but a question left: no form', async () => {
  const without = await formPage('en', { preChat: { email: 'required', department: 'required' }, departments: [] });
  const form = without.page.getByRole('form', { name: widgetEn.preChatTitle });
  await form.getByRole('textbox', { name: widgetEn.email }).waitFor();
  expect(await form.getByRole('combobox').count()).toBe(0);

  const onlyQuestion = await formPage('en', { preChat: { name: 'required', department: 'required', question: 'required' }, known: { name: 'Ana' } });
  await onlyQuestion.page.getByText('no form').waitFor();
});
