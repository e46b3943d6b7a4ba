/// <reference lib="dom" />
/**
 * The lead's pages in real Chromium: a lead invites an agent from the team page and the agent
 * sets a password through the link and signs in; a FAQ entry created on its page (and tried
 * in "try a shopper's question") is suggested to that agent; settings saved on their page take
 * effect; users change their own password; and the pages in zh-CN. Screenshots of the team,
 * library and settings pages in both languages go to test/artifacts/.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { Page } from 'playwright-core';
import { artifact, useBrowserContexts } from '../helpers/browser';
import { loginToken, ok, type TestServer } from '../helpers/chat';
import { useTestServer } from '../helpers/suite';
import { BUILT_IN_CATEGORIES } from '../../shared/settings';

jest.setTimeout(120_000);

// Before the server's hooks: the pages close before their server does.
const newContext = useBrowserContexts();
const server = useTestServer({ limits: { agentGraceMs: 60_000 } });
let t: TestServer;
beforeEach(async () => {
  t = server();
  // One database for the file: each test starts from the default settings.
  await t.sql.query('DELETE FROM settings');
});

async function newPage(locale = 'en-US'): Promise<Page> {
  const context = await newContext({ locale, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  // Deactivation and deletion ask for confirmation.
  page.on('dialog', (d) => void d.accept());
  return page;
}

/** The console scrolls inside its panes, so a whole page needs a tall window. */
async function shoot(page: Page, name: string) {
  const size = page.viewportSize()!;
  await page.setViewportSize({ width: size.width, height: 1500 });
  await page.screenshot({ path: artifact(name) });
  await page.setViewportSize(size);
}

async function signIn(page: Page, email: string, password: string) {
  await page.goto(`${t.url}/console`);
  const form = page.getByRole('form', { name: 'Sign in' });
  await form.getByRole('textbox', { name: 'Email' }).fill(email);
  await form.getByLabel('Password').fill(password);
  await form.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('combobox', { name: 'Status' }).waitFor();
}

const PASSWORD = 'lead-password-123';
async function leadPage(locale = 'en-US') {
  const lead = await t.createUser({ role: 'lead', name: 'Lena', password: PASSWORD });
  const page = await newPage(locale);
  await signIn(page, lead.email, PASSWORD);
  return { ...lead, page };
}

const views = (page: Page, name = 'Views') => page.getByRole('navigation', { name });
const auth = (token: string) => ({ authorization: `Bearer ${token}` });

