/**
 * The lead's floor with 200 agents and 500 live conversations: the time to apply one pushed
 * update. Run: `npx tsx bench/floor-update.ts` (about a minute; see bench/README.md).
 *
 * 1. In Node: the floor's model (agent-console/src/floor/model.ts) built from a floor of that
 *    size (agent-console/src/floor/bench-fixture.ts: 200 agents, 500 conversations of which 40
 *    queued), then `--pushes` pushes in a busy floor's proportions (60% activity, 20% a
 *    conversation moved, 13% an agent changed, 4% the queue, 3% the figures), each applied with
 *    `applyPush` and the three tables derived with `floorTables`, as the view does per push.
 * 2. In headless Chromium: the real floor view (agent-console/src/floor/floor-view.tsx, with the
 *    console's CSS) on a stand-in session (bench-page.tsx) holding the same floor; the same
 *    pushes delivered one at a time, each timed in the page: `updateMs` to the view having
 *    applied it and committed its DOM, `paintMs` to the end of the frame that shows it (style,
 *    layout, paint; includes waiting for that frame).
 *
 * 3. The server's reads for the floor, on PGlite (a fresh in-memory database): a day of 5,000
 *    conversations (closed, most answered and half rated) plus the 500 live ones with 12 messages
 *    each; timed: today's figures (the report service's `today`, its total for today, which
 *    `floor:figures` shows) and the times of the 500 live conversations (`conversationTimes`,
 *    what `floor:watch` reads besides the views), 20 times each.
 *
 * Output: a Markdown table on stdout, JSON in bench/results/floor-update-<date>.json, and a
 * screenshot of the benchmarked floor in test/artifacts/floor-200x500.png.
 * Options: --agents 200 --conversations 500 --queued 40 --pushes 2000 (Node) --page-pushes 300 --out DIR
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { applyPush, floorModel, floorTables } from '../agent-console/src/floor/model';
import { floorFixture, floorPushes } from '../agent-console/src/floor/bench-fixture';
import { createReportService } from '../server/domain/reports';
import { createFloorStore } from '../server/store/sql/floor';
import { createReportStore } from '../server/store/sql/reports';
import { artifact, launchBrowser } from '../test/helpers/browser';
import { openTestStore } from '../test/helpers/chat';
import { ROOT } from './lib/processes';

const { values: args } = parseArgs({
  options: {
    agents: { type: 'string', default: '200' },
    conversations: { type: 'string', default: '500' },
    queued: { type: 'string', default: '40' },
    pushes: { type: 'string', default: '2000' },
    'page-pushes': { type: 'string', default: '300' },
    out: { type: 'string', default: path.join(ROOT, 'bench/results') },
  },
});
const AGENTS = Number(args.agents);
const CONVERSATIONS = Number(args.conversations);
const QUEUED = Number(args.queued);
const log = (msg: string) => process.stderr.write(`${msg}\n`);

interface Summary {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}
function summary(xs: number[]): Summary {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return { n: s.length, p50: round(at(0.5)), p95: round(at(0.95)), p99: round(at(0.99)), max: round(s.at(-1)!), mean: round(s.reduce((a, b) => a + b, 0) / s.length) };
}

// ------------------------------------------------------------------ 1. the model, in Node

const now = Date.now();
const state = floorFixture(AGENTS, CONVERSATIONS, QUEUED, now);
const pushes = floorPushes(state, Number(args.pushes));
log(`floor: ${AGENTS} agents, ${CONVERSATIONS} conversations (${QUEUED} queued); ${pushes.length} pushes`);
let model = floorModel(state, now);
// Warm-up: the first calls compile the code.
for (const p of pushes.slice(0, 200)) floorTables((model = applyPush(model, p)));
model = floorModel(state, now);
const nodeMs: number[] = [];
for (const p of pushes) {
  const t0 = performance.now();
  model = applyPush(model, p);
  const tables = floorTables(model);
  nodeMs.push(performance.now() - t0);
  if (tables.agents.length !== AGENTS) throw new Error('the floor lost agents');
}
const node = summary(nodeMs);
log(`node: apply + tables p50 ${node.p50} ms, p99 ${node.p99} ms`);

// ------------------------------------------------------------------ 2. the view, in Chromium

async function inChromium() {
  const built = await build({
    entryPoints: { page: path.join(ROOT, 'agent-console/src/floor/bench-page.tsx'), styles: path.join(ROOT, 'agent-console/src/styles.css') },
    bundle: true,
    write: false,
    outdir: 'out',
    format: 'iife',
    minify: true,
    jsx: 'automatic',
    jsxImportSource: 'preact',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'warning',
  });
  const file = (ext: string) => built.outputFiles.find((f) => f.path.endsWith(ext))!.text;
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.setContent(`<!doctype html><html lang="en"><head><meta charset="utf-8"><style>${file('.css')}</style></head>
      <body><div id="app" class="console"><div class="panes view"></div></div></body></html>`);
    await page.evaluate(`document.querySelector('.panes.view').id = 'app'; document.querySelector('.console').removeAttribute('id')`);
    await page.addScriptTag({ content: file('.js') });
    await page.evaluate(`window.__floorBench.start(${JSON.stringify(state)})`);
    const rows = await page.evaluate('document.querySelectorAll("tr").length');
    log(`page: floor rendered, ${rows} table rows`);
    const samples: { updateMs: number; paintMs: number }[] = [];
    const n = Number(args['page-pushes']);
    for (const [i, p] of pushes.slice(0, n + 20).entries()) {
      const r = (await page.evaluate(`window.__floorBench.push(${JSON.stringify(p)})`)) as { updateMs: number; paintMs: number };
      if (i >= 20) samples.push(r); // the first ones warm the page up
    }
    mkdirSync(path.dirname(artifact('x')), { recursive: true });
    await page.screenshot({ path: artifact('floor-200x500.png') });
    return { rows, update: summary(samples.map((s) => s.updateMs)), paint: summary(samples.map((s) => s.paintMs)) };
  } finally {
    await browser.close();
  }
}

// ------------------------------------------------------------------ 3. the server's reads, on PGlite

async function serverReads() {
  const { sql, store } = await openTestStore();
  try {
    const day = now - 10 * 3600_000;
    // A day's closed conversations: 90% answered, half rated; then the live ones with their messages.
    await sql.query(`INSERT INTO conversations (id, visitor_id, status, opened_at, first_response_at, closed_at, closed_by, last_seq)
      SELECT 'day-' || i, 'v-' || i, 'closed', to_timestamp(($1::float8 + i * 7000) / 1000),
        CASE WHEN i % 10 = 0 THEN NULL ELSE to_timestamp(($1::float8 + i * 7000 + 15000 + (i % 60) * 1000) / 1000) END,
        to_timestamp(($1::float8 + i * 7000 + 600000) / 1000), 'visitor', 0
      FROM generate_series(1, 5000) i`, [day]);
    await sql.query(`INSERT INTO ratings (conversation_id, visitor_id, score, created_at)
      SELECT 'day-' || i, 'v-' || i, 1 + i % 5, to_timestamp(($1::float8 + i * 7000 + 700000) / 1000) FROM generate_series(2, 5000, 2) i`, [day]);
    await sql.query(`INSERT INTO users (id, email, display_name, role, password_hash) VALUES ('agent-b', 'b@example.test', 'B', 'agent', 'x')`);
    await sql.query(`INSERT INTO conversations (id, visitor_id, agent_id, status, opened_at, last_seq)
      SELECT 'live-' || i, 'lv-' || i, 'agent-b', 'open', to_timestamp(($1::float8 - i * 1000) / 1000), 12 FROM generate_series(1, ${CONVERSATIONS}) i`, [now]);
    await sql.query(`INSERT INTO messages (conversation_id, seq, client_id, author_kind, author_id, kind, body, event, created_at)
      SELECT 'live-' || i, s,
        CASE WHEN s IN (1, 3) THEN NULL ELSE 'c-' || i || '-' || s END,
        CASE WHEN s IN (1, 3) THEN 'system' WHEN s % 2 = 0 THEN 'visitor' ELSE 'agent' END,
        CASE WHEN s IN (1, 3) THEN NULL WHEN s % 2 = 0 THEN 'lv-' || i ELSE 'agent-' || (i % 200) END,
        CASE WHEN s IN (1, 3) THEN 'event' ELSE 'text' END,
        CASE WHEN s IN (1, 3) THEN '' ELSE 'message ' || s END,
        CASE WHEN s = 1 THEN '{"type":"opened"}'::jsonb WHEN s = 3 THEN '{"type":"assigned","agentId":"a","agentName":"A"}'::jsonb END,
        to_timestamp(($1::float8 - i * 1000 + s * 5000) / 1000)
      FROM generate_series(1, ${CONVERSATIONS}) i, generate_series(1, 12) s`, [now]);
    await sql.query('ANALYZE');
    const floor = createFloorStore({ sql });
    const ids = Array.from({ length: CONVERSATIONS }, (_, i) => `live-${i + 1}`);
    const counts: number[] = [];
    const times: number[] = [];
    // Today's figures are the report's total for today; the first read fills the day's facts (a one-off).
    const reports = createReportService({ store: createReportStore({ sql }), clock: { now: () => now } });
    let check = await reports.today();
    for (let i = 0; i < 22; i++) {
      let t0 = performance.now();
      check = await reports.today();
      if (i >= 2) counts.push(performance.now() - t0);
      t0 = performance.now();
      const t = await floor.conversationTimes(ids);
      if (i >= 2) times.push(performance.now() - t0);
      if (t.length !== CONVERSATIONS) throw new Error('conversation times missing');
    }
    log(`reads: ${JSON.stringify({ day: check.day, started: check.total.started, closed: check.total.closed, rated: check.total.rated })}`);
    return { dayCounts: summary(counts), conversationTimes: summary(times) };
  } finally {
    await store.close();
    await sql.close();
  }
}

void (async () => {
  const reads = await serverReads();
  const page = await inChromium();
  const result = {
    at: new Date().toISOString(),
    host: { cpus: os.cpus().length, load: os.loadavg() },
    floor: { agents: AGENTS, conversations: CONVERSATIONS, queued: QUEUED },
    nodeApplyAndTablesMs: node,
    chromium: page,
    serverReadsMs: reads,
  };
  const table = [
    '| what (200 agents, 500 conversations) | n | p50 ms | p95 ms | p99 ms | max ms |',
    '|---|---|---|---|---|---|',
    `| Node: applyPush + floorTables | ${node.n} | ${node.p50} | ${node.p95} | ${node.p99} | ${node.max} |`,
    `| Chromium: push → view updated (DOM committed) | ${page.update.n} | ${page.update.p50} | ${page.update.p95} | ${page.update.p99} | ${page.update.max} |`,
    `| Chromium: push → frame painted | ${page.paint.n} | ${page.paint.p50} | ${page.paint.p95} | ${page.paint.p99} | ${page.paint.max} |`,
    `| PGlite: today's counts (5,500 conversations today, 2,500 ratings) | ${reads.dayCounts.n} | ${reads.dayCounts.p50} | ${reads.dayCounts.p95} | ${reads.dayCounts.p99} | ${reads.dayCounts.max} |`,
    `| PGlite: times of the ${CONVERSATIONS} live conversations (12 messages each) | ${reads.conversationTimes.n} | ${reads.conversationTimes.p50} | ${reads.conversationTimes.p95} | ${reads.conversationTimes.p99} | ${reads.conversationTimes.max} |`,
  ].join('\n');
  process.stdout.write(`${table}\n`);
  mkdirSync(args.out!, { recursive: true });
  const file = path.join(args.out!, `floor-update-${result.at.slice(0, 16).replace(/:/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  log(`wrote ${path.relative(ROOT, file)}`);
})().catch((err) => {
  log(String(err?.stack ?? err));
  process.exit(1);
});
