/// <reference lib="dom" />
/**
 * The lead's floor in real Chromium: a lead and two agents in separate browser contexts, more
 * agents and the shoppers driven by socket.io-client. The floor shows the loads and the queue
 * as visitors arrive and leave; the lead watches a chat live, whispers, barges in and takes it
 * over from the UI. Screenshots of the floor (en, zh-CN, phone) go to test/artifacts/.
 */
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { artifact, useBrowser } from '../helpers/browser';
import { collect, next, ok, onlineAgent, until, type TestServer, type VisitorClient } from '../helpers/chat';
import { useTestServer } from '../helpers/suite';

jest.setTimeout(180_000);

const browser = useBrowser();
const server = useTestServer({ limits: { agentGraceMs: 60_000 } });
let t: TestServer;
beforeEach(() => {
  t = server();
});

async function signedIn(name: string, capacity: number, role: 'agent' | 'lead' = 'agent', viewport = { width: 1400, height: 900 }) {
  const password = 'floor-password-1';
  const user = await t.createUser({ name, capacity, password, role });
  const context = await browser.newContext({ locale: 'en-US', viewport });
  const page = await context.newPage();
  await page.goto(`${t.url}/console`);
  const form = page.getByRole('form', { name: 'Sign in' });
  await form.getByRole('textbox', { name: 'Email' }).fill(user.email);
  await form.getByLabel('Password').fill(password);
  await form.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('combobox', { name: 'Status' }).waitFor();
  return { ...user, page };
}

async function goOnline(page: Page) {
  await page.getByRole('combobox', { name: 'Status' }).selectOption('online');
  await page.getByRole('combobox', { name: 'Status' }).and(page.locator(':has(option[value="online"]:checked)')).waitFor();
}

async function shopper(name: string, text: string): Promise<{ socket: VisitorClient; conversationId: string }> {
  const socket = await t.visitor();
  await ok(socket, 'session:sync', {});
  await ok(socket, 'visitor:profile', { name });
  const routed = next(socket, 'message', (m) => m.event?.type === 'queued' || m.event?.type === 'assigned');
  const ack = await ok(socket, 'message:send', { clientId: randomUUID(), text });
  await routed;
  return { socket, conversationId: ack.conversationId };
}

/** A row of the agents table, by the agent's name. */
const agentRow = (page: Page, name: string) =>
  page.getByRole('region', { name: 'Agents' }).getByRole('row').filter({ has: page.getByRole('rowheader', { name: new RegExp(`^${name}`) }) });