test('a lead invites an agent who signs in; a FAQ entry made on its page is suggested to them; they change their password', async () => {
  const lead = await leadPage();

  // Team page: invite Nia; the link is shown to copy.
  await views(lead.page).getByRole('button', { name: 'Team' }).click();
  const invite = lead.page.getByRole('form', { name: 'Invite someone' });
  const email = `nia-${randomUUID().slice(0, 8)}@example.test`;
  await invite.getByLabel('Email').fill(email);
  await invite.getByLabel('Display name').fill('Nia');
  await invite.getByLabel('Chats at once').fill('3');
  await invite.getByRole('button', { name: 'Create invitation' }).click();
  const linkBox = lead.page.getByRole('status', { name: 'Invitation link for Nia' });
  const url = await linkBox.getByRole('textbox', { name: 'Link' }).inputValue();
  expect(url).toMatch(new RegExp(`^${t.url}/console#invite=[\\w-]{43}$`));
  const row = lead.page.getByRole('row', { name: /Nia/ });
  await row.getByText('0 / 3').waitFor();
  expect(await row.textContent()).toContain(email);
  await shoot(lead.page, 'admin-team-en.png');

  // Nia opens the link in her own browser, sets a password, and signs in.
  const nia = await newPage();
  await nia.goto(url);
  const setPassword = nia.getByRole('form', { name: 'Set your password' });
  await setPassword.getByText(email).waitFor();
  await setPassword.getByLabel('New password (at least 10 characters)').fill('nia-first-password');
  await setPassword.getByRole('button', { name: 'Save password' }).click();
  await nia.getByRole('status').getByText('Password saved. You can sign in now.').waitFor();
  await nia.getByRole('button', { name: 'Sign in' }).click();
  await signIn(nia, email, 'nia-first-password');
  // An agent sees no lead pages: their left messages, their transcripts, their follow-ups, their own reports and account.
  expect(await views(nia).getByRole('button').allTextContents()).toEqual(['Chats', 'Left messages', 'Transcripts', 'Follow-ups', 'Reports', 'My account', 'Help']);
  await nia.getByRole('combobox', { name: 'Status' }).selectOption('online');
  await lead.page.getByRole('button', { name: 'Team' }).click();

  // Library page, FAQ tab: a new entry, then "try a shopper's question" says why it matches.
  await views(lead.page).getByRole('button', { name: 'Replies & FAQ' }).click();
  await lead.page.getByRole('tab', { name: 'FAQ' }).click();
  await lead.page.getByRole('button', { name: 'New FAQ entry' }).click();
  const entry = lead.page.getByRole('form', { name: 'New FAQ entry' });
  await entry.getByLabel('Question').fill('Do you ship to Iceland?');
  await entry.getByLabel('Other ways shoppers ask it (one per line)').fill('Can I get delivery in Reykjavik?');
  await entry.getByLabel('Answer', { exact: true }).fill('Hi {visitor.name}, yes: parcels to Iceland take 5 to 7 days. {agent.name}');
  const preview = entry.getByRole('region', { name: 'Preview' });
  await preview.getByText('Hi Emma, yes: parcels to Iceland take 5 to 7 days. Lena').waitFor();
  // An anonymous shopper is greeted sensibly, never "Hi , yes".
  await preview.getByText('Hi there, yes: parcels to Iceland take 5 to 7 days. Lena').waitFor();
  await entry.getByRole('button', { name: 'Create' }).click();
  await lead.page.getByRole('status').getByText('Created.').waitFor();
  await lead.page.getByRole('tabpanel', { name: 'FAQ' }).getByText('Do you ship to Iceland?').waitFor();

  const tryBox = lead.page.getByRole('region', { name: "Try a shopper's question" });
  await tryBox.getByLabel('What a shopper might write').fill('how long does shipping to iceland take');
  await tryBox.getByRole('button', { name: 'See what matches' }).click();
  const result = tryBox.getByRole('status', { name: "Try a shopper's question" });
  await result.getByText('Do you ship to Iceland?').waitFor();
  expect(await result.textContent()).toMatch(/Matched words: .*iceland/);
  expect(await result.textContent()).toMatch(/Score \d+\.\d/);
  await shoot(lead.page, 'admin-library-en.png');

  // A shopper asks; Nia sees the new entry among her FAQ suggestions.
  const shopper = await t.visitor();
  await ok(shopper, 'session:sync', {});
  await ok(shopper, 'message:send', { clientId: randomUUID(), text: 'Do you deliver to Iceland?' });
  await nia.getByRole('navigation', { name: 'Conversations' }).getByText('Do you deliver to Iceland?').click();
  const suggestions = nia.getByRole('region', { name: 'FAQ suggestions' });
  await suggestions.getByText('Do you ship to Iceland?').waitFor();

  // Nia changes her own password: wrong current one, too short, then right.
  await views(nia).getByRole('button', { name: 'My account' }).click();
  const change = nia.getByRole('form', { name: 'Change password' });
  const fillPasswords = async (current: string, next: string, repeat = next) => {
    await change.getByLabel('Current password').fill(current);
    await change.getByLabel('New password (at least 10 characters)').fill(next);
    await change.getByLabel('New password again').fill(repeat);
    await change.getByRole('button', { name: 'Change password' }).click();
  };
  await fillPasswords('not-my-password', 'nia-second-password');
  await change.getByRole('alert').getByText('The current password is wrong.').waitFor();
  await fillPasswords('nia-first-password', 'short');
  await change.getByRole('alert').getByText('The new password is too short: use at least 10 characters.').waitFor();
  await fillPasswords('nia-first-password', 'nia-second-password', 'nia-second-passwort');
  await change.getByRole('alert').getByText('The two new passwords are not the same.').waitFor();

  const niaToken = await loginToken(t.url, email, 'nia-first-password');
  await fillPasswords('nia-first-password', 'nia-second-password');
  await change.getByRole('status').getByText(/Your password is changed/).waitFor();
  // Earlier sessions end; this tab carries on with its new token (its chat is still there).
  expect((await request(t.server.app).get('/api/v1/me').set(auth(niaToken)).expect(401)).body.error.code).toBe('TOKEN_EXPIRED');
  await views(nia).getByRole('button', { name: 'Chats' }).click();
  await nia.getByRole('navigation', { name: 'Conversations' }).getByText('Do you deliver to Iceland?').waitFor();
  await expect(loginToken(t.url, email, 'nia-first-password')).rejects.toThrow('401');
  await loginToken(t.url, email, 'nia-second-password');

  // The lead deactivates Nia: her console is signed out and her chat goes back to the queue.
  await views(lead.page).getByRole('button', { name: 'Team' }).click();
  await lead.page.getByRole('button', { name: 'Deactivate Nia' }).click();
  await lead.page.getByRole('row', { name: /Nia/ }).getByText('Deactivated').waitFor();
  await nia.getByRole('form', { name: 'Sign in' }).waitFor();
  expect(await t.pool.queue()).toHaveLength(1);
});

