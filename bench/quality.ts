/**
 * Quality review on a year of data: N closed conversations (default 100,000) with 10 rows each in
 * messages (1,000,000), Chinese and English texts, routines' greetings on half of them, generated
 * inside the database, on PGlite and on a fresh PostgreSQL database.
 * Run: `npx tsx bench/quality.ts [conversations] [pglite|postgres|both]`.
 *
 * Prints, per database: the one-off scoring of the whole year, in steps as the start-up job does it
 * (the longest step, and how long a `SELECT 1` issued meanwhile waited at most), the scoring of
 * one new day of closes (by the next read), then each view's time through the quality
 * service (median and worst of 5 runs, scores already stored) against the 200 ms target.
 */
import { DEFAULT_QUALITY_SETTINGS } from '../server/domain/quality/defaults';
import { createQualityService } from '../server/domain/quality/service';
import { createQualityStore } from '../server/store/sql/quality';
import { fillLine, fillWithProbe } from './lib/fill-probe';
import { AGENTS, END, fiveRuns, ms as f, N, onEachDatabase, timed, TRACE, tracer, TZ, WHICH, YEAR_MS } from './lib/year-bench';


/**
 * Every 10th chat nobody took (visitor texts only); every other chat greeted by the routine
 * (seq 3); agents' texts drawn from polite, curt and rude ones in both languages; a fifth closed
 * without a category.
 */
const GENERATE = [
  `INSERT INTO users (id, email, display_name, role, password_hash)
   SELECT 'agent-' || g, 'agent' || g || '@bench.test', 'Agent ' || g, 'agent', 'x' FROM generate_series(1, ${AGENTS}) g`,
  `INSERT INTO conversations (id, visitor_id, agent_id, status, opened_at, closed_at, closed_by, close_category, last_seq)
   SELECT 'c' || g, 'v' || g, CASE WHEN g % 10 = 0 THEN NULL ELSE 'agent-' || (g % ${AGENTS} + 1) END, 'closed',
     to_timestamp($1::float8 / 1000) + g * ($2::float8 / $3) * interval '1 ms',
     to_timestamp($1::float8 / 1000) + g * ($2::float8 / $3) * interval '1 ms' + (600 + g % 900) * interval '1 s',
     CASE WHEN g % 3 = 0 THEN 'visitor' ELSE 'agent' END,
     CASE WHEN g % 5 = 0 THEN NULL ELSE 'order' END, 10
   FROM generate_series(1, $3::int) g`,
  // Seq 1 visitor, 2 assigned, 3 greeting routine (or a visitor text), 4 agent, 5–6 visitor,
  // 7 agent, 8 visitor, 9 agent, 10 closed.
  `INSERT INTO messages (conversation_id, seq, client_id, author_kind, author_id, kind, body, event, created_at)
   SELECT c.id, s,
     CASE WHEN s = 3 AND n % 2 = 0 AND c.agent_id IS NOT NULL THEN 'auto:greeting:' || c.id END,
     CASE WHEN s IN (2, 10) THEN 'system' WHEN c.agent_id IS NOT NULL AND (s IN (4, 7, 9) OR (s = 3 AND n % 2 = 0)) THEN 'agent' ELSE 'visitor' END,
     CASE WHEN s IN (2, 10) THEN NULL WHEN c.agent_id IS NOT NULL AND (s IN (4, 7, 9) OR (s = 3 AND n % 2 = 0)) THEN c.agent_id ELSE c.visitor_id END,
     CASE WHEN s IN (2, 10) THEN 'event' ELSE 'text' END,
     CASE WHEN s IN (2, 10) THEN ''
          WHEN c.agent_id IS NOT NULL AND s IN (3, 4, 7, 9)
            THEN (ARRAY['您好，请问有什么可以帮您？', '请稍等，正在为您查询', '不知道，你自己看', 'Hello, please hold on.', 'Thanks, bye!', '好的'])[(n + s) % 6 + 1]
          ELSE (ARRAY['在吗？', '我的订单还没到', 'where is my parcel?', '谢谢'])[(n + s) % 4 + 1] END,
     CASE s
       WHEN 2 THEN CASE WHEN c.agent_id IS NULL THEN '{"type":"queued","position":1}'::jsonb
                   ELSE jsonb_build_object('type', 'assigned', 'agentId', c.agent_id, 'agentName', 'x') END
       WHEN 10 THEN jsonb_build_object('type', 'closed', 'by', c.closed_by, 'byId', NULL)
     END,
     c.opened_at + CASE s WHEN 1 THEN 0 WHEN 2 THEN 1 WHEN 3 THEN 2 WHEN 4 THEN 5 + n % 37 + n % 31
       WHEN 5 THEN 120 WHEN 6 THEN 130 WHEN 7 THEN 150 + n % 200 WHEN 8 THEN 400 WHEN 9 THEN 420 + n % 90 ELSE 600 + n % 900 END * interval '1 s'
   FROM (SELECT id, agent_id, visitor_id, opened_at, closed_by, substr(id, 2)::int AS n FROM conversations) c
   CROSS JOIN generate_series(1, 10) s`,
  'ANALYZE',
];

