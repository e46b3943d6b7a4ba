/**
 * Transcript search on a large store: how long `GET /transcripts` takes at the SQL level for
 * a Chinese phrase and an English word, alone and narrowed by date or agent, and how fast the
 * export streams every match. The text filter is a substring test over message bodies (no
 * trigram index), so this is the figure that says when it stops being enough.
 *
 *   npx tsx bench/transcript-search.ts                         # PGlite, 20,000 conversations × 10 messages
 *   npx tsx bench/transcript-search.ts --conversations 50000
 *   npx tsx bench/transcript-search.ts --postgres               # a fresh database on TEST_POSTGRES_URL's server
 *
 * Prints a table (p50 / p95 ms over the rounds) and writes JSON to bench/results/.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { createTranscriptSearchService } from '../server/domain/transcript-search';
import type { TranscriptFilter } from '../server/domain/ports/transcript-search';
import { createTranscriptSearchStore } from '../server/store/sql/transcript-search';
import { openTestStore } from '../test/helpers/chat';
import { createTestDatabase } from '../test/helpers/postgres';

const { values: args } = parseArgs({
  options: {
    conversations: { type: 'string', default: '20000' },
    messages: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '20' },
    postgres: { type: 'boolean', default: false },
  },
});
const N = Number(args.conversations);
const M = Number(args.messages);
const ROUNDS = Number(args.rounds);
const AGENTS = 20;
const DAY = 86_400_000;
const T0 = Date.parse('2026-01-01T00:00:00Z');
/** Conversations are spread over this many days, so a one-day range holds about N / DAYS. */
const DAYS = 100;

// Ordinary lines; one conversation in 100 holds the rare Chinese phrase, one in 10 the English word.
const LINES = [
  '您好，请问有什么可以帮您？', '我想查询一下订单的物流信息。', '好的，请提供您的订单号。', '订单号是 20260101123。',
  'Hello, how can I help you today?', 'My parcel has not arrived yet.', 'Let me check the tracking for you.', 'Thanks, have a nice day!',
  '发票可以在订单详情页申请。', '请问支持货到付款吗？', 'Can I change the delivery address?', 'Sure, I have updated it.',
];

function pct(xs: number[], p: number) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

async function main() {
  const pgDb = args.postgres ? await createTestDatabase() : undefined;
  const { sql, store } = await openTestStore(pgDb?.url);
  const started = performance.now();
  await sql.query(
    `INSERT INTO users (id, email, display_name, role, password_hash)
     SELECT 'agent-' || g, 'agent-' || g || '@bench.example', 'Agent ' || g, 'agent', 'x' FROM generate_series(1, $1::int) g`,
    [AGENTS],
  );
  await sql.query(
    `INSERT INTO conversations (id, visitor_id, agent_id, status, opened_at, first_response_at, closed_at, closed_by, closed_by_id, close_category, last_seq)
     SELECT 'c-' || g, 'v-' || g, 'agent-' || (g % $2::int + 1), 'closed',
       to_timestamp(($3::float8 + (g::float8 / $1::int) * $4::float8 * $5::float8) / 1000),
       to_timestamp(($3::float8 + (g::float8 / $1::int) * $4::float8 * $5::float8 + 20000) / 1000),
       to_timestamp(($3::float8 + (g::float8 / $1::int) * $4::float8 * $5::float8 + 300000) / 1000),
       'agent', 'agent-' || (g % $2::int + 1), (ARRAY['inquiry','complaint','order','after_sales','other'])[g % 5 + 1], $6::int
     FROM generate_series(1, $1::int) g`,
    [N, AGENTS, T0, DAYS, DAY, M],
  );
  await sql.query(
    `INSERT INTO messages (conversation_id, seq, author_kind, author_id, kind, body, created_at)
     SELECT 'c-' || g, s, CASE WHEN s % 2 = 1 THEN 'visitor' ELSE 'agent' END, NULL, 'text',
       CASE WHEN s = 2 AND g % 100 = 0 THEN '收到的商品有质量问题，我想退货可以吗？'
            WHEN s = 3 AND g % 10 = 0 THEN 'I would like a refund for this order.'
            ELSE ($3::text[])[(g * 7 + s) % array_length($3::text[], 1) + 1] END,
       to_timestamp(($4::float8 + (g::float8 / $1::int) * $5::float8 * $6::float8 + s * 1000) / 1000)
     FROM generate_series(1, $1::int) g, generate_series(1, $2::int) s`,
    [N, M, LINES, T0, DAYS, DAY],
  );
  await sql.query('ANALYZE');
  const loadMs = performance.now() - started;

  const search = createTranscriptSearchService({ store: createTranscriptSearchStore({ sql }) });
  const lead = { id: 'lead', role: 'lead' as const };
  const day = { from: T0 + 50 * DAY, to: T0 + 51 * DAY };
  const cases: [string, TranscriptFilter][] = [
    ['Chinese phrase 质量问题 (1% of conversations)', { text: '质量问题' }],
    ['English word "refund" (10%)', { text: 'refund' }],
    ['no match', { text: '没有这句话' }],
    ['Chinese phrase, one day', { text: '质量问题', ...day }],
    ['English word, one agent (1 in 20)', { text: 'refund', agentId: 'agent-1' }],
    ['no text, one day', { ...day }],
    ['visitor name (no match)', { visitor: 'nobody@example' }],
  ];
  const rows: { case: string; p50: number; p95: number; matches: number }[] = [];
  for (const [name, filter] of cases) {
    const times: number[] = [];
    let matches = 0;
    for (let r = 0; r < ROUNDS; r++) {
      const t = performance.now();
      const page = await search.search(lead, filter, { limit: 20 });
      times.push(performance.now() - t);
      matches = page.items.length;
    }
    rows.push({ case: name, p50: pct(times, 50), p95: pct(times, 95), matches });
  }

  // The export of every conversation holding the English word: chunked keyset reads.
  const t = performance.now();
  let exported = 0;
  for await (const chunk of search.export(lead, { text: 'refund' })) exported += chunk.length;
  const exportMs = performance.now() - t;

  const backend = pgDb ? 'postgres' : 'pglite';
  console.log(`\nTranscript search, ${backend}: ${N} conversations × ${M} messages (${N * M} messages), loaded in ${(loadMs / 1000).toFixed(1)} s`);
  console.log(`${cpus().length} CPUs, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
  console.log('| search (first page of 20) | p50 ms | p95 ms | rows |');
  console.log('|---|---:|---:|---:|');
  for (const r of rows) console.log(`| ${r.case} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.matches} |`);
  console.log(`\nExport of every "refund" match: ${exported} rows in ${exportMs.toFixed(0)} ms (${Math.round(exported / (exportMs / 1000))} rows/s)\n`);

  const dir = path.join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `transcript-search-${backend}-${new Date().toISOString().slice(0, 16).replace(':', '-')}.json`);
  writeFileSync(file, JSON.stringify({ backend, conversations: N, messagesPerConversation: M, rounds: ROUNDS, loadavg: loadavg(), rows, export: { rows: exported, ms: exportMs } }, null, 2));
  console.log(`written ${path.relative(process.cwd(), file)}`);

  await store.close();
  await sql.close();
  await pgDb?.drop();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
