/// <reference lib="dom" />
/**
 * The lead's settings and alerts in real Chromium: close categories added, renamed and removed
 * on the settings page (and business hours switched on) are what an agent's close dialog
 * offers, and what the transcript filter and the reports show, old chats included; and a
 * complaint registered by an agent alerts every lead at once, in their language, with a way
 * to open the conversation.
 */
import request from 'supertest';
import type { Page } from 'playwright-core';
import { artifact, signedInConsole, useBrowser } from '../helpers/browser';
import { chattingVisitor, ok, until, WAIT_MS, type TestServer } from '../helpers/chat';
import { useTestServer } from '../helpers/suite';

jest.setTimeout(120_000);

// Before the server's hooks: the pages close before their server does.
const browser = useBrowser();
const server = useTestServer({ limits: { agentGraceMs: 60_000 } });
let t: TestServer;
beforeEach(async () => {
  t = server();
  await t.sql.query('DELETE FROM settings');
});

const staff = (name: string, o: { role?: 'agent' | 'lead'; locale?: string } = {}) => signedInConsole(browser, t, { name, ...o });
const view = (page: Page, label: string) => page.getByRole('navigation', { name: /^(Views|视图)$/ }).getByRole('button', { name: label });
const auth = (token: string) => ({ authorization: `Bearer ${token}` });

test('categories made on the settings page are offered when closing; transcripts and reports name them, a removed one too', async () => {
  const lead = await staff('Lena', { role: 'lead' });
  const agent = await staff('Mei', { locale: 'zh-CN' });
  await agent.page.getByRole('combobox', { name: '状态' }).selectOption('online');
  await until(async () => (await t.pool.agents()).some((a) => a.agentId === agent.id && a.status === 'online'), WAIT_MS, 'Mei online');

  // A chat filed as a complaint before the lead removes that category.
  const old = await chattingVisitor(t, 'The lid was cracked');
  await until(async () => (await t.pool.assignmentOf(old.conversationId)) === agent.id, WAIT_MS, 'assigned to Mei');
  const leadSocket = await t.agent(lead.token);
  await ok(leadSocket, 'conversation:close', { conversationId: old.conversationId, category: 'complaint' });
  leadSocket.disconnect();

  // Settings: business hours on; "Order" renamed in English, a new category named in Chinese only, "Complaint" removed.
  await view(lead.page, 'Settings').click();
  await lead.page.getByRole('checkbox', { name: 'Apply business hours' }).check();
  await lead.page.getByRole('textbox', { name: 'Name in English' }).nth(2).fill('Orders and delivery');
  await lead.page.getByRole('button', { name: 'Add a category' }).click();
  await lead.page.getByRole('textbox', { name: 'Name in Chinese (Simplified)' }).last().fill('退款申请');
  await lead.page.getByRole('button', { name: 'Remove the category Complaint' }).click();
  await lead.page.getByRole('button', { name: 'Restore the category Complaint' }).waitFor();
  await lead.page.getByRole('button', { name: 'Save settings' }).click();
  await lead.page.getByRole('status').getByText('Settings saved.').waitFor();
  await lead.page.setViewportSize({ width: 1400, height: 1800 });
  await lead.page.screenshot({ path: artifact('settings-categories-en.png') });
  await lead.page.setViewportSize({ width: 1400, height: 860 });
  const saved = (await request(t.server.app).get('/api/v1/settings').set(auth(lead.token)).expect(200)).body.settings;
  expect(saved.businessHoursOn).toBe(true);
  const refund = saved.closeCategories.find((c: { name: { 'zh-CN': string } }) => c.name['zh-CN'] === '退款申请');
  expect(refund).toMatchObject({ id: expect.stringMatching(/^c-/), name: { en: '' }, removed: false });
  // Business hours would close the team on a weekend or at night: off again for the chat below.
  await request(t.server.app).put('/api/v1/settings').set(auth(lead.token)).send({ businessHoursOn: false }).expect(200);

  // The agent (zh-CN) closes a chat: the dialog offers the team's list, without the removed one.
  const chat = await chattingVisitor(t, '我想退款');
  await agent.page.getByRole('navigation', { name: '会话' }).getByRole('button', { name: /我想退款/ }).click();
  await agent.page.getByRole('button', { name: '结束会话' }).click();
  const dialog = agent.page.getByRole('dialog', { name: '结束会话' });
  const category = dialog.getByRole('combobox', { name: '分类' });
  await category.getByRole('option', { name: '退款申请' }).waitFor({ state: 'attached' });
  expect(await category.getByRole('option').allTextContents()).toEqual(['咨询', '订单', '售后', '其他', '退款申请']);
  await category.selectOption({ label: '退款申请' });
  await agent.page.screenshot({ path: artifact('close-dialog-categories-zh-CN.png') });
  await dialog.getByRole('button', { name: '确认结束' }).click();
  await until(async () => (await t.store.getConversation(chat.conversationId))?.closeCategory === refund.id, WAIT_MS, 'filed under 退款申请');

  // Transcripts: the filter lists every category, the removed one marked; rows show names.
  await view(lead.page, 'Transcripts').click();
  const form = lead.page.getByRole('form', { name: 'Search transcripts' });
  const filter = form.getByRole('combobox', { name: 'Category' });
  await filter.getByRole('option', { name: 'Complaint (removed)' }).waitFor({ state: 'attached' });
  await filter.selectOption({ label: '退款申请' });
  await form.getByRole('button', { name: 'Search' }).click();
  const results = lead.page.getByRole('table', { name: 'Matching conversations' });
  await until(async () => (await results.getByRole('row').count()) === 2, WAIT_MS, 'one result');
  await results.getByRole('cell', { name: '退款申请' }).waitFor();
  await filter.selectOption({ label: 'Complaint (removed)' });
  await form.getByRole('button', { name: 'Search' }).click();
  await results.getByRole('cell', { name: 'Complaint', exact: true }).waitFor();
  await lead.page.screenshot({ path: artifact('transcripts-category-en.png') });

  // Reports by category: the names, the renamed and removed ones included.
  await view(lead.page, 'Reports').click();
  const reportForm = lead.page.getByRole('form', { name: 'Report settings' });
  await reportForm.getByRole('combobox', { name: 'Group by' }).selectOption('category');
  await reportForm.getByRole('button', { name: 'Show report' }).click();
  const table = lead.page.getByRole('region', { name: 'Figures' }).getByRole('table');
  await table.getByRole('rowheader', { name: '退款申请' }).waitFor();
  await table.getByRole('rowheader', { name: 'Complaint', exact: true }).waitFor();
  await lead.page.screenshot({ path: artifact('reports-categories-en.png') });
});

