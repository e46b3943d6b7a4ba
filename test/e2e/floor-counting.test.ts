/// <reference lib="dom" />
/**
 * The lead's floor while the server is still counting earlier chats (as after an upgrade): the
 * start-up job fills a seeded history in small, slow steps, today's closes last. Today's figures
 * carry a notice saying how far counting got and that they are not complete (role=status,
 * English and Chinese), the partial figures are marked; pushes move the share on, and the push at
 * the end of counting removes the notice and shows today's closes. Screenshots go to
 * test/artifacts/floor-counting-{en,zh-CN}.png and, counted, floor-counting-done-zh-CN.png.
 */
import { artifact, signedInConsole, useBrowser } from '../helpers/browser';
import { until } from '../helpers/chat';
import { closedToday, useUncountedHistory } from '../helpers/uncounted-history';

jest.setTimeout(240_000);

const browser = useBrowser();
// 20 steps of 4, 1 s apart: twenty seconds of counting to watch (the job logs, and the floor is pushed, every 5 s).
const history = useUncountedHistory({ historyFill: { reportBatch: 4, qualityBatch: 40, pauseMs: 1000 } });

test("while earlier chats are counted, today's figures on the floor say so in both languages, and complete by themselves", async () => {
  const { db, t } = history();
  const { page } = await signedInConsole(browser, t, { name: 'Lena', role: 'lead' });
  await page.getByRole('combobox', { name: 'Status' }).waitFor();
  await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Floor' }).click();
  const today = page.getByRole('region', { name: /^Today/ });
  await today.getByRole('heading', { name: /^Today/ }).waitFor();

  const notice = today.getByRole('status').filter({ hasText: /^Counting earlier chats: \d+ %\./ });
  await notice.waitFor();
  expect(await notice.textContent()).toMatch(/Today's figures are not complete yet\./);
  // The counted figures are marked and described by the notice; the live ones (the queue) are not.
  const described = today.locator('dd[aria-describedby="floor-counting"]');
  expect(await described.count()).toBe(5);
  expect(await today.locator('.partial').count()).toBe(5);
  const closedCell = today.locator('dl > div').filter({ has: page.locator('dt', { hasText: /^Chats closed$/ }) }).locator('dd');
  expect(await closedCell.textContent()).toBe('0…');
  // Pushed as the job goes on: the share moves up without the lead doing anything.
  await today.getByRole('status').filter({ hasText: /^Counting earlier chats: [1-9]\d? %\./ }).waitFor({ timeout: 30_000 });
  await page.screenshot({ path: artifact('floor-counting-en.png'), fullPage: true });

  await page.getByRole('combobox', { name: 'Language' }).selectOption('zh-CN');
  const zhToday = page.getByRole('region', { name: /^今日/ });
  const zhNotice = zhToday.getByRole('status').filter({ hasText: /^正在统计历史会话：\d+%。/ });
  await zhNotice.waitFor();
  expect(await zhNotice.textContent()).toMatch(/今日数据尚不完整。/);
  await page.screenshot({ path: artifact('floor-counting-zh-CN.png'), fullPage: true });

  // The push at the end of counting: the notice and the marks go, today's closes are all there.
  await zhNotice.waitFor({ state: 'detached', timeout: 120_000 });
  const closed = await closedToday(db.sql);
  expect(closed).toBeGreaterThan(0);
  const zhClosed = zhToday.locator('dl > div').filter({ has: page.locator('dt', { hasText: /^已结束会话$/ }) }).locator('dd');
  await until(async () => (await zhClosed.textContent()) === String(closed), 10_000, "today's closes on the floor");
  expect(await zhToday.locator('.partial').count()).toBe(0);
  expect(await zhToday.getByRole('status').count()).toBe(0);
  await page.screenshot({ path: artifact('floor-counting-done-zh-CN.png'), fullPage: true });
});
