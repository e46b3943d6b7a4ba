/// <reference lib="dom" />
/**
 * The reports page while the server is still counting earlier chats (as after an upgrade): the
 * start-up job fills a seeded history in small, slow steps; the page shows what is counted so
 * far with a notice saying how far counting got (role=status, English and Chinese), asks again
 * by itself, and once everything is counted the notice goes and the figures are complete.
 * Screenshots go to test/artifacts/reports-counting-{en,zh-CN}.png.
 */
import { artifact, signedInConsole, useBrowser } from '../helpers/browser';
import { until } from '../helpers/chat';
import { closedToday, useUncountedHistory } from '../helpers/uncounted-history';

jest.setTimeout(240_000);

const browser = useBrowser();
// 20 steps of 4, 1.5 s apart: half a minute of counting to watch.
const history = useUncountedHistory({ historyFill: { reportBatch: 4, qualityBatch: 20, pauseMs: 1500 } });

test('while earlier chats are counted the page says how far, in both languages, and completes by itself', async () => {
  const { db, t } = history();
  const lead = await signedInConsole(browser, t, { name: 'Lena', role: 'lead' });
  const page = lead.page;
  await page.getByRole('combobox', { name: 'Status' }).waitFor();
  await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Reports' }).click();

  const notice = page.getByRole('status').filter({ hasText: /^Counting earlier chats: \d+ %\./ });
  await notice.waitFor();
  expect(await notice.textContent()).toMatch(/The figures cover the chats counted so far/);
  const scoring = page.getByRole('status').filter({ hasText: /^Scoring earlier chats: \d+ %\./ });
  await scoring.waitFor();
  // The page asks again by itself: the share goes up while the job counts.
  await page.getByRole('status').filter({ hasText: /^Counting earlier chats: [1-9]\d? %\./ }).waitFor();
  await page.screenshot({ path: artifact('reports-counting-en.png'), fullPage: true });

  await page.getByRole('combobox', { name: 'Language' }).selectOption('zh-CN');
  const zhNotice = page.getByRole('status').filter({ hasText: /^正在统计历史会话：\d+%。/ });
  await zhNotice.waitFor();
  expect(await zhNotice.textContent()).toMatch(/以下数据只含已统计的会话/);
  await page.getByRole('status').filter({ hasText: /^正在为历史会话评分：\d+%。/ }).waitFor();
  await page.screenshot({ path: artifact('reports-counting-zh-CN.png'), fullPage: true });

  // The page asks again by itself: the notice goes once everything is counted, and today's
  // chats (counted last: the fill goes oldest first) are all there.
  await zhNotice.waitFor({ state: 'detached', timeout: 120_000 });
  const today = await closedToday(db.sql);
  expect(today).toBeGreaterThan(0);
  const table = page.getByRole('region', { name: '指标' }).getByRole('table');
  const total = table.getByRole('row').filter({ has: page.getByRole('rowheader', { name: '合计', exact: true }) });
  await until(async () => (await total.getByRole('cell').allTextContents())[1] === String(today), 20_000, "today's chats all counted");
  await page.getByRole('status').filter({ hasText: /正在为历史会话评分/ }).waitFor({ state: 'detached', timeout: 60_000 });
  expect(await page.getByRole('status').filter({ hasText: /正在/ }).count()).toBe(0);
});
