/**
 * Report query times on a year of data: N conversations (default 100,000) with 10 rows each in
 * messages (1,000,000), generated inside the database, on PGlite and on a fresh PostgreSQL
 * database. Run: `npx tsx bench/reports.ts [conversations] [pglite|postgres|both]`.
 *
 * Prints, per database: the generation time; the one-off filling of conversation_facts and the
 * roll-ups for the whole year (by the first report); a day of closes counted again (by the next
 * report, as after ratings or filed wrap-ups); then
 * each view's time through the report service (median and worst of 5 runs, facts already
 * filled), against the 200 ms target. `--trace` adds each statement's time for every view.
 */
import { performance } from 'node:perf_hooks';
import { createReportService } from '../server/domain/reports';
import type { ReportGroupBy } from '../shared/rest';
import { createReportStore } from '../server/store/sql/reports';
import type { SqlClient } from '../server/store/sql/types';
import { openTestStore } from '../test/helpers/chat';
import { createTestDatabase } from '../test/helpers/postgres';

const N = Number(process.argv[2] ?? 100_000);
const WHICH = process.argv[3] ?? 'both';
/** `--trace`: also print each statement's time of one run of the year views. */
const TRACE = process.argv.includes('--trace');
const AGENTS = 20;
const TZ = 'Asia/Shanghai';
/** The data set covers the year before this instant (2026-12-31 local, noon). */
const END = Date.parse('2026-12-31T12:00:00+08:00');
const YEAR_MS = 365 * 86_400_000;

/**
 * One row per conversation, ten per conversation in messages. Every 10th chat is missed (no
 * agent reply, no assignment), every 7th transferred, 40 % rated; five departments, every
 * sixth chat in none. Times vary with cheap hashes
 * of the row number so medians and percentiles have something to sort.
 */
