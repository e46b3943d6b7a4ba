/// <reference lib="dom" />
/**
 * The lead workspace's inbox and transcripts in real Chromium: a shopper leaves a message from
 * the widget on the demo storefront, a lead assigns it, an agent answers it in the console
 * (zh-CN), and the shopper sees the answer in the open widget and again on reopening it. Transcript search finds a
 * Chinese phrase, opens the conversation, and the CSV export holds the rows.
 */
import { readFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { artifact, signedInConsole, useBrowser } from '../helpers/browser';
import request from 'supertest';
import { ok, onlineAgent, until, type TestServer } from '../helpers/chat';
import { useTestServer } from '../helpers/suite';

jest.setTimeout(120_000);

// Before the server's hooks: the pages close before their server does.
const browser = useBrowser();
const server = useTestServer({ limits: { agentGraceMs: 60_000 } });
let t: TestServer;
beforeEach(() => {
  t = server();
});

const staff = (name: string, o: { role?: 'agent' | 'lead'; locale?: string } = {}) => signedInConsole(browser, t, { name, ...o });

const view = (page: Page, label: string) => page.getByRole('navigation', { name: /^(Views|视图)$/ }).getByRole('button', { name: label });

test('a left message from the widget is assigned, answered in the console, and the shopper sees the answer on reopening the widget', async () => {
  const shopperContext = await browser.newContext({ locale: 'en-US', viewport: { width: 1200, height: 800 } });
  const shop = await shopperContext.newPage();
  await shop.goto(t.url);
  await shop.getByRole('button', { name: /Open chat with support/ }).click();
  const form = shop.getByRole('form', { name: 'No one is online right now' });
  await form.getByText('the reply shows here when you next open this chat in this browser').waitFor();
  await form.getByRole('textbox', { name: 'Your name' }).fill('Ana');
  await form.getByRole('textbox', { name: 'Your email' }).fill('ana@example.com');
  await form.getByRole('textbox', { name: 'Message' }).fill('Do you ship teapots to Hong Kong?');
  await form.getByRole('button', { name: 'Send message' }).click();
  await shop.getByText('Thank you! The reply shows here when you next open this chat in this browser').waitFor();

  // The lead sees it with its page and time, and assigns it to an agent.
  const agent = await staff('Mei', { locale: 'zh-CN' });
  const lead = await staff('Lena', { role: 'lead' });
  await view(lead.page, 'Left messages').click();
  const list = lead.page.getByRole('list', { name: 'Left messages' });
  await list.getByRole('button', { name: /Ana/ }).click();
  const detail = lead.page.getByRole('article', { name: 'Ana <ana@example.com>' });
  await detail.getByText('Do you ship teapots to Hong Kong?').waitFor();
  await detail.getByText(t.url, { exact: false }).waitFor();
  await detail.getByRole('combobox', { name: 'Assign to' }).selectOption({ label: 'Mei' });
  await detail.getByRole('button', { name: 'Assign' }).click();
  await list.getByText(/· Mei$/).waitFor();
  await lead.page.screenshot({ path: artifact('inbox-en.png') });

  // The agent, in Chinese, sees only it and answers.
  await view(agent.page, '留言').click();
  await agent.page.getByRole('list', { name: '留言列表' }).getByRole('button', { name: /Ana/ }).click();
  const mine = agent.page.getByRole('article', { name: 'Ana <ana@example.com>' });
  await mine.getByRole('textbox', { name: '回复 Ana' }).fill('Yes, we ship to Hong Kong in 3 days.');
  await agent.page.screenshot({ path: artifact('inbox-zh-CN.png') });
  await mine.getByRole('button', { name: '发送回复' }).click();
  await mine.getByRole('status').getByText('服务器未配置邮件').waitFor();
  await mine.getByText('Yes, we ship to Hong Kong in 3 days.').waitFor();

  // The shopper's widget, still open, shows it at once; and again when they come back later.
  await shop.getByRole('log', { name: 'Messages' }).getByText('Yes, we ship to Hong Kong in 3 days.').waitFor();
  await shop.reload();
  await shop.getByRole('button', { name: /Open chat with support/ }).click();
  const log = shop.getByRole('log', { name: 'Messages' });
  await log.getByText('Yes, we ship to Hong Kong in 3 days.').waitFor();
  await log.getByText('Do you ship teapots to Hong Kong?').waitFor();
  await shop.screenshot({ path: artifact('widget-left-message-answer.png') });
});

test('transcript search finds a Chinese phrase, opens it, and the CSV export holds the rows', async () => {
  const agent = await onlineAgent(t, { name: 'Bea' });
  for (const [text, reply] of [
    ['收到的商品有质量问题，我想退货可以吗？', '可以的，请提供订单号。'],
    ['How long does delivery take?', 'Two to three days.'],
    ['发票怎么开？', '结账时填写抬头即可。'],
  ]) {
    const v = await t.visitor();
    await ok(v, 'session:sync', {});
    const assigned = new Promise((r) => agent.socket.once('conversation:assigned', r));
    const { conversationId } = await ok(v, 'message:send', { clientId: randomUUID(), text });
    await assigned;
    await ok(agent.socket, 'message:send', { conversationId, clientId: randomUUID(), text: reply });
    await ok(agent.socket, 'conversation:close', { conversationId, category: 'after_sales' });
  }

  const lead = await staff('Lena', { role: 'lead' });
  await view(lead.page, 'Transcripts').click();
  const results = lead.page.getByRole('table', { name: 'Matching conversations' });
  // Every conversation of the store (earlier tests' too), newest first, with the header row.
  const everything = (await t.store.listConversations({ limit: 100 })).length;
  await until(async () => (await results.getByRole('row').count()) === everything + 1, 15_000, 'every conversation listed');
  const search = lead.page.getByRole('form', { name: 'Search transcripts' });
  await search.getByRole('searchbox', { name: 'Words in the conversation' }).fill('质量问题');
  await search.getByRole('button', { name: 'Search' }).click();
  await until(async () => (await results.getByRole('row').count()) === 2, 15_000, 'one match');
  await results.getByText('Bea').waitFor();
  await lead.page.screenshot({ path: artifact('transcripts-en.png') });

  await results.getByRole('button', { name: /^Open the conversation with/ }).click();
  const dialog = lead.page.getByRole('dialog', { name: 'Conversation' });
  await dialog.getByText('收到的商品有质量问题，我想退货可以吗？').waitFor();
  await dialog.getByText('可以的，请提供订单号。').waitFor();
  await dialog.getByRole('button').last().click();

  // Export every match of the current filters as CSV.
  const [download] = await Promise.all([lead.page.waitForEvent('download'), search.getByRole('button', { name: 'Export CSV' }).click()]);
  expect(download.suggestedFilename()).toMatch(/^transcripts-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = await readFile((await download.path())!, 'utf8');
  expect(csv.charCodeAt(0)).toBe(0xfeff);
  const lines = csv.slice(1).trim().split('\r\n');
  expect(lines[0]).toMatch(/^conversation_id,status,started_at,assigned_at,first_response_at,closed_at,/);
  expect(lines.length).toBe(2);
  expect(lines[1]).toContain(',Bea,');
  // The category by its name in the console's language, then its id.
  expect(lines[1]).toContain(',After-sales,after_sales,');

  // Without the phrase: a row for every conversation.
  await search.getByRole('searchbox', { name: 'Words in the conversation' }).fill('');
  const [all] = await Promise.all([lead.page.waitForEvent('download'), search.getByRole('button', { name: 'Export CSV' }).click()]);
  expect((await readFile((await all.path())!, 'utf8')).slice(1).trim().split('\r\n').length).toBe(everything + 1);

  // The same search in Chinese.
  const zh = await staff('李娜', { role: 'lead', locale: 'zh-CN' });
  await view(zh.page, '对话记录').click();
  const zhSearch = zh.page.getByRole('form', { name: '搜索对话记录' });
  await zhSearch.getByRole('searchbox', { name: '对话中的文字' }).fill('质量问题');
  await zhSearch.getByRole('button', { name: '搜索' }).click();
  const zhResults = zh.page.getByRole('table', { name: '符合条件的对话' });
  await until(async () => (await zhResults.getByRole('row').count()) === 2, 15_000, 'one match in Chinese');
  await zh.page.screenshot({ path: artifact('transcripts-zh-CN.png') });
  const [zhCsv] = await Promise.all([zh.page.waitForEvent('download'), zhSearch.getByRole('button', { name: '导出 CSV' }).click()]);
  expect((await readFile((await zhCsv.path())!, 'utf8')).slice(1).trim().split('\r\n')[1]).toContain(',售后,after_sales,');
});

test('new left messages reach a lead\'s console pushed: the inbox list and the badge follow without a reload', async () => {
  const lead = await staff('Lena', { role: 'lead' });
  const auth = { authorization: `Bearer ${lead.token}` };
  const openNow = async () => (await request(t.server.app).get('/api/v1/left-messages').query({ limit: 1 }).set(auth).expect(200)).body.openCount as number;
  const before = await openNow();
  const nav = lead.page.getByRole('navigation', { name: 'Views' });
  await view(lead.page, 'Left messages').click();
  const list = lead.page.getByRole('list', { name: 'Left messages' }).or(lead.page.getByText('No left messages here.'));
  await list.first().waitFor();

  const leave = async (name: string, text: string) => {
    const shopper = await t.visitor();
    await ok(shopper, 'session:sync', {});
    const { id } = await ok(shopper, 'offline:message', { name, email: `${randomUUID()}@shop.example`, text });
    shopper.disconnect();
    return id;
  };
  // On the inbox: the message appears at the top of the list, and the badge counts it.
  await leave('Zhou', '请问可以开发票吗？');
  await lead.page.getByRole('list', { name: 'Left messages' }).getByRole('button', { name: /Zhou.*请问可以开发票吗？/ }).waitFor();
  await nav.getByRole('button', { name: `Left messages (${before + 1} open)` }).waitFor();

  // On another view: the badge moves on its own.
  await view(lead.page, 'Chats').click();
  const second = await leave('Kim', 'Do you gift-wrap?');
  await nav.getByRole('button', { name: `Left messages (${before + 2} open)` }).waitFor();
  await lead.page.screenshot({ path: artifact('inbox-badge-en.png') });

  // Closed by someone else (REST): the count goes down here too.
  await request(t.server.app).post(`/api/v1/left-messages/${second}/close`).set(auth).send({}).expect(200);
  await nav.getByRole('button', { name: `Left messages (${before + 1} open)` }).waitFor();
  await view(lead.page, 'Left messages').click();
  // Back on the open messages: Zhou's is listed, Kim's (closed) is not.
  const open = lead.page.getByRole('list', { name: 'Left messages' });
  await open.getByRole('button', { name: /Zhou/ }).waitFor();
  expect(await open.getByRole('button', { name: /Kim/ }).count()).toBe(0);
});
