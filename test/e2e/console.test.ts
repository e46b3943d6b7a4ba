/// <reference lib="dom" />
/**
 * The agent console in real Chromium: two agents in separate browser contexts,
 * shoppers driven by socket.io-client. Controls are found by role and label.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { Page } from 'playwright-core';
import { seedDemoFaq } from '../../server/seed';
import { artifact, useBrowserContexts } from '../helpers/browser';
import { collect, next, ok, until, WAIT_MS, type TestServer, type VisitorClient } from '../helpers/chat';
import { useTestServer } from '../helpers/suite';

jest.setTimeout(90_000);

let t: TestServer;
// Before the server's hooks: the pages close before their server does.
const newContext = useBrowserContexts();
const server = useTestServer({ limits: { agentGraceMs: 60_000 } });
beforeEach(() => {
  t = server();
});

async function agentConsole(name: string, capacity: number, locale = 'en-US') {
  const password = 'console-password-1';
  const user = await t.createUser({ name, capacity, password });
  const context = await newContext({ locale, viewport: { width: 1400, height: 860 } });
  const page = await context.newPage();
  await page.goto(`${t.url}/console`);
  const form = page.getByRole('form', { name: locale.startsWith('zh') ? '登录' : 'Sign in' });
  await form.getByRole('textbox', { name: locale.startsWith('zh') ? '邮箱' : 'Email' }).fill(user.email);
  await form.getByLabel(locale.startsWith('zh') ? '密码' : 'Password').fill(password);
  await form.getByRole('button', { name: locale.startsWith('zh') ? '登录' : 'Sign in' }).click();
  return { ...user, page };
}

async function goOnline(page: Page) {
  await page.getByRole('combobox', { name: 'Status' }).selectOption('online');
  await page.getByRole('combobox', { name: 'Status' }).and(page.locator(':has(option[value="online"]:checked)')).waitFor();
}

async function shopper(text: string, name?: string): Promise<{ socket: VisitorClient; conversationId: string }> {
  const socket = await t.visitor();
  await ok(socket, 'session:sync', {});
  if (name) await ok(socket, 'visitor:profile', { name });
  const ack = await ok(socket, 'message:send', { clientId: randomUUID(), text });
  return { socket, conversationId: ack.conversationId };
}

const chatList = (page: Page) => page.getByRole('navigation', { name: 'Conversations' });
const composer = (page: Page) => page.getByRole('textbox', { name: 'Reply' });

test('two agents: routing, canned reply, FAQ suggestion, note, transfer, close, reload', async () => {
  await seedDemoFaq(t.sql);
  const lead = await t.createUser({ role: 'lead', name: 'Lead' });
  await request(t.server.app)
    .post('/api/v1/canned-replies')
    .set('authorization', `Bearer ${lead.token}`)
    .send({ shortcut: 'thanks', title: 'Thank the shopper', body: 'Thank you {visitor.name}, this is {agent.name}. Anything else?', language: 'en' })
    .expect(201);

  const ana = await agentConsole('Ana', 2);
  await goOnline(ana.page);
  const first = await shopper('My order has not arrived');
  await chatList(ana.page).getByText('My order has not arrived').waitFor();
  await ana.page.getByText('Load 1 / 2').waitFor();

  const bo = await agentConsole('Bo', 5);
  await goOnline(bo.page);
  // Ana is at 1/2 = 0.5, Bo at 0/5: the next two go to the less loaded Bo.
  const second = await shopper('Can I pay by invoice?', 'Wang');
  await chatList(bo.page).getByText('Can I pay by invoice?').waitFor();
  const third = await shopper('退货要多久？');
  await chatList(bo.page).getByText('退货要多久？').waitFor();
  expect(await t.pool.assignmentOf(second.conversationId)).toBe(bo.id);
  expect(await t.pool.assignmentOf(third.conversationId)).toBe(bo.id);
  expect(await chatList(ana.page).getByRole('button').count()).toBe(1);

  // Bo answers the invoice question with a canned reply chosen through "/".
  await chatList(bo.page).getByRole('button', { name: /Wang/ }).click();
  const toShopper = next(second.socket, 'message', (m: any) => m.author === 'agent');
  await composer(bo.page).fill('/tha');
  const picker = bo.page.getByRole('listbox', { name: 'Canned replies' });
  await picker.getByRole('option', { name: /thanks/ }).waitFor();
  await composer(bo.page).press('Enter');
  expect(await composer(bo.page).inputValue()).toBe('Thank you Wang, this is Bo. Anything else?');
  await composer(bo.page).press('Enter');
  expect((await toShopper).text).toBe('Thank you Wang, this is Bo. Anything else?');

  // FAQ suggestions for the shopper's question sit beside the composer; one click inserts.
  const suggestions = bo.page.getByRole('region', { name: 'FAQ suggestions' });
  const insert = suggestions.getByRole('button', { name: /^Insert: / }).first();
  await insert.waitFor();
  expect(await suggestions.textContent()).toMatch(/invoice/i);
  await insert.click();
  expect(await composer(bo.page).inputValue()).toMatch(/invoice/i);
  await composer(bo.page).fill('');

  // An internal note: the agent side sees it, the shopper never does.
  const shopperSees = collect(second.socket, 'message');
  await bo.page.getByRole('checkbox', { name: 'Internal note' }).check();
  await bo.page.getByRole('textbox', { name: 'Internal note' }).fill('Customer is a reseller: check the B2B price list');
  await bo.page.getByRole('button', { name: 'Add note' }).click();
  await bo.page.getByRole('log', { name: 'Transcript' }).getByText('Customer is a reseller').waitFor();
  await bo.page.getByRole('checkbox', { name: 'Internal note' }).uncheck();

  // Three chats open at once on Bo's screen (two assigned plus one transferred below).
  await chatList(ana.page).getByRole('button', { name: /My order has not arrived/ }).click();
  await ana.page.getByRole('button', { name: 'Transfer' }).click();
  const dialog = ana.page.getByRole('dialog', { name: 'Transfer conversation' });
  await dialog.getByRole('combobox', { name: 'Transfer to' }).selectOption({ label: (await dialog.getByRole('option', { name: /^Bo/ }).textContent())! });
  await dialog.getByRole('textbox', { name: /Note for the next agent/ }).fill('Tracking number in the first message');
  await dialog.getByRole('button', { name: 'Transfer' }).click();
  await chatList(bo.page).getByText('My order has not arrived').waitFor();
  await until(async () => (await chatList(ana.page).getByRole('button').count()) === 0, WAIT_MS, 'the chat to leave Ana');
  expect(await t.pool.assignmentOf(first.conversationId)).toBe(bo.id);
  await bo.page.getByText('Load 3 / 5').waitFor();
  await bo.page.screenshot({ path: artifact('console-three-chats.png') });

  // Close the refund question with a category and summary.
  await chatList(bo.page).getByRole('button', { name: /退货要多久/ }).click();
  await bo.page.getByRole('button', { name: 'Close conversation' }).click();
  const close = bo.page.getByRole('dialog', { name: 'Close conversation' });
  await close.getByRole('combobox', { name: 'Category' }).selectOption('after_sales');
  await close.getByRole('textbox', { name: 'Summary' }).fill('Explained the 7-day return window');
  await close.getByRole('button', { name: 'Close' }).click();
  await until(async () => (await t.store.getConversation(third.conversationId))?.status === 'closed', WAIT_MS, 'close');
  expect(await t.store.getConversation(third.conversationId)).toMatchObject({ closeCategory: 'after_sales', closeSummary: 'Explained the 7-day return window' });
  await until(async () => (await chatList(bo.page).getByRole('button').count()) === 2, WAIT_MS, 'the closed chat to leave the list');

  // Reload mid-chat: the chats are still there and the conversation continues.
  await bo.page.reload();
  await chatList(bo.page).getByText('My order has not arrived').waitFor();
  await chatList(bo.page).getByRole('button', { name: /Wang/ }).click();
  await bo.page.getByRole('log', { name: 'Transcript' }).getByText('Customer is a reseller').waitFor();
  const afterReload = next(second.socket, 'message', (m: any) => m.text === 'Still here after a reload');
  await composer(bo.page).fill('Still here after a reload');
  await composer(bo.page).press('Enter');
  await afterReload;
  expect(shopperSees.map((m) => m.text)).not.toContain('Customer is a reseller: check the B2B price list');
});

test('message content is text in the console; the zh-CN console works', async () => {
  const mei = await agentConsole('美', 3, 'zh-CN');
  await mei.page.getByRole('combobox', { name: '状态' }).selectOption('online');
  const payload = '<img src=x onerror="window.__pwned=1"> <script>window.__pwned=2</script>';
  await shopper(payload);
  await mei.page.getByRole('navigation', { name: '会话' }).getByRole('button').first().click();
  await mei.page.getByRole('log', { name: '聊天记录' }).getByText(payload).waitFor();
  expect(await mei.page.evaluate(() => (window as any).__pwned)).toBeUndefined();
  expect(await mei.page.locator('.log img, .log script').count()).toBe(0);
  await mei.page.getByRole('button', { name: '结束会话' }).waitFor();
  await mei.page.screenshot({ path: artifact('console-zh-CN.png') });
});

test('an invited agent sets a password from the link and signs in', async () => {
  const lead = await t.createUser({ role: 'lead', name: 'Lead' });
  const created = await request(t.server.app)
    .post('/api/v1/users')
    .set('authorization', `Bearer ${lead.token}`)
    .send({ email: `new-${randomUUID()}@example.test`, name: 'Newcomer', role: 'agent' })
    .expect(201);
  const link = new URL(created.body.invitation.url);
  const context = await newContext({ locale: 'en-US' });
  const page = await context.newPage();
  await page.goto(`${t.url}${link.pathname}${link.hash}`);
  const form = page.getByRole('form', { name: 'Set your password' });
  await form.getByLabel(/New password/).fill('a-long-enough-password');
  await form.getByRole('button', { name: 'Save password' }).click();
  await page.getByRole('status').getByText('Password saved').waitFor();
  await page.getByRole('button', { name: 'Sign in' }).click();
  const signIn = page.getByRole('form', { name: 'Sign in' });
  await signIn.getByRole('textbox', { name: 'Email' }).fill(created.body.user.email);
  await signIn.getByLabel('Password').fill('a-long-enough-password');
  await signIn.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('combobox', { name: 'Status' }).waitFor();
  // The link works once.
  const again = await context.newPage();
  await again.goto(`${t.url}${link.pathname}${link.hash}`);
  await again.getByRole('alert').getByText(/invalid, used or expired/).waitFor();
});

test('the visitor panel shows page context and opens an earlier transcript', async () => {
  const ana = await agentConsole('Ana', 3);
  await goOnline(ana.page);
  const { socket, conversationId } = await shopper('First question about shipping', 'Lin');
  await ok(socket, 'visitor:context', { url: 'https://shop.example/tea', title: 'Bamboo Tea Set', data: { orderNumber: 'A-42' } });
  await chatList(ana.page).getByText('First question about shipping').waitFor();
  await ana.page.getByRole('button', { name: 'Close conversation' }).click();
  await ana.page.getByRole('dialog', { name: 'Close conversation' }).getByRole('button', { name: 'Close' }).click();
  await until(async () => (await t.store.getConversation(conversationId))?.status === 'closed', WAIT_MS, 'close');
  await ok(socket, 'message:send', { clientId: randomUUID(), text: 'Back with another question' });
  await chatList(ana.page).getByText('Back with another question').click();
  const panel = ana.page.getByRole('complementary', { name: 'Visitor details' });
  await panel.getByRole('link', { name: 'Bamboo Tea Set' }).waitFor();
  await panel.getByText('A-42').waitFor();
  await panel.getByRole('button', { name: /Ana · Closed/ }).click();
  const dialog = ana.page.getByRole('dialog', { name: 'Earlier conversations' });
  await dialog.getByText('First question about shipping').waitFor();
});

test('a long transcript opens on its last 100 messages; a labelled button reads earlier pages back from the server', async () => {
  const ana = await agentConsole('Ana', 3);
  await goOnline(ana.page);
  const { conversationId } = await shopper('Message 1 of 250');
  await chatList(ana.page).getByText('Message 1 of 250').waitFor();
  // The rest of the history, written straight to the store: the console reads it at the reload.
  const { visitorId } = (await t.store.getConversation(conversationId))!;
  for (let i = 2; i <= 250; i++) {
    await t.store.appendMessage({ conversationId, clientId: randomUUID(), author: 'visitor', authorId: visitorId, kind: 'text', text: `Message ${i} of 250`, at: Date.now() });
  }
  await ana.page.reload();
  const transcript = ana.page.getByRole('log', { name: 'Transcript' });
  await transcript.getByText('Message 250 of 250', { exact: true }).waitFor();
  expect(await transcript.getByText('Message 1 of 250', { exact: true }).count()).toBe(0);
  // The sync sent the latest page: every earlier message (seq 1 to the page's first) is counted, none is held yet.
  const earlier = (await transcript.getByRole('button', { name: /^Show earlier messages \(\d+ more\)$/ }).textContent())!;
  const notHeld = Number(/\d+/.exec(earlier)![0]);
  const held = await ana.page.evaluate(() => document.querySelectorAll('.log .msg, .log .event').length);
  expect(held).toBeLessThanOrEqual(100);
  expect(notHeld).toBeGreaterThanOrEqual(150);

  await ana.page.getByRole('combobox', { name: 'Language' }).selectOption('zh-CN');
  const zhTranscript = ana.page.getByRole('log', { name: '聊天记录' });
  // Two pages back: each click reads one, and what was on screen stays where it was.
  for (let left = notHeld; left > 0; left -= 100) {
    const showEarlier = zhTranscript.getByRole('button', { name: `显示更早的消息（还有 ${left} 条）` });
    await showEarlier.scrollIntoViewIfNeeded();
    const oldest = zhTranscript.getByText(/^Message \d+ of 250$/).first();
    const oldestText = (await oldest.textContent())!;
    const top = (await oldest.boundingBox())!.y;
    await showEarlier.click();
    if (left > 100) await zhTranscript.getByRole('button', { name: `显示更早的消息（还有 ${left - 100} 条）` }).waitFor();
    else await zhTranscript.getByText('Message 1 of 250', { exact: true }).waitFor();
    expect((await zhTranscript.getByText(oldestText, { exact: true }).boundingBox())!.y).toBeCloseTo(top, 0);
  }
  expect(await zhTranscript.getByRole('button').count()).toBe(0);
  expect(await zhTranscript.getByText(/^Message \d+ of 250$/).count()).toBe(250);
});

test('the agent sees the shopper leave the page and come back, in the list and the header, in English and Chinese', async () => {
  const ana = await agentConsole('Ana', 2);
  await goOnline(ana.page);
  const first = await shopper('Is the kettle in stock?');
  await chatList(ana.page).getByText('Is the kettle in stock?').click();
  const header = ana.page.getByRole('main');
  first.socket.emit('visitor:presence', { state: 'visible' });
  await chatList(ana.page).getByText('On the page').waitFor();
  await header.getByText('On the page').waitFor();
  first.socket.emit('visitor:presence', { state: 'hidden' });
  await header.getByText('Page in background').waitFor();
  await chatList(ana.page).getByText('Page in background').waitFor();
  await ana.page.screenshot({ path: artifact('console-presence.png') });

  const wei = await agentConsole('小王', 2, 'zh-CN');
  await wei.page.getByRole('combobox', { name: '状态' }).selectOption('online');
  const second = await shopper('有货吗？');
  await wei.page.getByRole('navigation', { name: '会话' }).getByText('有货吗？').click();
  second.socket.emit('visitor:presence', { state: 'visible' });
  await wei.page.getByRole('main').getByText('在页面上').waitFor();
  second.socket.emit('visitor:presence', { state: 'hidden' });
  await wei.page.getByRole('main').getByText('页面在后台').waitFor();
});
