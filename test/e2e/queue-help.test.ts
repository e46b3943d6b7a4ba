/// <reference lib="dom" />
/**
 * While queued, in the widget in real Chromium (the demo storefront) against a real server on a
 * manual clock; the agent and other shoppers are socket.io-clients. A Chinese shopper is told
 * that the wait cannot be estimated yet, is offered the FAQ answer and still needs a person, then
 * after the wait limit leaves a message instead; an English shopper is told an estimated wait and
 * is helped by the FAQ answer.
 */
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { seedDemoFaq } from '../../server/seed';
import { artifact, useBrowserContexts } from '../helpers/browser';
import { next, ok, onlineAgent, until, type TestServer } from '../helpers/chat';
import { useTestServer } from '../helpers/suite';

jest.setTimeout(90_000);
const MIN = 60_000;

const newContext = useBrowserContexts();
const server = useTestServer({ clock: 'manual' });
let t: TestServer;
beforeAll(() => seedDemoFaq(server.db.sql));
beforeEach(() => {
  t = server();
});

async function shopper(locale: string): Promise<Page> {
  const context = await newContext({ locale, viewport: { width: 1200, height: 800 } });
  const page = await context.newPage();
  await page.goto(t.url);
  return page;
}

/** A shopper outside the browser who takes the agent's one place; resolves once assigned. */
async function busyWith(agent: { socket: Awaited<ReturnType<typeof onlineAgent>>['socket'] }) {
  const v = await t.visitor();
  await ok(v, 'session:sync', {});
  const assigned = next(agent.socket, 'conversation:assigned');
  await ok(v, 'message:send', { clientId: randomUUID(), text: 'Hi' });
  return (await assigned).conversation.id;
}

test('zh-CN: the wait is not known yet; the FAQ answer, then "I still need a person"; after the limit, a message instead', async () => {
  // One agent, busy: the queue forms, and one assignment is too few to estimate from.
  await busyWith(await onlineAgent(t, { name: 'Bo', capacity: 1 }));
  const page = await shopper('zh-CN');
  await page.getByRole('button', { name: /打开在线客服/ }).click();
  const composer = page.getByRole('textbox', { name: '输入消息' });
  await composer.fill('退款怎么还没到账');
  await composer.press('Enter');

  const log = page.getByRole('log', { name: '消息' });
  await page.getByRole('status').getByText(/排在第 1 位.*等待时间暂无法估计。/).waitFor();
  await log.getByText('这或许有帮助').waitFor();
  await log.getByText('退款多久能到账？').waitFor();
  await page.screenshot({ path: artifact('widget-queue-faq-zh.png') });

  await log.getByRole('button', { name: '仍需人工客服' }).click();
  await until(async () => (await log.getByRole('button', { name: '问题已解决' }).count()) === 0, undefined, 'the buttons went');
  const [queued] = await t.pool.queue();
  expect(queued).toBeDefined();
  const events = await t.sql.query<{ type: string }>(`SELECT event->>'type' AS type FROM messages WHERE conversation_id = $1 AND kind = 'event' ORDER BY seq`, [queued]);
  expect(events.rows.map((r) => r.type)).toEqual(['opened', 'queued', 'faq_offered', 'faq_declined']);

  // Five minutes later (the default limit) the form is offered under the chat, which keeps its place.
  server.clock.advance(5 * MIN);
  await t.server.chat.sweepRoutines();
  const form = page.getByRole('form', { name: '久等了？请留言' });
  await form.waitFor();
  expect(await t.pool.queue()).toEqual([queued]);
  await page.screenshot({ path: artifact('widget-queue-long-wait-zh.png') });
  await form.getByLabel('您的姓名').fill('李伟');
  await form.getByLabel('您的邮箱').fill('li@example.com');
  await form.getByLabel('留言内容').fill('请邮件回复退款进度');
  await form.getByRole('button', { name: '提交留言' }).click();
  await log.getByText(/谢谢！/).waitFor();
  await until(async () => (await t.pool.queue()).length === 0, undefined, 'the chat left the queue');
  // Nobody served this chat: no rating is asked for.
  expect(await page.getByRole('form', { name: '请为本次服务评分' }).count()).toBe(0);
});

test('en: an estimated wait next to the position, then "That solved it" closes the chat as self-served', async () => {
  const ana = await onlineAgent(t, { name: 'Ana', capacity: 1 });
  // Three assignments a few minutes apart: the rate behind the estimate.
  for (let i = 0; i < 3; i++) {
    const id = await busyWith(ana);
    server.clock.advance(2 * MIN);
    if (i < 2) await ok(ana.socket, 'conversation:close', { conversationId: id });
  }
  const page = await shopper('en-US');
  await page.getByRole('button', { name: /Open chat with support/ }).click();
  const composer = page.getByRole('textbox', { name: 'Type your message' });
  await composer.fill('How can I return these shoes?');
  await composer.press('Enter');

  const now = server.clock.now();
  const minutes = Math.ceil((now - (Math.floor(now / MIN) - 14) * MIN) / 1000 / 3 / 60);
  await page.getByRole('status').getByText(`You are number 1 in line. An agent will be with you shortly. About ${minutes} min.`).waitFor();
  const log = page.getByRole('log', { name: 'Messages' });
  await log.getByText('This may help').waitFor();
  await page.screenshot({ path: artifact('widget-queue-faq-en.png') });

  await log.getByRole('button', { name: 'That solved it' }).click();
  await page.getByRole('status').getByText('This conversation has ended.').waitFor();
  expect(await t.pool.queue()).toEqual([]);
  const closed = await t.sql.query<{ reason: string }>(`SELECT event->>'reason' AS reason FROM messages WHERE event->>'type' = 'closed' ORDER BY created_at DESC LIMIT 1`);
  expect(closed.rows[0].reason).toBe('faq_solved');
  expect(await log.getByRole('button', { name: 'I still need a person' }).count()).toBe(0);
  expect(await page.getByRole('form', { name: 'How did we do?' }).count()).toBe(0);
});
