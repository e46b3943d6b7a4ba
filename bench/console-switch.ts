/**
 * The agent console switching between 10 open chats of 500 messages each, in headless Chromium.
 * Run: `npx tsx bench/console-switch.ts` (about two minutes; see bench/README.md).
 *
 * 1. Builds the bundles (`node esbuild.config.mjs`, so the console measured is the current source)
 *    and starts a product server in embedded mode (PGlite, in-process presence) as a child
 *    process, deployed like the bench's: one agent created in the store with capacity 10, a
 *    signed token (bench/lib/product.ts, bench/lib/processes.ts).
 * 2. Fills 10 conversations through the real protocol with socket.io-client: each visitor opens
 *    one on /visitor (routed to the agent), then visitor and agent alternate irregularly until
 *    each conversation has 500 messages (plus its `opened` and `assigned` events): some long,
 *    about a third Chinese, a few with links, a few internal notes. The 10 conversations are
 *    written concurrently, each in order, every message acknowledged before the next.
 * 3. Opens /console in headless Chromium with the agent's token in the console's session
 *    storage (what signing in leaves there; the bench's accounts have no password), waits for the
 *    10 chats in the list, then times switches: clicks on the next chat's list entry (found by
 *    role and accessible name), then the same number of Alt+↓ presses.
 *
 * What one switch time is, measured in the page with `performance.now()`:
 *  - start: the `click` (or Alt+↓ `keydown`) event, seen by a capture listener on `window`
 *    before the console's own handler runs;
 *  - end: the frame in which the transcript's last element is the chat's known last message and
 *    lies inside the transcript's visible box (checked in `requestAnimationFrame`), plus that
 *    frame's rendering: a MessageChannel message posted from the rAF callback runs after the
 *    frame's style, layout and paint. That is `paintMs`, the figure reported.
 *  - `domMs`, reported beside it: when a MutationObserver first saw that message in the DOM.
 * The page is left to settle between switches (replies to the FAQ and visitor-info requests
 * each switch makes, then an idle callback), as an agent reading the chat would.
 *
 * Output: a Markdown table on stdout, JSON in bench/results/console-switch-<date>.json, and
 * screenshots with a 500-message chat open in test/artifacts/console-10x500.png (as left after the
 * switches) and console-10x500-top.png (its transcript scrolled to the top).
 *
 * Options: --chats 10 --messages 500 --switches 40 --settle 500 (ms) --no-build --out DIR
 *   --label NAME: appended to the JSON's file name (console-switch-<date>-NAME.json) and kept in it.
 *   --trace FILE: record a Chromium performance trace of the click switches into FILE (open it in
 *   DevTools' Performance panel) and print the renderer main thread's self time by trace event.
 */
