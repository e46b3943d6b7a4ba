/// <reference lib="dom" />
/**
 * The reports page in real Chromium: a lead picks a custom range and a grouping, sees the chart
 * and the table of the crafted data set (test/helpers/report-data.ts), exports the CSV (the file
 * the browser saves is checked), groups by department, and switches to Chinese; an agent sees
 * only their own row. Screenshots go to test/artifacts/reports-{en,zh-CN}.png and
 * reports-department-{en,zh-CN}.png.
 */
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { artifact, signedInConsole, useBrowser } from '../helpers/browser';
import { startTestServer, type TestServer } from '../helpers/chat';
import { manualClock } from '../helpers/clock';
import { insertReportData, local, TZ } from '../helpers/report-data';

jest.setTimeout(180_000);

const browser = useBrowser();
let t: TestServer;

beforeAll(async () => {
  t = await startTestServer({ clock: manualClock(local('2026-03-03T15:00:00')), timeZone: () => TZ });
}, 180_000);
afterAll(() => t?.close());

/** Opens the reports view on a signed-in console page. */
async function openReports(page: Page) {
  await page.getByRole('combobox', { name: 'Status' }).waitFor();
  await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Reports' }).click();
  return page;
}

test('a lead picks a range and grouping, sees chart and table, exports the CSV, in both languages; an agent sees only their row', async () => {
  const lead = await signedInConsole(browser, t, { name: 'Lena', role: 'lead' });
  const ann = await signedInConsole(browser, t, { name: 'Ann' });
  const bob = await t.createUser({ name: 'Bob' });
  await insertReportData(t.sql, { ann, bob });

  const page = await openReports(lead.page);
  const filters = page.getByRole('form', { name: 'Report settings' });
  // Today (the 3rd in Shanghai) first.
  await page.getByText('2026-03-03 to 2026-03-03 (Asia/Shanghai)').waitFor();
  await filters.getByRole('combobox', { name: 'Period' }).selectOption('custom');
  await filters.getByLabel('From', { exact: true }).fill('2026-03-02');
  await filters.getByLabel('To', { exact: true }).fill('2026-03-03');
  await filters.getByRole('combobox', { name: 'Group by' }).selectOption('agent');
  await filters.getByRole('button', { name: 'Show report' }).click();
  await page.getByText('2026-03-02 to 2026-03-03 (Asia/Shanghai)').waitFor();

  const table = page.getByRole('region', { name: 'Figures' }).getByRole('table');
  const row = (name: string) => table.getByRole('row').filter({ has: page.getByRole('rowheader', { name, exact: true }) });
  expect(await row('Ann').getByRole('cell').allTextContents()).toEqual(
    '3,3,0,0,1,0.0%,0,66.7%,13.3,10.0,22.0,26.7,20.0,40.0,13.3,10.0,18.0,36.0,40.0,54.0,303.3,195.0,503.7,3,3.67,66.7%,100.0%,100.0%,1,0.0%,3,66.7%'.split(','),
  );
  // Started, closed, missed, self-served (FAQ), FAQ offered, FAQ solved, transferred, service level (hand-computed in test/integration/reports.test.ts).
  expect((await row('Total').getByRole('cell').allTextContents()).slice(0, 8)).toEqual(['9', '8', '3', '1', '2', '50.0%', '1', '28.6%']);
  await table.getByRole('columnheader', { name: 'Self-served (FAQ)' }).waitFor();
  expect(await table.getByRole('columnheader').allTextContents()).toContain('Response rate');
  const chart = page.getByRole('img', { name: 'Chats closed by Agent, 2026-03-02 to 2026-03-03' });
  await chart.waitFor();
  expect(await chart.locator('rect').count()).toBe(3);
  await page.getByRole('combobox', { name: 'Chart shows' }).selectOption('firstResponse');
  await page.getByRole('img', { name: /^Median first response/ }).waitFor();
  await page.screenshot({ path: artifact('reports-en.png'), fullPage: true });

  const [download] = await Promise.all([page.waitForEvent('download'), filters.getByRole('button', { name: 'Export CSV' }).click()]);
  expect(download.suggestedFilename()).toBe('report-2026-03-02-2026-03-03-agent.csv');
  const csv = await readFile((await download.path())!, 'utf8');
  expect(csv.charCodeAt(0)).toBe(0xfeff);
  const lines = csv.slice(1).trimEnd().split('\r\n');
  expect(lines).toHaveLength(1 + 3 + 1);
  expect(lines).toContain('Ann,3,3,0,0,1,0.0%,0,66.7%,13.3,10.0,22.0,26.7,20.0,40.0,13.3,10.0,18.0,36.0,40.0,54.0,303.3,195.0,503.7,3,3.67,66.7%,100.0%,100.0%,1,0.0%,3,66.7%');

  // By department: the departments' names, "(none)" for chats in none.
  await filters.getByRole('combobox', { name: 'Group by' }).selectOption({ label: 'Department' });
  await filters.getByRole('button', { name: 'Show report' }).click();
  await table.getByRole('columnheader', { name: 'Department' }).waitFor();
  expect(await table.getByRole('rowheader').allTextContents()).toEqual(['(none)', 'Sales', '售后', 'Total']);
  expect((await row('Sales').getByRole('cell').allTextContents()).slice(0, 8)).toEqual(['4', '3', '1', '0', '1', '0.0%', '0', '66.7%']);
  expect((await row('售后').getByRole('cell').allTextContents()).slice(0, 8)).toEqual(['3', '3', '0', '1', '1', '100.0%', '1', '0.0%']);
  await page.getByRole('combobox', { name: 'Chart shows' }).selectOption('closed');
  const byDepartment = page.getByRole('img', { name: 'Chats closed by Department, 2026-03-02 to 2026-03-03' });
  await byDepartment.waitFor();
  expect(await byDepartment.locator('rect').count()).toBe(3);
  await page.screenshot({ path: artifact('reports-department-en.png'), fullPage: true });

  await page.getByRole('combobox', { name: 'Language' }).selectOption('zh-CN');
  const zhFilters = page.getByRole('form', { name: '报表设置' });
  const zhTable = page.getByRole('region', { name: '指标' }).getByRole('table');
  await zhFilters.getByRole('combobox', { name: '分组方式' }).selectOption({ label: '按部门' });
  await zhFilters.getByRole('button', { name: '查看报表' }).click();
  await zhTable.getByRole('columnheader', { name: '部门' }).waitFor();
  await zhTable.getByRole('columnheader', { name: 'FAQ 自助解决' }).waitFor();
  await zhTable.getByRole('columnheader', { name: 'FAQ 解决率' }).waitFor();
  await zhTable.getByRole('columnheader', { name: '评价回复率' }).waitFor();
  expect(await zhTable.getByRole('rowheader').allTextContents()).toEqual(['（无）', 'Sales', '售后', '合计']);
  await page.getByRole('img', { name: /^结束会话数，按部门，/ }).waitFor();
  await page.screenshot({ path: artifact('reports-department-zh-CN.png'), fullPage: true });
  await zhFilters.getByRole('combobox', { name: '分组方式' }).selectOption('day');
  await zhFilters.getByRole('button', { name: '查看报表' }).click();
  await page.getByRole('img', { name: /按天/ }).waitFor();
  await zhTable.getByRole('columnheader', { name: '日期' }).waitFor();
  await zhTable.getByRole('rowheader', { name: '合计' }).waitFor();
  // Two header rows (a duration's heading over its mean, median and p90), two days, the total.
  expect(await zhTable.getByRole('row').count()).toBe(2 + 2 + 1);
  await page.screenshot({ path: artifact('reports-zh-CN.png'), fullPage: true });

  // An agent's page: their own chats only, even grouped by agent.
  const agentPage = await openReports(ann.page);
  const agentFilters = agentPage.getByRole('form', { name: 'Report settings' });
  await agentPage.getByText('Your own chats only.', { exact: false }).waitFor();
  await agentFilters.getByRole('combobox', { name: 'Period' }).selectOption('custom');
  await agentFilters.getByLabel('From', { exact: true }).fill('2026-03-02');
  await agentFilters.getByLabel('To', { exact: true }).fill('2026-03-03');
  await agentFilters.getByRole('button', { name: 'Show report' }).click();
  await agentPage.getByText('2026-03-02 to 2026-03-03 (Asia/Shanghai)', { exact: false }).waitFor();
  const rows = agentPage.getByRole('region', { name: 'Figures' }).getByRole('rowheader');
  expect(await rows.allTextContents()).toEqual(['Ann', 'Total']);
});
