/// <reference lib="dom" />
/**
 * Quality review in real Chromium: a lead opens a transcript, reads its automatic findings,
 * scores it and comments; the reports page shows the per-agent quality table (and exports it);
 * the lead switches a rule off on the Quality page; the agent reads her own chat's findings
 * without a review form, in Chinese. Screenshots: test/artifacts/quality-*.png.
 */
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { artifact, signedInConsole, useBrowser } from '../helpers/browser';
import { startTestServer, type TestServer } from '../helpers/chat';
import { manualClock } from '../helpers/clock';
import { insertCrafted } from '../helpers/quality-data';
import { local, TZ } from '../helpers/report-data';

jest.setTimeout(180_000);

const browser = useBrowser();
let t: TestServer;

beforeAll(async () => {
  t = await startTestServer({ clock: manualClock(local('2026-03-03T15:00:00')), timeZone: () => TZ });
}, 60_000);
afterAll(() => t?.close());

const view = (page: Page, name: string) => page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name });

test('a lead reads a transcript’s findings and scores it; the reports show it per agent; the agent reads her own', async () => {
  const lead = await signedInConsole(browser, t, { name: 'Lena', role: 'lead' });
  const ann = await signedInConsole(browser, t, { name: 'Ann' });
  const bob = await t.createUser({ name: 'Bob' });
  // Scored with the default rules: everything fails (below).
  await insertCrafted(t, { ann, bob }, {
    id: 'e1', opened: '2026-03-03T10:00:00', agent: 'ann', closed: [400, 'agent'],
    lines: [[0, 'v', '你好，收到的商品有质量问题'], [90, 'a', '不知道，你自己看说明书'], [120, 'v', '？？'], [390, 'a', '好了']],
  });

  await lead.page.getByRole('combobox', { name: 'Status' }).waitFor();
  await view(lead.page, 'Transcripts').click();
  const results = lead.page.getByRole('table', { name: 'Matching conversations' });
  await results.getByRole('button', { name: /^Open the conversation with/ }).click();
  const dialog = lead.page.getByRole('dialog', { name: 'Conversation' });
  await dialog.getByText('不知道，你自己看说明书').waitFor();
  const panel = dialog.getByRole('region', { name: 'Quality review' });
  // greeting −10, first response 90 s > 60 s −20, longest wait 270 s > 180 s −15, forbidden words −30,
  // courtesy −10, unresolved (no category) −20; closing: "好了" holds no closing phrase, −10. 100 − 115 → 0.
  await panel.getByText('0 / 100').waitFor();
  const findings = panel.getByRole('list', { name: 'Automatic score' }).getByRole('listitem');
  expect(await findings.count()).toBe(7);
  await findings.filter({ hasText: 'Forbidden words' }).getByText('Used: 不知道, 自己看.').waitFor();
  await findings.filter({ hasText: 'First response' }).getByText('90 s (limit 60 s).').waitFor();
  await findings.filter({ hasText: 'Unresolved' }).getByText('Closed without a category.').waitFor();
  await panel.getByText('Not reviewed by a lead yet.').waitFor();

  const form = panel.getByRole('form', { name: 'Lead review' });
  await form.getByRole('spinbutton', { name: 'Your score (0–100)' }).fill('35');
  await form.getByRole('textbox', { name: 'Comment' }).fill('回复太慢，用语不当。Slow and rude.');
  await form.getByRole('button', { name: 'Save review' }).click();
  await panel.getByRole('status').getByText('Review saved.').waitFor();
  await panel.getByText(/^35 \/ 100 by Lena/).waitFor();
  await lead.page.screenshot({ path: artifact('quality-findings-en.png') });
  await dialog.getByRole('button', { name: 'Close', exact: true }).click();

  // The reports page: the quality table for the day, with the lead's score, and its CSV.
  await view(lead.page, 'Reports').click();
  const table = lead.page.getByRole('table', { name: 'Quality by agent' });
  const annRow = table.getByRole('row').filter({ has: lead.page.getByRole('rowheader', { name: 'Ann', exact: true }) });
  await annRow.waitFor();
  expect(await annRow.getByRole('cell').allTextContents()).toEqual(['1', '0.0', '1', '1', '1', '1', '1', '1', '1', '1', '35.0']);
  await table.scrollIntoViewIfNeeded();
  await lead.page.screenshot({ path: artifact('quality-report-en.png'), fullPage: true });
  const [download] = await Promise.all([lead.page.waitForEvent('download'), lead.page.getByRole('button', { name: 'Export quality CSV' }).click()]);
  expect(download.suggestedFilename()).toBe('quality-2026-03-03-2026-03-03.csv');
  const csv = await readFile((await download.path())!, 'utf8');
  expect(csv.slice(1).trimEnd().split('\r\n')).toEqual([
    'Agent,Scored chats,Average automatic score,Failed: Greeting,Failed: Closing,Failed: First response,Failed: Longest wait,Failed: Forbidden words,Failed: Courtesy,Failed: Unresolved,Reviewed by a lead,Average lead score',
    'Ann,1,0.0,1,1,1,1,1,1,1,1,35.0',
    'Total,1,0.0,1,1,1,1,1,1,1,1,35.0',
  ]);

  // The Quality page: switch the courtesy rule off and save.
  await view(lead.page, 'Quality').click();
  await lead.page.getByRole('checkbox', { name: 'Courtesy: on' }).uncheck();
  await lead.page.getByRole('spinbutton', { name: 'First response: limit in seconds' }).fill('30');
  await lead.page.getByRole('button', { name: 'Save rules' }).click();
  await lead.page.getByRole('status').getByText('Rules saved.', { exact: false }).waitFor();
  await lead.page.screenshot({ path: artifact('quality-rules-en.png'), fullPage: true });
  const { rows } = await t.sql.query<{ value: { courtesy: { enabled: boolean }; firstResponse: { seconds: number } } }>("SELECT value FROM settings WHERE key = 'quality'");
  const saved = rows[0].value;
  expect([saved.courtesy.enabled, saved.firstResponse.seconds]).toEqual([false, 30]);

  // Ann, in Chinese: her chat's findings and the lead's review, no form.
  await ann.page.getByRole('combobox', { name: 'Status' }).waitFor();
  await ann.page.getByRole('combobox', { name: 'Language' }).selectOption('zh-CN');
  await ann.page.getByRole('navigation').getByRole('button', { name: '对话记录' }).click();
  await ann.page.getByRole('table', { name: '符合条件的对话' }).getByRole('button', { name: /^查看/ }).click();
  const zhPanel = ann.page.getByRole('dialog', { name: '对话记录' }).getByRole('region', { name: '质检' });
  await zhPanel.getByText('0 / 100').waitFor();
  await zhPanel.getByText('使用了：不知道、自己看。').waitFor();
  await zhPanel.getByText('回复太慢，用语不当。Slow and rude.').waitFor();
  expect(await zhPanel.getByRole('form').count()).toBe(0);
  await ann.page.screenshot({ path: artifact('quality-findings-zh-CN.png') });
});