import { execFileSync, execSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { io, type Socket } from 'socket.io-client';
import type { Message } from '../shared/protocol';
import { artifact, launchBrowser } from '../test/helpers/browser';
import { ok, until } from '../test/helpers/chat';
import { ROOT, startServer } from './lib/processes';
import { deployProduct } from './lib/product';

const { values: args } = parseArgs({
  options: {
    chats: { type: 'string', default: '10' },
    messages: { type: 'string', default: '500' },
    switches: { type: 'string', default: '40' },
    settle: { type: 'string', default: '500' },
    'no-build': { type: 'boolean', default: false },
    trace: { type: 'string' },
    label: { type: 'string' },
    out: { type: 'string', default: path.join(ROOT, 'bench/results') },
  },
});
const CHATS = Number(args.chats);
const MESSAGES = Number(args.messages);
const SWITCHES = Number(args.switches);
const SETTLE_MS = Number(args.settle);

/** Where the console keeps its token after signing in (agent-console/src/sign-in/token.ts, TOKEN_KEY). */
const TOKEN_KEY = 'livesupport:console:token';

const log = (msg: string) => process.stderr.write(`${msg}\n`);

// ------------------------------------------------------------------ conversation content

/** Deterministic pseudo-random numbers (mulberry32), so every run writes the same chats. */
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

const VISITOR_EN = [
  'Hi, my order has not arrived yet.',
  'I ordered the bamboo tea set last Tuesday and the tracking page has not changed since Friday.',
  'Can I change the delivery address?',
  'Is there a discount for a second set?',
  'The lid of the teapot was cracked when I opened the box.',
  'OK, thanks.',
  'How long does a refund take once you receive the parcel?',
  'Do you ship to Singapore?',
  'I paid by card but I got two confirmation emails, was I charged twice?',
  'Sorry, one more question.',
];
const AGENT_EN = [
  'Thanks for waiting, let me check that for you.',
  'I can see the parcel left our warehouse on Monday.',
  'Yes, I have changed the address on the order.',
  'I am sorry about the cracked lid. I will send a replacement today.',
  'Refunds reach your card 3 to 5 business days after we receive the parcel.',
  'You were charged once; the second email was a duplicate confirmation.',
  'Is there anything else I can help with?',
  'Could you send me a photo of the damage?',
];
const VISITOR_ZH = [
  '你好，我的订单还没到。',
  '请问可以开发票吗？',
  '收到的商品有质量问题，可以退吗？',
  '快递显示已签收，但是我没有收到。',
  '好的，谢谢。',
  '退货要多久？运费谁出？',
  '我想把颜色换成蓝色的，可以吗？',
];
const AGENT_ZH = [
  '您好，我帮您查一下订单。',
  '可以开发票，请提供抬头和税号。',
  '非常抱歉给您带来不便，我们会为您补发。',
  '退货一般在收到包裹后3到5个工作日内完成退款，运费由我们承担。',
  '已为您修改，请留意短信通知。',
  '还有其他可以帮您的吗？',
];
const LINKS = [
  'https://shop.example/orders/A-1042',
  'https://shop.example/help/returns#refund-window',
  'https://tracking.example/parcel/LS8842019CN',
  'https://shop.example/products/bamboo-tea-set?color=blue',
];

/** A long message: two to four paragraphs of sentences from the pools. */
function long(next: () => number, pool: string[], zh: boolean) {
  const paragraphs = 2 + Math.floor(next() * 3);
  return Array.from({ length: paragraphs }, () =>
    Array.from({ length: 4 + Math.floor(next() * 6) }, () => pool[Math.floor(next() * pool.length)]).join(zh ? '' : ' '),
  ).join('\n\n');
}

interface Planned {
  author: 'visitor' | 'agent';
  text: string;
  note: boolean;
}

/** The last message's text: unique per chat, so the page can tell which transcript is on screen. */
const lastText = (chat: number) =>
  chat % 2 === 0 ? `Glad I could help. (chat ${chat + 1}, message ${MESSAGES})` : `谢谢，就这些了。(chat ${chat + 1}, message ${MESSAGES})`;

function plan(chat: number): Planned[] {
  const next = random(chat + 1);
  const out: Planned[] = [];
  for (let k = 0; k < MESSAGES; k++) {
    // The visitor opens the conversation; odd chats end with the visitor, even ones with the agent.
    const author = k === 0 || (k === MESSAGES - 1 && chat % 2 === 1) ? 'visitor' : k === MESSAGES - 1 ? 'agent' : next() < 0.55 ? 'visitor' : 'agent';
    if (k === MESSAGES - 1) {
      out.push({ author, text: lastText(chat), note: false });
      continue;
    }
    const zh = next() < 0.33;
    const pool = author === 'visitor' ? (zh ? VISITOR_ZH : VISITOR_EN) : zh ? AGENT_ZH : AGENT_EN;
    let text = next() < 0.06 ? long(next, pool, zh) : pool[Math.floor(next() * pool.length)];
    if (next() < 0.04) text += ` ${LINKS[Math.floor(next() * LINKS.length)]}`;
    out.push({ author, text, note: author === 'agent' && next() < 0.03 });
  }
  return out;
}

// ------------------------------------------------------------------ seeding through the protocol

function connect(url: string, nsp: '/visitor' | '/agent', token?: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = io(`${url}${nsp}`, { auth: token ? { token } : {}, transports: ['websocket'], forceNew: true, reconnection: false });
    s.once('connect', () => resolve(s));
    s.once('connect_error', reject);
  });
}