test('the floor shows loads and the queue live; watch, whisper, barge-in and take-over from the UI', async () => {
  // Tall enough for the whole floor in one screenshot.
  const lead = await signedIn('Lena', 2, 'lead', { width: 1400, height: 1250 });
  const ana = await signedIn('Ana', 1);
  const bo = await signedIn('Bo', 2);
  await goOnline(ana.page);
  await goOnline(bo.page);
  await lead.page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Floor' }).click();
  const floor = lead.page.getByRole('region', { name: 'The floor' });
  await floor.getByRole('heading', { name: /^Today/ }).waitFor();
  const live = floor.getByRole('region', { name: 'Live conversations' });

  // Three shoppers fill Ana (1) and Bo (2); three colleagues on sockets take one each; two wait.
  const first = [await shopper('Wang', 'Where is my parcel?'), await shopper('Li Na', '可以开发票吗？'), await shopper('Sam', 'Do you ship to Canada?')];
  await until(async () => (await agentRow(lead.page, 'Ana').getByRole('cell').nth(2).textContent()) === '1', 15_000, 'Ana with one open chat');
  await until(async () => (await agentRow(lead.page, 'Bo').getByRole('cell').nth(2).textContent()) === '2', 15_000, 'Bo with two open chats');
  expect(await agentRow(lead.page, 'Ana').getByRole('spinbutton', { name: 'Capacity of Ana' }).inputValue()).toBe('1');
  const colleagues = [];
  for (const name of ['Chen', 'Dana', 'Eli']) colleagues.push(await onlineAgent(t, { name, capacity: 1 }));
  await shopper('Olga', 'Size chart please');
  await shopper('张伟', '退货流程是什么？');
  await shopper('Ravi', 'Is this in stock?');
  // Two of them answer: their chats are no longer waiting for an answer.
  for (const c of colleagues.slice(0, 2)) {
    const [conversationId] = await t.pool.agentConversations(c.id);
    await ok(c.socket, 'message:send', { conversationId, clientId: randomUUID(), text: 'Happy to help!' });
  }
  await live.getByRole('row').filter({ hasText: 'answered' }).nth(1).waitFor();
  const waiting = [await shopper('Mei', 'Hello? Anyone there?'), await shopper('Tom', 'Can I change my address?')];
  const queue = floor.getByRole('region', { name: 'Queue' });
  await queue.getByRole('rowheader', { name: 'Tom' }).waitFor();
  expect(await queue.getByRole('row').allTextContents()).toEqual([expect.stringMatching(/Position/), expect.stringMatching(/^1Mei/), expect.stringMatching(/^2Tom/)]);
  await floor.getByRole('term').filter({ hasText: 'Waiting now' }).locator('xpath=..').getByText('2', { exact: true }).waitFor();
  expect(await live.getByRole('row').count()).toBe(1 + 6);

  // Waits over the threshold stand out (1 s here, so the queue is over it).
  await floor.getByRole('spinbutton', { name: /Highlight waits longer than/ }).fill('1');
  await floor.getByRole('spinbutton', { name: /Highlight waits longer than/ }).press('Tab');
  await until(async () => (await queue.getByText('(waiting too long)').count()) === 2, 10_000, 'both waits over the threshold');
  expect(await queue.locator('tr.late').count()).toBe(2);
  await lead.page.screenshot({ path: artifact('floor-en.png'), fullPage: true });

  await lead.page.getByRole('combobox', { name: 'Language' }).selectOption('zh-CN');
  const zhFloor = lead.page.getByRole('region', { name: '现场' });
  await zhFloor.getByRole('region', { name: /^排队/ }).getByRole('rowheader', { name: 'Mei' }).waitFor();
  await zhFloor.getByRole('term').filter({ hasText: '正在排队' }).waitFor();
  await lead.page.screenshot({ path: artifact('floor-zh-CN.png'), fullPage: true });
  await lead.page.getByRole('combobox', { name: '语言' }).selectOption('en');

  // A visitor who gives up leaves the queue; the figures count the missed chat (pushed, at most every 3 s).
  await ok(waiting[1].socket, 'conversation:close', {});
  await until(async () => (await queue.getByRole('row').count()) === 2, 15_000, 'Tom to leave the queue');
  await floor.getByRole('term').filter({ hasText: 'Missed chats' }).locator('xpath=..').getByText('1', { exact: true }).waitFor({ timeout: 15_000 });
  await ok(waiting[0].socket, 'conversation:close', {});
  await queue.getByText('Nobody is waiting.').waitFor();

  // Watch Ana's chat: the visitor's messages and typing arrive live.
  const anasChat = (await t.pool.agentConversations(ana.id))[0];
  const anasShopper = first.find((f) => f.conversationId === anasChat)!;
  const anasName = ['Wang', 'Li Na', 'Sam'][first.indexOf(anasShopper)];
  await live.getByRole('button', { name: `Watch the conversation with ${anasName}` }).click();
  const panel = lead.page.getByRole('region', { name: `Watching: ${anasName} · Ana` });
  const transcript = panel.getByRole('log', { name: 'Transcript' });
  await transcript.getByText(['Where is my parcel?', '可以开发票吗？', 'Do you ship to Canada?'][first.indexOf(anasShopper)]).waitFor();
  anasShopper.socket.emit('typing', { typing: true });
  await panel.getByText('The visitor is typing…').waitFor();
  await ok(anasShopper.socket, 'message:send', { clientId: randomUUID(), text: 'Order number A-1042' });
  await transcript.getByText('Order number A-1042').waitFor();
  await until(async () => !(await panel.getByText('The visitor is typing…').isVisible()), 5000, 'typing to stop with the message');

  // Whisper: Ana sees it as a note, the shopper never does.
  const shopperSees = collect(anasShopper.socket, 'message');
  await panel.getByRole('textbox', { name: /^Whisper to the agent/ }).fill('Offer free express shipping');
  await panel.getByRole('button', { name: 'Whisper' }).click();
  await ana.page.getByRole('log', { name: 'Transcript' }).getByText('Offer free express shipping').waitFor();
  await transcript.getByText('Offer free express shipping').waitFor();

  // Barge in: the shopper gets it under Lena's name, Ana sees it too and keeps the chat.
  const barged = next(anasShopper.socket, 'message', (m) => m.text === 'Hi, Lena here from the team.');
  await panel.getByRole('textbox', { name: 'Write to the visitor under your name' }).fill('Hi, Lena here from the team.');
  await panel.getByRole('button', { name: 'Barge in' }).click();
  expect((await barged).authorName).toBe('Lena');
  await ana.page.getByRole('log', { name: 'Transcript' }).getByText('Hi, Lena here from the team.').waitFor();
  expect(await t.pool.assignmentOf(anasChat)).toBe(ana.id);
  expect(shopperSees.map((m) => m.text)).not.toContain('Offer free express shipping');

  // Take over for Bo, once Bo has room (the lead raises Bo's capacity on the floor).
  const boCapacity = agentRow(lead.page, 'Bo').getByRole('spinbutton', { name: 'Capacity of Bo' });
  await boCapacity.fill('3');
  await boCapacity.press('Tab');
  await until(async () => (await t.pool.agent(bo.id))?.capacity === 3, 10_000, "Bo's capacity");
  const takeTo = panel.getByRole('combobox', { name: 'Take over for' });
  await takeTo.locator('option', { hasText: /^Bo/ }).waitFor({ state: 'attached' });
  await takeTo.selectOption({ label: (await takeTo.locator('option', { hasText: /^Bo/ }).textContent())! });
  await panel.getByRole('button', { name: 'Take over' }).click();
  await until(async () => (await t.pool.assignmentOf(anasChat)) === bo.id, 10_000, 'the chat to move to Bo');
  await ana.page.getByRole('status').getByText(`Lena took over your conversation with ${anasName}; Bo has it now.`).waitFor();
  await bo.page.getByRole('navigation', { name: 'Conversations' }).getByRole('button', { name: new RegExp(anasName) }).waitFor();
  const withBo = lead.page.getByRole('region', { name: `Watching: ${anasName} · Bo` });
  await withBo.waitFor();
  await lead.page.screenshot({ path: artifact('floor-watch-en.png'), fullPage: true });

  // Close it from the panel: it leaves the floor.
  await withBo.getByRole('button', { name: 'Close conversation' }).click();
  await until(async () => (await t.store.getConversation(anasChat))?.status === 'closed', 10_000, 'the close');
  await until(async () => (await live.getByRole('button', { name: `Watch the conversation with ${anasName}` }).count()) === 0, 10_000, 'the chat to leave the floor');
  // Today's median first response counts chats closed today (docs/reports.md): Ana's answered one now.
  await floor.getByRole('term').filter({ hasText: 'Median first response' }).locator('xpath=..').getByText(/\d+ s$/).waitFor({ timeout: 15_000 });
});

