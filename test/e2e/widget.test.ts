/// <reference lib="dom" />
/**
 * The widget in real Chromium on the demo storefront, against a real server;
 * the agent is a socket.io-client. Controls are found by role and label.
 */
import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { artifact, launchBrowser } from '../helpers/browser';
import { next, ok, onlineAgent, until, WAIT_MS, type TestServer } from '../helpers/chat';
import { useTestServer } from '../helpers/suite';
import { backAt } from '../../widget/src/i18n';
import { en } from '../../widget/src/locales/en';

jest.setTimeout(60_000);

let browser: Browser;
let t: TestServer;
let context: BrowserContext | undefined;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});
// Declared before the server's hooks: the page closes before its server does.
afterEach(async () => {
  await context?.close();
  context = undefined;
});
const server = useTestServer({ limits: { agentGraceMs: 60_000 } });
beforeEach(() => {
  t = server();
});

async function shopper(locale = 'en-US'): Promise<Page> {
  context = await browser.newContext({ locale, viewport: { width: 1200, height: 800 } });
  const page = await context.newPage();
  page.on('dialog', (d) => {
    throw new Error(`unexpected dialog: ${d.message()}`);
  });
  await page.goto(t.url);
  return page;
}

const launcher = (page: Page) => page.getByRole('button', { name: /Open chat with support/ });
const composer = (page: Page) => page.getByRole('textbox', { name: 'Type your message' });
const transcript = (page: Page) => page.getByRole('log', { name: 'Messages' });

async function openWidget(page: Page) {
  await launcher(page).click();
  await composer(page).waitFor();
}

test('a shopper chats with an agent, keeps the history across a reload, and host CSS cannot break the widget', async () => {
  const agent = await onlineAgent(t, { name: 'Mei' });
  const page = await shopper();
  await openWidget(page);
  const dialog = page.getByRole('dialog', { name: 'Chat with us' });
  await expect(dialog.isVisible()).resolves.toBe(true);
  // Focus moved into the panel.
  await until(() => composer(page).evaluate((el) => el.getRootNode() instanceof ShadowRoot && (el.getRootNode() as ShadowRoot).activeElement === el));

  const assigned = next(agent.socket, 'conversation:assigned');
  await composer(page).fill('Is the tea set dishwasher safe?');
  await composer(page).press('Enter');
  const { conversation, messages } = await assigned;
  expect(messages.filter((m: any) => m.kind === 'text').map((m: any) => m.text)).toEqual(['Is the tea set dishwasher safe?']);
  await transcript(page).getByText('Sent').first().waitFor();
  await page.getByRole('status').getByText('You are chatting with Mei').waitFor();

  await ok(agent.socket, 'message:send', { conversationId: conversation.id, clientId: randomUUID(), text: 'Hand wash only, please. See https://example.com/care' });
  await transcript(page).getByText('Hand wash only, please.').waitFor();
  const link = transcript(page).getByRole('link', { name: 'https://example.com/care' });
  expect(await link.getAttribute('rel')).toBe('noopener noreferrer');
  expect(await link.getAttribute('target')).toBe('_blank');

  // The hostile page CSS (22px root, buttons hidden, all: unset on the widget element) changes nothing inside.
  const style = await composer(page).evaluate((el) => {
    const cs = getComputedStyle(el);
    return { fontSize: cs.fontSize, color: cs.color };
  });
  expect(style).toEqual({ fontSize: '14px', color: 'rgb(31, 35, 40)' });
  expect(await page.getByRole('button', { name: 'Send' }).isVisible()).toBe(true);
  expect(await launcher(page).boundingBox()).toMatchObject({ width: 56, height: 56 });
  await page.screenshot({ path: artifact('widget-open-demo.png') });

  // Reload: the conversation and its history are still there.
  await page.reload();
  await openWidget(page);
  await transcript(page).getByText('Is the tea set dishwasher safe?').waitFor();
  await transcript(page).getByText('Hand wash only, please.').waitFor();
  // Escape closes the panel and focus returns to the launcher.
  await composer(page).press('Escape');
  await until(() => launcher(page).evaluate((el) => (el.getRootNode() as ShadowRoot).activeElement === el));
  expect(await page.getByRole('dialog').count()).toBe(0);

  // Minimised: an agent message shows an unread badge and a title notice.
  await ok(agent.socket, 'message:send', { conversationId: conversation.id, clientId: randomUUID(), text: 'Anything else?' });
  await page.getByRole('button', { name: 'Open chat with support (1)' }).waitFor();
  await until(async () => (await page.title()).startsWith('(1) New message'));
});