/** Opens the conversations one by one (each routed to the agent), then writes them concurrently. */
async function seed(url: string, agentToken: string) {
  const agent = await connect(url, '/agent', agentToken);
  const assigned = new Set<string>();
  agent.on('conversation:assigned', (c: { conversation: { id: string } }) => assigned.add(c.conversation.id));
  await ok(agent, 'session:sync', {});
  await ok(agent, 'agent:status', { status: 'online' });
  const plans = Array.from({ length: CHATS }, (_, c) => plan(c));
  const chats: { visitor: Socket; conversationId: string }[] = [];
  for (let c = 0; c < CHATS; c++) {
    const visitor = await connect(url, '/visitor');
    await ok(visitor, 'session:sync', {});
    await ok(visitor, 'visitor:profile', { name: shopperName(c) });
    const ack = await ok(visitor, 'message:send', { clientId: randomUUID(), text: plans[c][0].text });
    await until(() => assigned.has(ack.conversationId), 10_000, `chat ${c + 1} to be assigned`);
    chats.push({ visitor, conversationId: ack.conversationId });
  }
  const started = performance.now();
  await Promise.all(
    chats.map(async ({ visitor, conversationId }, c) => {
      for (const m of plans[c].slice(1)) {
        const clientId = randomUUID();
        if (m.author === 'visitor') await ok(visitor, 'message:send', { clientId, text: m.text });
        else await ok(agent, 'message:send', { conversationId, clientId, text: m.text, ...(m.note ? { note: true } : {}) });
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  // Check every conversation is complete, reading each page by page (a reply holds one page).
  const session = await ok<{ conversations: { conversation: { id: string } }[] }>(agent, 'session:sync', {});
  const transcripts = await Promise.all(
    session.conversations.map(async ({ conversation }) => {
      const all: Message[] = [];
      for (let more = true; more; ) {
        const page = await ok<{ messages: Message[]; hasMore: boolean }>(agent, 'conversation:history', { conversationId: conversation.id, afterSeq: all.at(-1)?.seq ?? 0 });
        all.push(...page.messages);
        more = page.hasMore;
      }
      return all;
    }),
  );
  const counts = transcripts.map((ms) => ms.filter((m) => m.kind !== 'event').length);
  if (counts.length !== CHATS || counts.some((n) => n !== MESSAGES)) throw new Error(`seeding incomplete: ${counts.join(', ')}`);
  const events = transcripts.reduce((n, ms) => n + ms.length, 0) - CHATS * MESSAGES;
  return { agent, visitors: chats.map((c) => c.visitor), seconds, events };
}

const shopperName = (chat: number) => `Shopper ${String(chat + 1).padStart(2, '0')}`;

// ------------------------------------------------------------------ in the page

/**
 * Installed before the console loads. `arm(marker)` starts one measurement (see the header);
 * `result` is its promise. Event Timing entries (click or keydown to the next paint, as INP
 * counts them; only those of 16 ms or more are reported by the browser) are kept for the JSON.
 * A string, so no compiler helper can leak into the page.
 */
const PAGE_SCRIPT = `(() => {
  const events = [];
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) events.push({ name: e.name, startTime: e.startTime, duration: e.duration });
    }).observe({ type: 'event', durationThreshold: 16, buffered: true });
  } catch {}
  window.__switchBench = {
    events,
    arm(marker) {
      const r = { input: null, eventTimeStamp: null, domMs: null, visibleMs: null, paintMs: null, error: null };
      let t0 = null;
      let finish;
      this.result = new Promise((resolve) => (finish = resolve));
      const onInput = (e) => {
        if (t0 !== null || (e.type === 'keydown' && !(e.altKey && e.key === 'ArrowDown'))) return;
        t0 = performance.now();
        r.input = e.type;
        r.eventTimeStamp = e.timeStamp;
      };
      addEventListener('click', onInput, true);
      addEventListener('keydown', onInput, true);
      const shown = () => {
        const log = document.querySelector('[role="log"]');
        const last = log && log.lastElementChild;
        return last && last.textContent.includes(marker) ? { log, last } : null;
      };
      const observer = new MutationObserver(() => {
        if (t0 !== null && r.domMs === null && shown()) r.domMs = performance.now() - t0;
      });
      observer.observe(document.documentElement, { childList: true, subtree: true, characterData: true });
      const end = (error) => {
        observer.disconnect();
        removeEventListener('click', onInput, true);
        removeEventListener('keydown', onInput, true);
        clearTimeout(timer);
        r.error = error || null;
        finish(r);
      };
      const timer = setTimeout(() => end('timed out after 15 s'), 15000);
      const frame = () => {
        const s = t0 === null ? null : shown();
        if (s) {
          const now = performance.now();
          if (r.domMs === null) r.domMs = now - t0;
          const box = s.log.getBoundingClientRect();
          const last = s.last.getBoundingClientRect();
          if (last.height > 0 && last.top >= box.top - 1 && last.bottom <= box.bottom + 1) {
            r.visibleMs = now - t0;
            const channel = new MessageChannel();
            channel.port1.onmessage = () => {
              r.paintMs = performance.now() - t0;
              performance.measure('console-switch', { start: t0, end: t0 + r.paintMs });
              end();
            };
            channel.port2.postMessage(null);
            return;
          }
        }
        requestAnimationFrame(frame);
      };
      requestAnimationFrame(frame);
    },
  };
})()`;

/** The transcript on screen: its DOM size. */
const TRANSCRIPT_SIZE = `(() => {
  const log = document.querySelector('[role="log"]');
  const walker = document.createTreeWalker(log, NodeFilter.SHOW_ALL);
  let nodes = 1;
  while (walker.nextNode()) nodes++;
  return {
    children: log.children.length,
    elements: log.getElementsByTagName('*').length + 1,
    nodes,
    documentElements: document.getElementsByTagName('*').length,
  };
})()`;

/** After the replies a switch triggers (FAQ match, visitor info) have landed and the page is idle. */
const SETTLE = (ms: number) => `new Promise((resolve) => setTimeout(() => requestIdleCallback(() => resolve(), { timeout: 2000 }), ${ms}))`;

interface Sample {
  input: 'click' | 'keydown';
  chat: number;
  firstOpen: boolean;
  domMs: number;
  visibleMs: number;
  paintMs: number;
  /** Event Timing duration of the input (to the next paint), when the browser reported one (≥ 16 ms). */
  eventTimingMs: number | null;
}

// ------------------------------------------------------------------ figures

interface TraceEvent {
  name: string;
  cat: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  id2?: { local?: string };
  id?: string;
  args?: { name?: string };
}

/**
 * Self time per trace event name on the page's main thread, inside the timed windows (the
 * `console-switch` measures the page records, input to painted), in ms per switch: what the
 * main thread did between the input and the painted transcript (script, style, layout, paint…).
 * An event counts when it starts inside a window; its self time is its time less its children's.
 */
function traceSelfTime(trace: Buffer) {
  const events = (JSON.parse(trace.toString()) as { traceEvents: TraceEvent[] }).traceEvents;
  const marks = events.filter((e) => e.cat.includes('blink.user_timing') && e.name === 'console-switch').sort((a, b) => a.ts - b.ts);
  const windows: [number, number][] = [];
  for (let i = 0; i + 1 < marks.length; i += 2) windows.push([marks[i].ts, marks[i + 1].ts]); // async begin, end
  const main = events.find((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain' && e.pid === marks[0]?.pid);
  const xs = events.filter((e) => e.pid === main?.pid && e.tid === main?.tid && e.ph === 'X' && e.dur).sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
  const self = new Map<TraceEvent, number>();
  const stack: TraceEvent[] = [];
  for (const e of xs) {
    while (stack.length && stack.at(-1)!.ts + stack.at(-1)!.dur! <= e.ts) stack.pop();
    const parent = stack.at(-1);
    if (parent) self.set(parent, self.get(parent)! - e.dur!);
    self.set(e, e.dur!);
    stack.push(e);
  }
  const byName = new Map<string, number>();
  for (const [e, us] of self) {
    if (windows.some(([from, to]) => e.ts >= from && e.ts < to)) byName.set(e.name, (byName.get(e.name) ?? 0) + us);
  }
  const timedMs = windows.reduce((n, [from, to]) => n + (to - from) / 1000, 0) / windows.length;
  return {
    switches: windows.length,
    timedMsPerSwitch: timedMs,
    selfTime: [...byName].map(([name, us]) => ({ name, msPerSwitch: us / 1000 / windows.length })).sort((a, b) => b.msPerSwitch - a.msPerSwitch),
  };
}

const percentile = (xs: number[], p: number) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};

function summary(samples: Sample[]) {
  const paint = samples.map((s) => s.paintMs);
  return {
    n: samples.length,
    medianMs: percentile(paint, 50),
    p95Ms: percentile(paint, 95),
    maxMs: Math.max(...paint),
    domMedianMs: percentile(samples.map((s) => s.domMs), 50),
  };
}

const ms = (x: number) => (Number.isFinite(x) ? (x >= 100 ? x.toFixed(0) : x.toFixed(1)) : '–');
const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
const sh = (cmd: string) => {
  try {
    return execSync(cmd, { shell: '/bin/bash', stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    return '';
  }
};

// ------------------------------------------------------------------ run

async function main() {
  const startedAt = new Date();
  const load = { before: sh('uptime'), after: '' };
  if (!args['no-build']) execFileSync(process.execPath, ['esbuild.config.mjs'], { cwd: ROOT, stdio: 'inherit' });

  const deployment = await deployProduct({ mode: 'embedded', agents: 1, capacity: CHATS });
  const server = await startServer({ kind: 'product', env: { ...deployment.env, PORT: '0', HOST: '127.0.0.1' } });
  const browser = await launchBrowser();
  let seeded: Awaited<ReturnType<typeof seed>> | undefined;
  try {
    log(`server ${server.url} (embedded); writing ${CHATS} chats × ${MESSAGES} messages through /visitor and /agent…`);
    seeded = await seed(server.url, deployment.agentTokens[0]);
    log(`written in ${seeded.seconds.toFixed(1)} s (${Math.round((CHATS * MESSAGES) / seeded.seconds)} msg/s)`);

    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1400, height: 860 } });
    await context.addInitScript(`sessionStorage.setItem(${JSON.stringify(TOKEN_KEY)}, ${JSON.stringify(deployment.agentTokens[0])})`);
    await context.addInitScript(PAGE_SCRIPT);
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');

    const chatList = page.getByRole('navigation', { name: 'Conversations' });
    const loadStart = performance.now();
    await page.goto(`${server.url}/console`);
    await until(async () => (await chatList.getByRole('button').count()) === CHATS, 60_000, `${CHATS} chats in the list`);
    const listedMs = performance.now() - loadStart;
    // The console opens the first chat of the list by itself.
    const names = await chatList.locator('button .name').allTextContents();
    const order = names.map((n) => Number(/Shopper (\d+)/.exec(n)![1]) - 1);
    await page.getByRole('log', { name: 'Transcript' }).getByText(lastText(order[0]), { exact: true }).waitFor({ timeout: 60_000 });
    const firstTranscriptMs = performance.now() - loadStart;
    log(`console: ${CHATS} chats listed ${ms(listedMs)} ms after navigation, first transcript shown at ${ms(firstTranscriptMs)} ms; list order ${order.map((c) => c + 1).join(', ')}`);
    seeded.agent.disconnect(); // the console's socket holds the agent from here on
    await page.evaluate(SETTLE(SETTLE_MS));

    const opened = new Set([order[0]]);
    let active = 0; // index in `order`
    const samples: Sample[] = [];
    const metric = async () => Object.fromEntries(((await cdp.send('Performance.getMetrics')).metrics as { name: string; value: number }[]).map((m) => [m.name, m.value]));
    const phases: Record<string, Record<string, number>> = {};

    let trace: ReturnType<typeof traceSelfTime> | undefined;
    for (const input of ['click', 'keydown'] as const) {
      if (input === 'click' && args.trace) {
        await browser.startTracing(page, { path: args.trace, categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute', 'blink.user_timing'] });
      }
      const before = await metric();
      for (let i = 0; i < SWITCHES; i++) {
        active = (active + 1) % CHATS;
        const chat = order[active];
        await page.evaluate(`window.__switchBench.arm(${JSON.stringify(lastText(chat))})`);
        if (input === 'click') await chatList.getByRole('button', { name: new RegExp(`^${shopperName(chat)}(?!\\d)`) }).click();
        else await page.keyboard.press('Alt+ArrowDown');
        const r = (await page.evaluate('window.__switchBench.result')) as Omit<Sample, 'chat' | 'firstOpen' | 'eventTimingMs'> & { error: string | null; eventTimeStamp: number };
        if (r.error) throw new Error(`switch ${i + 1} (${input}) to ${shopperName(chat)}: ${r.error}`);
        await page.evaluate(SETTLE(SETTLE_MS));
        const timing = (await page.evaluate(`window.__switchBench.events.filter((e) => e.name === ${JSON.stringify(input)} && Math.abs(e.startTime - ${r.eventTimeStamp}) < 1)`)) as { duration: number }[];
        samples.push({ input, chat, firstOpen: !opened.has(chat), domMs: r.domMs, visibleMs: r.visibleMs, paintMs: r.paintMs, eventTimingMs: timing[0]?.duration ?? null });
        opened.add(chat);
      }
      const after = await metric();
      if (input === 'click' && args.trace) trace = traceSelfTime(await browser.stopTracing());
      phases[input] = Object.fromEntries(
        ['TaskDuration', 'ScriptDuration', 'RecalcStyleDuration', 'LayoutDuration', 'LayoutCount', 'RecalcStyleCount'].map((k) => [k, (after[k] ?? 0) - (before[k] ?? 0)]),
      );
    }
    const namesAfter = await chatList.locator('button .name').allTextContents();
    if (namesAfter.join() !== names.join()) throw new Error('the list order changed during the run');

    // Memory and DOM with every chat loaded and a 500-message chat open.
    await cdp.send('HeapProfiler.collectGarbage');
    const memory = await metric();
    const heap = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number; totalSize: number };
    const transcript = (await page.evaluate(TRANSCRIPT_SIZE)) as { children: number; elements: number; nodes: number; documentElements: number };
    const screenshot = artifact('console-10x500.png');
    await page.screenshot({ path: screenshot });
    // And the transcript's top: what an agent scrolling back reaches first.
    await page.evaluate(`document.querySelector('[role="log"]').scrollTop = 0`);
    await page.screenshot({ path: artifact('console-10x500-top.png') });

    const groups = {
      'click, first open': samples.filter((s) => s.input === 'click' && s.firstOpen),
      'click, re-open': samples.filter((s) => s.input === 'click' && !s.firstOpen),
      'Alt+↓ (re-open)': samples.filter((s) => s.input === 'keydown'),
      'all switches': samples,
    };
    const figures = Object.fromEntries(Object.entries(groups).map(([k, v]) => [k, summary(v)]));
    load.after = sh('uptime');

    const md = [
      `### Console: ${CHATS} chats × ${MESSAGES} messages, ${SWITCHES} clicks then ${SWITCHES} Alt+↓`,
      '',
      '| switch | n | median | p95 | max | DOM median |',
      '|---|--:|--:|--:|--:|--:|',
      ...Object.entries(figures).map(([k, f]) => `| ${k} | ${f.n} | ${ms(f.medianMs)} ms | ${ms(f.p95Ms)} ms | ${ms(f.maxMs)} ms | ${ms(f.domMedianMs)} ms |`),
      '',
      `Switch time: input event → the chat's last message visible in the transcript and painted; DOM: → that message in the DOM.`,
      '',
      '| with all chats loaded, one open | |',
      '|---|--:|',
      `| transcript DOM nodes (elements) | ${transcript.nodes.toLocaleString('en')} (${transcript.elements.toLocaleString('en')}) |`,
      `| document elements | ${transcript.documentElements.toLocaleString('en')} |`,
      `| JS heap used after GC | ${mb(heap.usedSize)} MB |`,
      `| page load → ${CHATS} chats listed | ${ms(listedMs)} ms |`,
      '',
    ].join('\n');
    process.stdout.write(`${md}\n`);
    if (trace) {
      const top = trace.selfTime.slice(0, 12).map((t) => `| ${t.name} | ${ms(t.msPerSwitch)} ms |`);
      const head = `Main-thread self time between input and paint, ${trace.switches} click switches traced (${ms(trace.timedMsPerSwitch)} ms each on average):`;
      process.stdout.write([head, '', '| trace event | per switch |', '|---|--:|', ...top, ''].join('\n') + '\n');
    }

    const stamp = startedAt.toISOString().slice(0, 16).replace(':', '-');
    mkdirSync(args.out!, { recursive: true });
    const file = path.join(args.out!, `console-switch-${stamp}${args.label ? `-${args.label}` : ''}.json`);
    writeFileSync(
      file,
      `${JSON.stringify(
        {
          version: 1,
          ...(args.label ? { label: args.label } : {}),
          startedAt: startedAt.toISOString(),
          host: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, node: process.version, chromium: browser.version(), load },
          setup: {
            mode: 'embedded',
            chats: CHATS,
            messagesPerChat: MESSAGES,
            eventsInTranscripts: seeded.events,
            seededThrough: 'protocol (socket.io-client on /visitor and /agent)',
            seedSeconds: seeded.seconds,
            switchesPerInput: SWITCHES,
            settleMs: SETTLE_MS,
            viewport: '1400×860',
          },
          timed: 'paintMs: input event (capture listener on window) → frame in which the chat’s last message is the transcript’s last element and inside its visible box, after that frame rendered (MessageChannel from rAF). domMs: → a MutationObserver saw it in the DOM.',
          figures,
          load: { listedMs, firstTranscriptMs },
          transcript,
          memory: { heapUsedBytes: heap.usedSize, heapTotalBytes: heap.totalSize, jsHeapUsedSize: memory.JSHeapUsedSize, domNodes: memory.Nodes, jsEventListeners: memory.JSEventListeners },
          phases,
          ...(trace ? { trace: { file: args.trace, ...trace, selfTime: trace.selfTime.slice(0, 30) } } : {}),
          samples,
          screenshot: path.relative(ROOT, screenshot),
        },
        null,
        2,
      )}\n`,
    );
    log(`wrote ${path.relative(ROOT, file)} and ${path.relative(ROOT, screenshot)}`);
  } finally {
    seeded?.visitors.forEach((v) => v.disconnect());
    seeded?.agent.disconnect();
    await browser.close();
    await server.stop();
    await deployment.dispose();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