test('settings saved on their page apply; the pages and the shortcut help in zh-CN', async () => {
  const lead = await leadPage();
  await views(lead.page).getByRole('button', { name: 'Settings' }).click();
  await lead.page.getByRole('button', { name: 'Remove the category Complaint' }).click();
  await lead.page.getByRole('checkbox', { name: 'Agents see what visitors type before they send it' }).uncheck();
  await lead.page.getByLabel('Waiting threshold (seconds)', { exact: true }).fill('120');
  await lead.page.getByRole('checkbox', { name: 'Also give such a chat, once, to another free agent (of its department, if it has one)' }).check();
  await lead.page.getByRole('checkbox', { name: 'Open on Saturday' }).check();
  await lead.page.getByLabel('Saturday from').fill('10:00');
  await lead.page.getByLabel('Saturday until').fill('09:00');
  await lead.page.getByRole('button', { name: 'Save settings' }).click();
  // Checked in the browser, in words.
  await lead.page.getByRole('alert').getByText('Saturday: the opening time must be before the closing time.').waitFor();
  await lead.page.getByLabel('Saturday until').fill('14:00');
  await lead.page.getByRole('button', { name: 'Save settings' }).click();
  await lead.page.getByRole('status').getByText('Settings saved.').waitFor();
  await shoot(lead.page, 'admin-settings-en.png');

  const saved = (await request(t.server.app).get('/api/v1/settings').set(auth(lead.token)).expect(200)).body.settings;
  expect(saved).toMatchObject({
    waitingThresholdSeconds: 120,
    typingPreview: false,
    routines: { slowAnswerReroute: true },
  });
  expect(saved.closeCategories.map((c: { id: string; removed: boolean }) => [c.id, c.removed])).toEqual([
    ['inquiry', false], ['complaint', true], ['order', false], ['after_sales', false], ['other', false],
  ]);
  expect(saved.businessHours.days.sat).toEqual({ open: '10:00', close: '14:00' });

  // zh-CN: every lead page, with no English left in its headings and controls.
  await lead.page.getByRole('combobox', { name: 'Language' }).selectOption('zh-CN');
  const zhViews = views(lead.page, '视图');
  await zhViews.getByRole('button', { name: '团队' }).click();
  await lead.page.getByRole('form', { name: '邀请新成员' }).waitFor();
  await lead.page.getByRole('table', { name: '团队成员' }).getByRole('row', { name: /Lena（您）/ }).getByText('组长').waitFor();
  await shoot(lead.page, 'admin-team-zh-CN.png');

  await zhViews.getByRole('button', { name: '快捷回复与常见问题' }).click();
  await lead.page.getByRole('tab', { name: '常见问题' }).click();
  await lead.page.getByRole('button', { name: '新建常见问题' }).click();
  const entry = lead.page.getByRole('form', { name: '新建常见问题' });
  await entry.getByLabel('答案', { exact: true }).fill('{visitor.name}您好，我是{agent.name}，七天内可以无理由退货。');
  await entry.getByRole('region', { name: '预览' }).getByText('亲您好，我是Lena，七天内可以无理由退货。').waitFor();
  await shoot(lead.page, 'admin-library-zh-CN.png');
  await entry.getByRole('button', { name: '取消' }).click();

  await zhViews.getByRole('button', { name: '设置' }).click();
  await lead.page.getByRole('checkbox', { name: '客服可以看到访客正在输入的内容' }).waitFor();
  await lead.page.getByRole('button', { name: '恢复分类“投诉”' }).waitFor();
  await shoot(lead.page, 'admin-settings-zh-CN.png');
  const text = (await lead.page.getByRole('main').textContent())!;
  // Besides content (the English greeting and idle prompt), the routines' variable names and the
  // time zone's identifier, no Latin text is on the page.
  const content = ['Hi! How can we help you today?', 'Are you still there?', '{visitor.name}', '{agent.name}', 'Asia/Shanghai'];
  expect(content.reduce((rest, c) => rest.replaceAll(c, ''), text)).not.toMatch(/[A-Za-z]{3,}/);

  // "?" opens the keyboard shortcuts; the dialog closes with 关闭, not 取消.
  await lead.page.locator('body').press('?');
  const help = lead.page.getByRole('dialog', { name: '键盘快捷键' });
  await help.getByText('跳到等待最久的会话').waitFor();
  await help.getByRole('button', { name: '关闭' }).click();
  await help.waitFor({ state: 'detached' });
});