test('messages typed while the server is down are sent once when it is back, in order', async () => {
  const agent = await onlineAgent(t, { name: 'Li' });
  const page = await shopper();
  await openWidget(page);
  const assigned = next(agent.socket, 'conversation:assigned');
  await composer(page).fill('first');
  await composer(page).press('Enter');
  const { conversation } = await assigned;

  // Stop the server; type two messages; start it again on the same port.
  const port = t.port;
  await server.stop();
  await page.getByRole('status').getByText(/Reconnecting/).waitFor();
  for (const text of ['while offline 1', 'while offline 2']) {
    await composer(page).fill(text);
    await composer(page).press('Enter');
  }
  await transcript(page).getByText('Sending…').first().waitFor();
  t = await server.start({ port });
  await t.server.chat.restoreQueue();
  // Li's console reconnects within the grace period: the restored conversation is still hers.
  const back = await t.agent(agent.token);
  await ok(back, 'session:sync', {});
  await until(async () => {
    const stored = await server.db.store.messagesAfter(conversation.id, 0);
    return stored.filter((m) => m.text.startsWith('while offline')).length === 2;
  }, 20_000, 'offline messages to arrive');
  await transcript(page).getByText('Sending…').waitFor({ state: 'detached' });
  const texts = (await server.db.store.messagesAfter(conversation.id, 0)).filter((m) => m.kind === 'text').map((m) => m.text);
  expect(texts).toEqual(['first', 'while offline 1', 'while offline 2']);
  // Li, back with the same chat, replies; the shopper sees it.
  expect(await t.pool.assignmentOf(conversation.id)).toBe(agent.id);
  await ok(back, 'message:send', { conversationId: conversation.id, clientId: randomUUID(), text: 'Back online!' });
  await transcript(page).getByText('Back online!').waitFor();
});

test('with no agent online the shopper leaves a message', async () => {
  const page = await shopper();
  await launcher(page).click();
  const form = page.getByRole('form', { name: 'No one is online right now' });
  await form.getByRole('textbox', { name: 'Your name' }).fill('Ana');
  await form.getByRole('textbox', { name: 'Your email' }).fill('ana@example.com');
  await form.getByRole('textbox', { name: 'Message' }).fill('Do you ship to Hong Kong?');
  await form.getByRole('button', { name: 'Send message' }).click();
  await page.getByText('Thank you! The reply shows here when you next open this chat').waitFor();
  const left = await server.db.store.listLeftMessages({ limit: 50 });
  expect(left.find((m) => m.text === 'Do you ship to Hong Kong?')).toMatchObject({ name: 'Ana', email: 'ana@example.com' });
});

test('while business hours keep the team closed, the leave-a-message form says when it is back, in the shopper\'s time', async () => {
  const reopensAt = Date.now() + 26 * 3600_000; // another day: with the weekday
  context = await browser.newContext({ locale: 'en-US', timezoneId: 'America/New_York', viewport: { width: 1200, height: 800 } });
  const page = await context.newPage();
  // This server has no business hours yet: the session reply gets the field a closed team's
  // server sends (shared/protocol.ts VisitorSession.reopensAt) on its way to the page.
  await page.routeWebSocket(/\/socket\.io\//, (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((m) => server.send(m));
    server.onMessage((m) => ws.send(typeof m === 'string' ? m.replace('"agentsAvailable":false', `"agentsAvailable":false,"reopensAt":${reopensAt}`) : m));
  });
  await page.goto(t.url);
  await launcher(page).click();
  const form = page.getByRole('form', { name: 'No one is online right now' });
  await form.getByText(backAt(en, reopensAt, Date.now(), 'en', 'America/New_York')).waitFor();
  await form.getByRole('textbox', { name: 'Your name' }).waitFor();
  await page.screenshot({ path: artifact('widget-back-at.png') });
});

