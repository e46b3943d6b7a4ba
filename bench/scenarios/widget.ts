/**
 * Scenario 6, the widget: gzip -9 size of dist/widget.js (built by `node esbuild.config.mjs`)
 * and, in headless Chromium, the time from clicking the launcher to (a) the composer on screen
 * and (b) an interactive composer: connected and synced, so a message typed now goes out at
 * once. The product runs on the demo storefront at `/` with one agent online (otherwise the
 * widget shows the leave-a-message form instead of the composer).
 *
 * Baseline: the widget floor (baseline/widget-floor.js: Preact + socket.io-client, websocket
 * only, in a shadow root), built the same way, served by a tiny page and connected to the relay.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type Plugin } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
import { ROOT } from '../lib/processes';
import { row, type Row } from '../lib/results';
import { withBaseline, withProduct, type Scenario } from './common';

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking'];

/** The product build's WebSocket-only trick (esbuild.config.mjs), applied to the floor too. */
const engineDir = path.join(ROOT, 'node_modules/engine.io-client/build/esm');
const websocketOnly: Plugin = {
  name: 'websocket-only',
  setup(b) {
    b.onResolve({ filter: /^engine\.io-client$/ }, () => ({ path: path.join(ROOT, 'widget/build/engine-io-client.js') }));
    b.onResolve({ filter: /\/transports\/index\.js$/ }, (args) =>
      args.importer.startsWith(engineDir) ? { path: path.join(ROOT, 'widget/build/transports.js') } : undefined,
    );
    b.onResolve({ filter: /^engine\.io-client\/build\/esm\// }, (args) => ({
      path: path.join(engineDir, args.path.slice('engine.io-client/build/esm/'.length)),
    }));
  },
};

async function buildFloor(): Promise<Buffer> {
  const out = await build({
    entryPoints: [path.join(ROOT, 'bench/baseline/widget-floor.js')],
    bundle: true,
    write: false,
    platform: 'browser',
    format: 'iife',
    target: ['chrome100', 'firefox100', 'safari15'],
    minify: true,
    plugins: [websocketOnly],
    logLevel: 'warning',
  });
  return Buffer.from(out.outputFiles[0].contents);
}

const gzip = (b: Buffer) => gzipSync(b, { level: 9 }).length;

interface Timing {
  /** From navigation start to the launcher in the page. */
  launcherMs: number;
  /** From the launcher click to the composer on screen. */
  composerMs: number | null;
  /** From the launcher click to the composer with the connection up (status no longer "Connecting…"). */
  readyMs: number | null;
}

/**
 * Runs in the page: waits for the launcher, clicks it, then polls (on MessageChannel tasks,
 * which timers do not clamp) for the composer on screen and for the status line to go through
 * "Connecting…" and leave it. A string, so no compiler helper can leak into the page.
 */
const MEASURE = `(async () => {
  const roots = () => {
    const out = [];
    const walk = (n) => { for (const el of n.querySelectorAll('*')) if (el.shadowRoot) { out.push(el.shadowRoot); walk(el.shadowRoot); } };
    walk(document);
    return out;
  };
  const find = (sel) => { for (const r of roots()) { const el = r.querySelector(sel); if (el) return el; } return null; };
  const yieldTask = () => new Promise((r) => { const c = new MessageChannel(); c.port1.onmessage = () => r(); c.port2.postMessage(0); });
  let launcher;
  while (!(launcher = find('button[aria-label^="Open chat with support"]'))) await new Promise((r) => setTimeout(r, 2));
  const launcherMs = performance.now();
  await new Promise((r) => setTimeout(r, 300));
  const t0 = performance.now();
  launcher.click();
  let composerAt = 0, readyAt = 0, seenConnecting = false;
  while (performance.now() - t0 < 10000) {
    const ta = find('textarea[aria-label="Type your message"]');
    if (ta && !composerAt && ta.getClientRects().length) composerAt = performance.now();
    // The status line reads "Connecting…" from the socket's start until the widget is ready.
    const connecting = /Connecting/.test(find('[role="status"]')?.textContent ?? '');
    seenConnecting ||= connecting;
    if (composerAt && ta && seenConnecting && !connecting) { readyAt = performance.now(); break; }
    await yieldTask();
  }
  return { launcherMs, composerMs: composerAt ? composerAt - t0 : null, readyMs: readyAt ? readyAt - t0 : null };
})()`;

async function timeWidget(browser: Browser, url: string, runs: number): Promise<Timing[]> {
  const out: Timing[] = [];
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1200, height: 800 } });
    try {
      const page = await context.newPage();
      await page.goto(url);
      out.push((await page.evaluate(MEASURE)) as Timing);
    } finally {
      await context.close();
    }
  }
  return out;
}