test('an agent sees typing previews only while the team allows; closing offers the team\'s categories; a transfer offers only colleagues with room', async () => {
  const lead = await t.createUser({ role: 'lead', name: 'Lena' });
  await request(t.server.app).put('/api/v1/settings').set(auth(lead.token)).send({ closeCategories: BUILT_IN_CATEGORIES.filter((c) => c.id === 'order' || c.id === 'other') }).expect(200);
  const password = 'agent-password-1';
  const ana = await t.createUser({ name: 'Ana', password });
  const full = await t.createUser({ name: 'Full', capacity: 0 });
  const fullSocket = await t.agent(full.token);
  await ok(fullSocket, 'agent:status', { status: 'online' });
  await t.createUser({ name: 'Offline Olga' });

  const page = await newPage('zh-CN');
  await page.goto(`${t.url}/console`);
  const form = page.getByRole('form', { name: '登录' });
  await form.getByRole('textbox', { name: '邮箱' }).fill(ana.email);
  await form.getByLabel('密码').fill(password);
  await form.getByRole('button', { name: '登录' }).click();
  await page.getByRole('combobox', { name: '状态' }).selectOption('online');
  const shopper = await t.visitor();
  await ok(shopper, 'session:sync', {});
  await ok(shopper, 'message:send', { clientId: randomUUID(), text: '你好' });
  await page.getByRole('navigation', { name: '会话' }).getByText('你好').click();

  // Typing preview on (the default): the agent reads the draft; off: only that the shopper types.
  const transcript = page.getByRole('log', { name: '聊天记录' });
  shopper.emit('typing', { typing: true, text: '我的订单号是 A-1' });
  await transcript.getByText('访客正在输入：我的订单号是 A-1').waitFor();
  await request(t.server.app).put('/api/v1/settings').set(auth(lead.token)).send({ typingPreview: false }).expect(200);
  shopper.emit('typing', { typing: true, text: '我的订单号是 A-12' });
  await transcript.getByText('访客正在输入…').waitFor();
  expect(await transcript.getByText(/A-12/).count()).toBe(0);

  await page.getByRole('button', { name: '转接' }).click();
  const move = page.getByRole('dialog', { name: '转接会话' });
  await move.getByText('暂无在线且有空位的同事，可以将会话退回排队。').waitFor();
  // Only "back to the queue": Full (no room) and Olga (offline) are not offered.
  expect(await move.getByRole('option').allTextContents()).toEqual(['退回排队']);
  await move.getByRole('button', { name: '取消' }).click();

  await page.getByRole('button', { name: '结束会话' }).click();
  const close = page.getByRole('dialog', { name: '结束会话' });
  await close.getByRole('option', { name: '订单' }).waitFor({ state: 'attached' });
  expect(await close.getByRole('option').allTextContents()).toEqual(['订单', '其他']);
  await close.getByRole('button', { name: '取消' }).click();
});