test('every chat in the same browser is rated once, with the last answers readable above the rating', async () => {
  const agent = await onlineAgent(t);
  const page = await shopper();
  await openWidget(page);
  const rating = page.getByRole('form', { name: 'How did we do?' });

  /** One chat: the shopper asks, the agent answers at length and closes; the rating appears. */
  async function chat(question: string, answer: string) {
    const assigned = next(agent.socket, 'conversation:assigned');
    await composer(page).fill(question);
    await composer(page).press('Enter');
    const { conversation } = await assigned;
    for (let i = 1; i <= 6; i++) {
      await ok(agent.socket, 'message:send', { conversationId: conversation.id, clientId: randomUUID(), text: `${i}. ${'Some detail. '.repeat(8)}` });
    }
    await ok(agent.socket, 'message:send', { conversationId: conversation.id, clientId: randomUUID(), text: answer });
    await ok(agent.socket, 'conversation:close', { conversationId: conversation.id });
    await rating.getByRole('radio', { name: '5 out of 5' }).waitFor();
    // The agent's last answer is wholly inside the transcript's visible box, above the rating.
    const last = transcript(page).getByText(answer);
    await until(async () => {
      const [box, list, form] = await Promise.all([last.boundingBox(), transcript(page).boundingBox(), rating.boundingBox()]);
      return !!box && !!list && !!form && box.y >= list.y && box.y + box.height <= list.y + list.height && box.y + box.height <= form.y;
    }, WAIT_MS, 'the last answer visible above the rating');
    return conversation.id as string;
  }

  const first = await chat('Thanks for the help', 'Glad to help, bye!');
  await page.screenshot({ path: artifact('widget-rating.png') });
  await rating.getByRole('radio', { name: '5 out of 5' }).click();
  await rating.getByRole('textbox', { name: 'Comment (optional)' }).fill('Quick and kind');
  await rating.getByRole('button', { name: 'Submit rating' }).click();
  await page.getByText('Thank you for your feedback!').waitFor();
  expect(await server.db.store.getRating(first)).toMatchObject({ score: 5, comment: 'Quick and kind' });

  // A second chat in the same browser: the thanks goes, and its own rating is offered.
  const second = await chat('One more question', 'That is all for today, bye!');
  expect(second).not.toBe(first);
  expect(await page.getByText('Thank you for your feedback!').count()).toBe(0);
  await rating.getByRole('radio', { name: '2 out of 5' }).click();
  await rating.getByRole('button', { name: 'Submit rating' }).click();
  await page.getByText('Thank you for your feedback!').waitFor();
  expect(await server.db.store.getRating(second)).toMatchObject({ score: 2 });
  expect(await server.db.store.getRating(first)).toMatchObject({ score: 5 });
});

test('a Chinese browser gets the zh-CN widget; Enter that confirms an IME composition does not send', async () => {
  const agent = await onlineAgent(t, { name: '小王' });
  const page = await shopper('zh-CN');
  await page.getByRole('button', { name: /打开在线客服/ }).click();
  const box = page.getByRole('textbox', { name: '输入消息' });
  await box.waitFor();
  expect(await page.getByRole('button', { name: '发送' }).isVisible()).toBe(true);
  await page.getByRole('button', { name: '收起聊天窗口' }).waitFor();

  // An IME composition: the Enter that picks the characters must not send the message.
  await box.focus();
  await box.evaluate((el: HTMLTextAreaElement) => {
    el.value = '退货';
    el.dispatchEvent(new InputEvent('input', { bubbles: true, data: '退货' }));
    el.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', isComposing: true, keyCode: 229, bubbles: true }));
  });
  expect(await box.inputValue()).toBe('退货');
  const assigned = next(agent.socket, 'conversation:assigned');
  await box.press('Enter');
  const { messages } = await assigned;
  expect(messages.some((m: any) => m.text === '退货')).toBe(true);
  await page.getByRole('status').getByText('客服 小王 正在为您服务').waitFor();
  await page.screenshot({ path: artifact('widget-zh-CN.png') });
});