const median = (xs: (number | null)[]) => {
  const v = xs.filter((x): x is number => x !== null && Number.isFinite(x)).sort((a, b) => a - b);
  return v.length ? v[Math.floor((v.length - 1) / 2)] : null;
};

/** Serves the floor page and bundle on 127.0.0.1. */
function servePage(floor: Buffer, relayUrl: string): Promise<Server & { url: string }> {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Widget floor</title></head>
<body><main><h1>A shop page</h1><p>The widget floor, for comparison.</p></main>
<script src="/floor.js" data-server="${relayUrl}" async></script></body></html>`;
  const server = createServer((req, res) => {
    if (req.url === '/floor.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(floor);
    else res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve(Object.assign(server, { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` }))),
  );
}

export const widget: Scenario = async (ctx) => {
  const { runs, build: when } = ctx.profile.widget;
  const built = path.join(ROOT, 'dist/widget.js');
  if (when === 'always' || !existsSync(built)) {
    ctx.log('  building dist/widget.js (node esbuild.config.mjs)');
    execFileSync(process.execPath, ['esbuild.config.mjs'], { cwd: ROOT, stdio: 'pipe' });
  } else {
    ctx.log('  using the dist/widget.js already built');
  }
  const product = readFileSync(built);
  const floor = await buildFloor();
  const sizes = { product: { raw: product.length, gzip: gzip(product) }, floor: { raw: floor.length, gzip: gzip(floor) } };
  ctx.log(`    widget.js ${sizes.product.gzip} B gzip, floor ${sizes.floor.gzip} B gzip`);

  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
  try {
    ctx.log(`  baseline: widget floor against the bare relay, ${runs} runs`);
    const baseline = await withBaseline(ctx, { processes: 1, pairs: 0 }, async ({ servers }) => {
      const page = await servePage(floor, servers[0].url);
      try {
        return await timeWidget(browser, page.url, runs);
      } finally {
        await new Promise((r) => page.close(r));
      }
    });
    ctx.log(`  product: demo storefront, one agent online, ${runs} runs`);
    const productTimes = await withProduct(ctx, { mode: 'redis+postgres', processes: 1, agents: 1, capacity: 5, pairs: 0 }, ({ servers }) =>
      timeWidget(browser, `${servers[0].url}/`, runs),
    );
    const m = {
      product: { composerMs: median(productTimes.map((t) => t.composerMs)), readyMs: median(productTimes.map((t) => t.readyMs)), launcherMs: median(productTimes.map((t) => t.launcherMs)) },
      baseline: { composerMs: median(baseline.map((t) => t.composerMs)), readyMs: median(baseline.map((t) => t.readyMs)), launcherMs: median(baseline.map((t) => t.launcherMs)) },
    };
    ctx.log(`    product: composer ${m.product.composerMs?.toFixed(1)} ms, interactive ${m.product.readyMs?.toFixed(1)} ms; floor: ${m.baseline.composerMs?.toFixed(1)} / ${m.baseline.readyMs?.toFixed(1)} ms`);
    const rows: Row[] = [
      row({ scenario: '6', metric: 'widget.js gzip -9', unit: 'bytes', product: sizes.product.gzip, baseline: sizes.floor.gzip, better: 'lower', note: 'baseline: the widget floor (Preact + websocket-only socket.io-client)' }),
      row({ scenario: '6', metric: `launcher click → composer on screen (median of ${runs})`, unit: 'ms', product: m.product.composerMs, baseline: m.baseline.composerMs, better: 'lower' }),
      row({ scenario: '6', metric: `launcher click → interactive composer, connected and synced (median of ${runs})`, unit: 'ms', product: m.product.readyMs, baseline: m.baseline.readyMs, better: 'lower' }),
      row({ scenario: '6', metric: `page navigation → launcher shown (median of ${runs})`, unit: 'ms', product: m.product.launcherMs, baseline: m.baseline.launcherMs, better: 'lower', note: 'product page is the demo storefront; floor page is bare' }),
    ];
    return {
      id: '6',
      title: 'Widget',
      rows,
      details: { sizes, runs: { product: productTimes, baseline }, medians: m },
      notes: [
        'Headless Chromium (playwright-core, /usr/bin/chromium, --no-sandbox --disable-gpu --disable-background-networking), fresh context per run, timed inside the page with performance.now().',
        'The product is "interactive" once connected and session:sync has answered (the status line leaves "Connecting…"); the floor once its socket is connected.',
      ],
    };
  } finally {
    await browser.close();
  }
};