const GENERATE = [
  `INSERT INTO users (id, email, display_name, role, password_hash)
   SELECT 'agent-' || g, 'agent' || g || '@bench.test', 'Agent ' || g, 'agent', 'x' FROM generate_series(1, ${AGENTS}) g`,
  `INSERT INTO departments (id, name, created_at) SELECT 'dep-' || g, 'Department ' || g, now() FROM generate_series(1, 5) g`,
  `INSERT INTO conversations (id, visitor_id, agent_id, status, opened_at, first_response_at, closed_at, closed_by, close_category, last_seq, department_id)
   SELECT 'c' || g, 'v' || g, CASE WHEN g % 10 = 0 THEN NULL ELSE 'agent-' || (g % ${AGENTS} + 1) END, 'closed',
     to_timestamp($1::float8 / 1000) + g * ($2::float8 / $3) * interval '1 ms',
     CASE WHEN g % 10 = 0 THEN NULL ELSE to_timestamp($1::float8 / 1000) + g * ($2::float8 / $3) * interval '1 ms' + (5 + g % 37 + g % 11) * interval '1 s' END,
     to_timestamp($1::float8 / 1000) + g * ($2::float8 / $3) * interval '1 ms' + (600 + g % 900) * interval '1 s', 'agent',
     (ARRAY['order', 'product', 'delivery', 'payment', 'other'])[g % 5 + 1], 10,
     CASE WHEN g % 6 = 0 THEN NULL ELSE 'dep-' || (g % 5 + 1) END
   FROM generate_series(1, $3::int) g`,
  // Seq 1 visitor, 2 queued, 3 assigned, 4 agent, 5–6 visitor (a run of two), 7 agent, 8 visitor,
  // 9 agent, 10 closed; a missed chat has visitor texts and events only.
  `INSERT INTO messages (conversation_id, seq, author_kind, author_id, kind, body, event, created_at)
   SELECT c.id, s,
     CASE WHEN s IN (2, 3, 10) THEN 'system' WHEN s IN (4, 7, 9) AND c.agent_id IS NOT NULL THEN 'agent' ELSE 'visitor' END,
     CASE WHEN s IN (2, 3, 10) THEN NULL WHEN s IN (4, 7, 9) AND c.agent_id IS NOT NULL THEN c.agent_id ELSE c.visitor_id END,
     CASE WHEN s IN (2, 3, 10) THEN 'event' ELSE 'text' END,
     CASE WHEN s IN (2, 3, 10) THEN '' ELSE 'message ' || s END,
     CASE s
       WHEN 2 THEN '{"type":"queued","position":1}'::jsonb
       WHEN 3 THEN CASE WHEN c.agent_id IS NULL THEN '{"type":"queued","position":1}'::jsonb
                   WHEN n % 7 = 0 THEN jsonb_build_object('type', 'transferred', 'fromAgentId', 'agent-1', 'toAgentId', c.agent_id)
                   ELSE jsonb_build_object('type', 'assigned', 'agentId', c.agent_id, 'agentName', 'x') END
       WHEN 10 THEN '{"type":"closed","by":"agent","byId":null}'::jsonb
     END,
     c.opened_at + CASE s WHEN 1 THEN 0 WHEN 2 THEN 0 WHEN 3 THEN 2 + n % 13 WHEN 4 THEN 5 + n % 37 + n % 11
       WHEN 5 THEN 60 WHEN 6 THEN 70 WHEN 7 THEN 90 + n % 50 WHEN 8 THEN 200 WHEN 9 THEN 220 + n % 90 ELSE 600 + n % 900 END * interval '1 s'
   FROM (SELECT id, agent_id, visitor_id, opened_at, substr(id, 2)::int AS n FROM conversations) c
   CROSS JOIN generate_series(1, 10) s`,
  // Transferred chats get their assignment too (seq 11), before the first reply.
  `INSERT INTO messages (conversation_id, seq, author_kind, kind, body, event, created_at)
   SELECT c.id, 11, 'system', 'event', '', jsonb_build_object('type', 'assigned', 'agentId', c.agent_id, 'agentName', 'x'), c.opened_at + interval '3 s'
   FROM conversations c WHERE c.agent_id IS NOT NULL AND substr(c.id, 2)::int % 7 = 0`,
  `INSERT INTO ratings (conversation_id, visitor_id, score, created_at)
   SELECT id, visitor_id, (substr(id, 2)::int % 5) + 1, closed_at FROM conversations WHERE substr(id, 2)::int % 5 < 2`,
  'ANALYZE',
];

const VIEWS: { name: string; days: [string, string]; groupBy: ReportGroupBy; agent?: boolean }[] = [
  { name: 'a day by agent', days: ['2026-12-30', '2026-12-30'], groupBy: 'agent' },
  { name: 'a week by day', days: ['2026-12-21', '2026-12-27'], groupBy: 'day' },
  { name: 'a month by agent', days: ['2026-11-01', '2026-11-30'], groupBy: 'agent' },
  { name: 'a month by category', days: ['2026-11-01', '2026-11-30'], groupBy: 'category' },
  { name: 'a month by department', days: ['2026-11-01', '2026-11-30'], groupBy: 'department' },
  { name: 'a month by day', days: ['2026-11-01', '2026-11-30'], groupBy: 'day' },
  { name: 'a month, one agent (agent view)', days: ['2026-11-01', '2026-11-30'], groupBy: 'day', agent: true },
  { name: 'a quarter by week', days: ['2026-10-01', '2026-12-31'], groupBy: 'week' },
  { name: 'a year by month', days: ['2026-01-01', '2026-12-31'], groupBy: 'month' },
  { name: 'a year by agent', days: ['2026-01-01', '2026-12-31'], groupBy: 'agent' },
  { name: 'a year by category', days: ['2026-01-01', '2026-12-31'], groupBy: 'category' },
  { name: 'a year by department', days: ['2026-01-01', '2026-12-31'], groupBy: 'department' },
  { name: 'a year by week', days: ['2026-01-01', '2026-12-31'], groupBy: 'week' },
  { name: 'a year, one agent by category (agent view)', days: ['2026-01-01', '2026-12-31'], groupBy: 'category', agent: true },
  { name: '400 days by month, mid-month to mid-month', days: ['2025-11-20', '2026-12-24'], groupBy: 'month' },
];