test('message text is text: an HTML payload is shown literally and runs nothing', async () => {
  const agent = await onlineAgent(t);
  const page = await shopper();
  await openWidget(page);
  const assigned = next(agent.socket, 'conversation:assigned');
  await composer(page).fill('<b>hello</b>');
  await composer(page).press('Enter');
  const { conversation } = await assigned;
  const payload = '<img src=x onerror="window.__pwned=1;alert(1)"> javascript:alert(2)';
  await ok(agent.socket, 'message:send', { conversationId: conversation.id, clientId: randomUUID(), text: payload });
  await transcript(page).getByText(payload).waitFor();
  await transcript(page).getByText('<b>hello</b>').waitFor();
  expect(await page.evaluate(() => (window as any).__pwned)).toBeUndefined();
  const images = await page.evaluate(() => document.querySelector('live-support-widget')!.shadowRoot!.querySelectorAll('img, b').length);
  expect(images).toBe(0);
  expect(await transcript(page).getByRole('link').count()).toBe(0);
});

test('on a phone-sized screen the panel takes the whole screen', async () => {
  await onlineAgent(t);
  context = await browser.newContext({ locale: 'en-US', viewport: { width: 375, height: 700 } });
  const page = await context.newPage();
  await page.goto(t.url);
  await openWidget(page);
  const box = await page.getByRole('dialog', { name: 'Chat with us' }).boundingBox();
  expect(box).toMatchObject({ x: 0, y: 0, width: 375, height: 700 });
  // The launcher steps aside (the panel has its own minimise button) so it cannot cover Send.
  expect(await launcher(page).isVisible()).toBe(false);
  expect(await page.getByRole('button', { name: 'Send' }).isVisible()).toBe(true);
  await page.screenshot({ path: artifact('widget-phone.png') });
});

test('a message the server refuses shows an error (English and Chinese) and is not sent again after a reconnect; the composer takes the server limit', async () => {
  t = await server.restart({ limits: { maxMessageLength: 300 } });
  await onlineAgent(t);
  // Every message:send the server receives, on every visitor socket (those after a reconnect too).
  const sends: string[] = [];
  let connections = 0;
  const visitors = t.server.io.of('/visitor');
  visitors.on('connection', (s) => {
    connections++;
    s.on('message:send', (p: { text?: string }) => sends.push(String(p?.text)));
  });

  const page = await shopper();
  await openWidget(page);
  await until(async () => (await composer(page).getAttribute('maxlength')) === '300', 5000, 'the session limit on the composer');
  // A control character: VALIDATION_FAILED, which no re-send can change.
  await composer(page).fill('ring the bell \u0007 please');
  await composer(page).press('Enter');
  await transcript(page).getByText('Not sent: refused by the server').waitFor();
  await composer(page).fill('Hello after that');
  await composer(page).press('Enter');
  // "HH:MM · Sent" under a stored message ("Not sent: …" contains "sent" too).
  await transcript(page).getByText(/ · Sent$/).first().waitFor();
  expect(await transcript(page).getByRole('button', { name: 'Retry' }).count()).toBe(0);
  // The outbox is saved after the ack is shown: wait for it to be empty rather than read it once.
  await page.waitForFunction(() => (Object.entries(localStorage).find(([k]) => k.endsWith(':outbox'))?.[1] ?? '[]') === '[]');
  await page.screenshot({ path: artifact('widget-refused.png') });

  // The connection drops and comes back: the widget resyncs and sends nothing again.
  const before = connections;
  for (const s of visitors.sockets.values()) s.conn.close();
  await until(() => connections > before, 15_000, 'the widget to reconnect');
  await page.getByRole('status').getByText(/Reconnecting|Connecting/).waitFor({ state: 'detached' });
  await composer(page).fill('One more');
  await composer(page).press('Enter');
  await until(() => sends.includes('One more'), 10_000, 'the next message');
  expect(sends).toEqual(['ring the bell \u0007 please', 'Hello after that', 'One more']);
  await transcript(page).getByText('Not sent: refused by the server').waitFor();
  await context!.close();

  // The same in Chinese.
  const zh = await shopper('zh-CN');
  await zh.getByRole('button', { name: /打开在线客服/ }).click();
  const box = zh.getByRole('textbox', { name: '输入消息' });
  await box.fill('响铃 \u0007');
  await box.press('Enter');
  await zh.getByRole('log', { name: '消息' }).getByText('未发送：服务器拒收').waitFor();
  await zh.screenshot({ path: artifact('widget-refused-zh-CN.png') });
});