test('a complaint registered by an agent alerts every lead at once, in their language, and opens the conversation', async () => {
  const lead = await staff('Lena', { role: 'lead' });
  const zhLead = await staff('Li', { role: 'lead', locale: 'zh-CN' });
  const agent = await staff('Ana');
  await lead.page.getByRole('combobox', { name: 'Status' }).waitFor();
  await zhLead.page.getByRole('combobox', { name: '状态' }).waitFor();
  await agent.page.getByRole('combobox', { name: 'Status' }).selectOption('online');
  await until(async () => (await t.pool.agents()).some((a) => a.agentId === agent.id && a.status === 'online'), WAIT_MS, 'Ana online');

  const chat = await chattingVisitor(t, 'The teapot arrived broken');
  const shopper = chat.socket;
  await ok(shopper, 'visitor:profile', { name: 'Zoe' });
  await until(async () => (await t.pool.assignmentOf(chat.conversationId)) === agent.id, WAIT_MS, 'assigned to Ana');
  // The agent registers it from their chat (the complaint dialog).
  await agent.page.getByRole('navigation', { name: 'Conversations' }).getByRole('button', { name: /teapot arrived broken/ }).click();
  await agent.page.getByRole('button', { name: 'Complaint', exact: true }).click();
  const register = agent.page.getByRole('dialog', { name: 'Register a complaint' });
  await register.getByRole('textbox', { name: /What is it about/ }).fill('damaged goods');
  await register.getByRole('combobox', { name: 'Severity' }).selectOption('high');
  await register.getByRole('button', { name: 'Register' }).click();

  const alert = lead.page.getByRole('alert', { name: 'New complaint' });
  await alert.getByText(/^New complaint \(High\) from Zoe: damaged goods\. Handle it by /).waitFor();
  const zhAlert = zhLead.page.getByRole('alert', { name: '新投诉' });
  await zhAlert.getByText(/^新投诉（高）来自Zoe：damaged goods。请在 .+ 前处理。$/).waitFor();
  await zhLead.page.screenshot({ path: artifact('complaint-alert-zh-CN.png') });
  // An agent gets no alert.
  expect(await agent.page.getByRole('alert', { name: 'New complaint' }).count()).toBe(0);

  await alert.getByRole('button', { name: 'Open the conversation' }).click();
  const transcript = lead.page.getByRole('dialog', { name: 'Complaint: conversation with Zoe' });
  await transcript.getByRole('log').getByText('The teapot arrived broken').waitFor();
  await lead.page.screenshot({ path: artifact('complaint-alert-en.png') });
  await transcript.getByRole('button', { name: 'Close', exact: true }).click();
  await alert.getByRole('button', { name: 'Dismiss the complaint alert “damaged goods”' }).click();
  await alert.waitFor({ state: 'detached' });
});