test('the floor is readable on a phone and a 768 px tablet', async () => {
  const lead = await signedIn('Lena', 2, 'lead', { width: 390, height: 844 });
  await onlineAgent(t, { name: 'Ana', capacity: 1 });
  await onlineAgent(t, { name: 'Bo', capacity: 1 });
  await shopper('Wang', 'Where is my parcel?');
  await shopper('Li Na', '可以开发票吗？');
  await shopper('Mei', 'Hello?');
  await lead.page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Floor' }).click();
  const floor = lead.page.getByRole('region', { name: 'The floor' });
  await floor.getByRole('region', { name: 'Queue' }).getByRole('rowheader', { name: 'Mei' }).waitFor();
  await lead.page.screenshot({ path: artifact('floor-phone-en.png'), fullPage: true });
  // Nothing sticks out of the screen sideways: wide tables scroll inside their own box.
  expect(await lead.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await lead.page.setViewportSize({ width: 768, height: 1024 });
  await floor.getByRole('region', { name: 'Live conversations' }).getByRole('button', { name: 'Watch the conversation with Wang' }).click();
  await lead.page.getByRole('region', { name: /^Watching: Wang/ }).getByRole('log', { name: 'Transcript' }).getByText('Where is my parcel?').waitFor();
  expect(await lead.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(768);
  await lead.page.screenshot({ path: artifact('floor-tablet-en.png'), fullPage: true });
});

test('the floor is not offered to agents', async () => {
  const ana = await signedIn('Ana', 1);
  await ana.page.getByRole('combobox', { name: 'Status' }).waitFor();
  expect(await ana.page.getByRole('button', { name: 'Floor' }).count()).toBe(0);
});
