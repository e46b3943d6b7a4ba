/// <reference lib="dom" />
/**
 * Departments in the console, in real Chromium: a lead adds and renames departments on the
 * team page and puts an agent in one; an agent transfers a chat to that department from the
 * transfer dialog and its member gets it; the lead's floor shows the chat's department and a
 * complaint's priority; the member's open conversation names its department in its head, which
 * follows a transfer to another department. Screenshots of the team page (en, and zh-CN at
 * 768 px), the floor and the conversation's head (en, zh-CN) go to test/artifacts/.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { Page } from 'playwright-core';
import { artifact, signedInConsole, useBrowser } from '../helpers/browser';
import { ok } from '../helpers/chat';
import { useTestServer } from '../helpers/suite';

jest.setTimeout(150_000);

const browser = useBrowser();
const t = useTestServer({ limits: { agentGraceMs: 60_000 } });

async function shoot(page: Page, name: string) {
  const size = page.viewportSize()!;
  await page.setViewportSize({ width: size.width, height: 1400 });
  await page.screenshot({ path: artifact(name) });
  await page.setViewportSize(size);
}

async function goOnline(page: Page) {
  await page.getByRole('combobox', { name: 'Status' }).selectOption('online');
  await page.getByRole('combobox', { name: 'Status' }).and(page.locator(':has(option[value="online"]:checked)')).waitFor();
}

test('a lead sets up departments and an agent transfers a chat to one; the floor shows it', async () => {
  const lead = await signedInConsole(browser, t(), { name: 'Lena', role: 'lead' });
  lead.page.on('dialog', (d) => void d.accept());
  const ana = await signedInConsole(browser, t(), { name: 'Ana' });
  const bo = await signedInConsole(browser, t(), { name: 'Bo' });

  // Team page: two departments, one renamed; Ana joins 售后.
  await lead.page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Team' }).click();
  const add = lead.page.getByRole('form', { name: 'Add department' });
  for (const name of ['售前 Pre-sales', '售后']) {
    await add.getByRole('textbox', { name: 'Department name' }).fill(name);
    await add.getByRole('button', { name: 'Add department' }).click();
    await lead.page.getByRole('region', { name: 'Departments' }).getByText(name, { exact: true }).waitFor();
  }
  await lead.page.getByRole('button', { name: 'Rename 售后' }).click();
  const rename = lead.page.getByRole('form', { name: 'Rename 售后' });
  await rename.getByRole('textbox', { name: 'Department name' }).fill('售后 After-sales');
  await rename.getByRole('button', { name: 'Save' }).click();
  await lead.page.getByRole('region', { name: 'Departments' }).getByText('售后 After-sales', { exact: true }).waitFor();

  await lead.page.getByRole('button', { name: 'Edit Ana' }).click();
  const edit = lead.page.getByRole('form', { name: 'Edit Ana' });
  await edit.getByRole('group', { name: 'Departments of Ana' }).getByRole('checkbox', { name: '售后 After-sales' }).check();
  await edit.getByRole('button', { name: 'Save' }).click();
  // The open form's checkbox label says 售后 too: wait for the saved row, not the form.
  await edit.waitFor({ state: 'detached' });
  await lead.page.getByRole('row', { name: /Ana/ }).getByText('售后 After-sales').waitFor();
  const departments = (await request(t().server.app).get('/api/v1/departments').set({ authorization: `Bearer ${lead.token}` }).expect(200)).body.departments;
  const care = departments.find((d: { name: string }) => d.name === '售后 After-sales');
  expect(care.agentIds).toEqual([ana.id]);
  await shoot(lead.page, 'team-departments-en.png');

  // Bo, alone online, gets a shopper's chat; then Ana comes online.
  await goOnline(bo.page);
  const shopper = await t().visitor();
  await ok(shopper, 'session:sync', {});
  await ok(shopper, 'visitor:profile', { name: 'Mei' });
  const { conversationId } = await ok(shopper, 'message:send', { clientId: randomUUID(), text: '收到的商品有质量问题，可以退吗？' });
  const boChats = bo.page.getByRole('navigation', { name: 'Conversations' });
  await boChats.getByText('收到的商品有质量问题').waitFor();
  await goOnline(ana.page);

  // Bo sends it to 售后: Ana, its member, gets it although Bo has room.
  await boChats.getByRole('button', { name: /Mei/ }).click();
  await bo.page.getByRole('button', { name: 'Transfer' }).click();
  const dialog = bo.page.getByRole('dialog', { name: 'Transfer conversation' });
  await dialog.getByRole('option', { name: '售后 After-sales' }).waitFor({ state: 'attached' });
  await dialog.getByRole('combobox', { name: 'Transfer to' }).selectOption({ label: '售后 After-sales' });
  await dialog.getByRole('textbox', { name: /note/i }).fill('Quality issue: after-sales please');
  await dialog.getByRole('button', { name: 'Transfer' }).click();
  await ana.page.getByRole('navigation', { name: 'Conversations' }).getByText('收到的商品有质量问题').waitFor();
  expect(await t().pool.assignmentOf(conversationId)).toBe(ana.id);

  // A complaint on it: the floor shows the department and the priority.
  await request(t().server.app)
    .post('/api/v1/complaints')
    .set({ authorization: `Bearer ${lead.token}` })
    .send({ conversationId, category: 'quality', severity: 'high' })
    .expect(201);
  await lead.page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Floor' }).click();
  const row = lead.page.getByRole('row', { name: /Mei/ });
  await row.getByText('售后 After-sales').waitFor();
  await row.getByText('Complaint').waitFor();
  await shoot(lead.page, 'floor-department-en.png');

  // Ana's open conversation names its department in its head, labelled for screen readers.
  const anaChats = ana.page.getByRole('navigation', { name: 'Conversations' });
  await anaChats.getByRole('button', { name: /Mei/ }).click();
  const anaHead = ana.page.getByRole('main', { name: /Mei/ }).locator('.convhead');
  const careBadge = anaHead.getByText('Department: 售后 After-sales', { exact: true });
  await careBadge.waitFor();
  expect(await careBadge.getAttribute('title')).toBe('Department: 售后 After-sales');
  await shoot(ana.page, 'conversation-department-en.png');

  // Ana, in 售前 too, sends it there: it comes straight back to her, and the head follows.
  const sales = departments.find((d: { name: string }) => d.name === '售前 Pre-sales');
  await request(t().server.app)
    .put(`/api/v1/users/${ana.id}/departments`)
    .set({ authorization: `Bearer ${lead.token}` })
    .send({ departmentIds: [care.id, sales.id] })
    .expect(200);
  await ana.page.getByRole('button', { name: 'Transfer' }).click();
  const anaDialog = ana.page.getByRole('dialog', { name: 'Transfer conversation' });
  await anaDialog.getByRole('option', { name: '售前 Pre-sales' }).waitFor({ state: 'attached' });
  await anaDialog.getByRole('combobox', { name: 'Transfer to' }).selectOption({ label: '售前 Pre-sales' });
  await anaDialog.getByRole('button', { name: 'Transfer' }).click();
  await anaHead.getByText('Department: 售前 Pre-sales', { exact: true }).waitFor();
  expect(await anaHead.getByText('售后 After-sales').count()).toBe(0);
  expect(await t().pool.assignmentOf(conversationId)).toBe(ana.id);
  expect(await t().store.getConversation(conversationId)).toMatchObject({ departmentId: sales.id, agentId: ana.id });
  // The transcript names the department the chat went to.
  const anaLog = ana.page.getByRole('main', { name: /Mei/ });
  await anaLog.getByText(/^Transferred to 售前 Pre-sales/).waitFor();

  // In Chinese, the label is translated (the department's name is the team's own).
  await ana.page.getByRole('combobox', { name: 'Language' }).selectOption('zh-CN');
  await ana.page.getByRole('main', { name: /Mei/ }).locator('.convhead').getByText('部门： 售前 Pre-sales', { exact: true }).waitFor();
  await anaLog.getByText(/^已转接至售前 Pre-sales/).waitFor();
  await shoot(ana.page, 'conversation-department-zh.png');

  // The team page in Chinese, down to 768 px.
  await lead.page.getByRole('combobox', { name: 'Language' }).selectOption('zh-CN');
  await lead.page.setViewportSize({ width: 768, height: 900 });
  await lead.page.getByRole('navigation', { name: '视图' }).getByRole('button', { name: '团队' }).click();
  await lead.page.getByRole('region', { name: '部门' }).getByRole('button', { name: '重命名 售后 After-sales' }).waitFor();
  await lead.page.getByRole('row', { name: /Ana/ }).getByText('售后 After-sales').waitFor();
  await shoot(lead.page, 'team-departments-zh-768.png');
});