const VIEWS: { name: string; days: [string, string]; agent?: boolean }[] = [
  { name: 'a day', days: ['2026-12-30', '2026-12-30'] },
  { name: 'a week', days: ['2026-12-21', '2026-12-27'] },
  { name: 'a month', days: ['2026-11-01', '2026-11-30'] },
  { name: 'a month, one agent (agent view)', days: ['2026-11-01', '2026-11-30'], agent: true },
  { name: 'a quarter', days: ['2026-10-01', '2026-12-31'] },
  { name: 'a year', days: ['2026-01-01', '2026-12-31'] },
];

onEachDatabase(WHICH, async (sql, kind) => {
  console.log(`\n## ${kind}: ${N.toLocaleString('en')} conversations, ${(N * 10).toLocaleString('en')} messages`);
  const [gen] = await timed(async () => {
    for (const statement of GENERATE) await sql.query(statement, statement.includes('$3') ? [END - YEAR_MS, YEAR_MS, N] : []);
  });
  console.log(`generated in ${(gen / 1000).toFixed(1)} s`);

  const trace = tracer(sql);
  const quality = createQualityService({ store: createQualityStore({ sql: trace.sql }), clock: { now: () => END }, rules: async () => DEFAULT_QUALITY_SETTINGS, timeZone: () => TZ });
  const lead = { id: 'lead', role: 'lead' as const };
  const ask = (v: (typeof VIEWS)[number]) => quality.report({ from: v.days[0], to: v.days[1] }, v.agent ? { id: 'agent-3', role: 'agent' } : lead);

  const [first, firstReport] = await timed(() => ask(VIEWS[VIEWS.length - 1]));
  console.log(`the first read, history unscored: ${f(first)} (counting ${JSON.stringify(firstReport.counting)})`);
  console.log(fillLine('one-off: the whole year scored, in steps', await fillWithProbe(sql, quality.filler)));
  await sql.query(`DELETE FROM conversation_quality WHERE closed_at >= to_timestamp($1::float8 / 1000)`, [END - 86_400_000]);
  const [day] = await timed(() => ask(VIEWS[0]));
  console.log(`a day of new closes scored by the next read:                  ${f(day)}`);
  await sql.query('ANALYZE conversation_quality');

  console.log('\n| view (by agent) | median | worst | < 200 ms |\n|---|---|---|---|');
  for (const v of VIEWS) {
    const { times } = await fiveRuns(() => ask(v));
    console.log(`| ${v.name} | ${f(times[2])} | ${f(times[4])} | ${times[2] < 200 ? 'yes' : 'NO'} |`);
    if (TRACE && v.days[0] === '2026-01-01') {
      trace.on = true;
      await ask(v);
      trace.on = false;
    }
  }
  const { times: one } = await fiveRuns(() => quality.conversation(lead, `c${Math.floor(N / 2) + 1}`));
  console.log(`| one transcript's findings | ${f(one[2])} | ${f(one[4])} | ${one[2] < 200 ? 'yes' : 'NO'} |`);
});