const timed = async <T>(fn: () => Promise<T>): Promise<[number, T]> => {
  const t0 = performance.now();
  const r = await fn();
  return [performance.now() - t0, r];
};
const f = (ms: number) => `${ms.toFixed(0).padStart(7)} ms`;

async function run(kind: 'pglite' | 'postgres') {
  const pg = kind === 'postgres' ? await createTestDatabase() : undefined;
  const { sql, store } = await openTestStore(pg?.url);
  try {
    console.log(`\n## ${kind}: ${N.toLocaleString('en')} conversations, ${(N * 10).toLocaleString('en')} messages`);
    const [gen] = await timed(async () => {
      for (const statement of GENERATE) await sql.query(statement, statement.includes('$3') ? [END - YEAR_MS, YEAR_MS, N] : []);
    });
    const messages = (await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM messages')).rows[0].n;
    console.log(`generated in ${(gen / 1000).toFixed(1)} s (${messages.toLocaleString('en')} message rows)`);

    let trace = false;
    const tracing = (client: Pick<SqlClient, 'query'>): Pick<SqlClient, 'query'> => ({
      async query(text, params) {
        const t0 = performance.now();
        const r = await client.query(text, params);
        if (trace) console.log(`  ${f(performance.now() - t0)}  ${text.replace(/\s+/g, ' ').slice(0, 90)}`);
        return r as never;
      },
    });
    const traced: Pick<SqlClient, 'query' | 'transaction'> = { ...tracing(sql), transaction: (fn) => sql.transaction((tx) => fn(tracing(tx))) };
    const reports = createReportService({ store: createReportStore({ sql: traced }), clock: { now: () => END }, timeZone: () => TZ });
    const lead = { id: 'lead', role: 'lead' as const };
    const ask = (v: (typeof VIEWS)[number]) =>
      reports.report({ from: v.days[0], to: v.days[1], groupBy: v.groupBy, serviceLevelSeconds: 20 }, v.agent ? { id: 'agent-3', role: 'agent' } : lead);

    const [fill] = await timed(() => ask(VIEWS[0]));
    const rollups = (await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM report_rollups')).rows[0].n;
    console.log(`one-off: facts and roll-ups of the whole year by the first report: ${f(fill)} (${rollups.toLocaleString('en')} roll-up rows)`);
    // The last day's closes as if they had just happened: marked, as a filed wrap-up or a rating marks them.
    await sql.query(`INSERT INTO report_dirty SELECT conversation_id FROM conversation_facts WHERE closed_at >= to_timestamp($1::float8 / 1000)`, [END - 86_400_000]);
    const [day] = await timed(() => ask(VIEWS[0]));
    console.log(`a day of closes counted again by the next report (${N / 365 | 0} chats):   ${f(day)}`);
    await sql.query('ANALYZE');

    console.log('\n| view | rows | median | worst | < 200 ms |\n|---|---|---|---|---|');
    for (const v of VIEWS) {
      const times: number[] = [];
      let rows = 0;
      for (let i = 0; i < 5; i++) {
        const [ms, r] = await timed(() => ask(v));
        times.push(ms);
        rows = r.rows.length;
      }
      times.sort((a, b) => a - b);
      if (TRACE) {
        trace = true;
        await ask(v);
        trace = false;
      }
      console.log(`| ${v.name} | ${rows} | ${f(times[2])} | ${f(times[4])} | ${times[2] < 200 ? 'yes' : 'NO'} |`);
    }
  } finally {
    await store.close();
    await sql.close();
    await pg?.drop();
  }
}

async function main() {
  if (WHICH !== 'postgres') await run('pglite');
  if (WHICH !== 'pglite') await run('postgres');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
