/**
 * Report query times on a year of data: N conversations (default 100,000) with 10 rows each in
 * messages (1,000,000), generated inside the database, on PGlite and on a fresh PostgreSQL
 * database. Run: `npx tsx bench/reports.ts [conversations] [pglite|postgres|both]`.
 *
 * Prints, per database: the generation time; the one-off filling of conversation_facts and the
 * roll-ups for the whole year, in steps as the start-up job does it (the longest step, and how
 * long a `SELECT 1` issued meanwhile waited at most); the roll-ups' size and dead rows before and
 * after the VACUUM that ends it; a day of closes counted again (by the next report, as after
 * ratings or filed wrap-ups); then
 * each view's time through the report service (median and worst of 5 runs, facts already
 * filled), against the 200 ms target. `--trace` adds each statement's time for every view.
 */
import { createReportService } from '../server/domain/reports';
import type { ReportGroupBy } from '../shared/reports';
import { createReportStore } from '../server/store/sql/reports';
import { fillLine, fillWithProbe } from './lib/fill-probe';
import { AGENTS, END, fiveRuns, ms as f, N, onEachDatabase, timed, TRACE, tracer, TZ, WHICH, YEAR_MS } from './lib/year-bench';
import { generateReportHistory } from '../test/helpers/report-history';


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

onEachDatabase(WHICH, async (sql, kind) => {
  console.log(`\n## ${kind}: ${N.toLocaleString('en')} conversations, ${(N * 10).toLocaleString('en')} messages`);
  const [gen] = await timed(() => generateReportHistory(sql, { conversations: N, end: END, spanMs: YEAR_MS, agents: AGENTS }));
  const messages = (await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM messages')).rows[0].n;
  console.log(`generated in ${(gen / 1000).toFixed(1)} s (${messages.toLocaleString('en')} message rows)`);

  const trace = tracer(sql);
  const reports = createReportService({ store: createReportStore({ sql: trace.sql }), clock: { now: () => END }, timeZone: () => TZ });
  const lead = { id: 'lead', role: 'lead' as const };
  const ask = (v: (typeof VIEWS)[number]) =>
    reports.report({ from: v.days[0], to: v.days[1], groupBy: v.groupBy, serviceLevelSeconds: 20 }, v.agent ? { id: 'agent-3', role: 'agent' } : lead);

  // The first report finds the year uncounted: it answers at once, saying so.
  const [first, firstReport] = await timed(() => ask(VIEWS[0]));
  console.log(`the first report, history uncounted: ${f(first)} (counting ${JSON.stringify(firstReport.counting)})`);
  const sizes = async (when: string) => {
    const r = (await sql.query<{ rows: number; table: number; index: number; dead: number | null }>(
      `SELECT (SELECT count(*) FROM report_rollups)::int AS rows, pg_relation_size('report_rollups')::float8 AS table,
         pg_relation_size('report_rollups_pkey')::float8 AS index,
         (SELECT n_dead_tup FROM pg_stat_user_tables WHERE relname = 'report_rollups')::float8 AS dead`,
    )).rows[0];
    const mb = (b: number) => `${(b / 1048576).toFixed(1)} MB`;
    console.log(`roll-ups ${when}: ${r.rows.toLocaleString('en')} rows, table ${mb(r.table)}, primary key ${mb(r.index)}, dead rows (statistics) ${r.dead ?? '?'}`);
  };
  const filled = await fillWithProbe(sql, reports.filler, () => sizes('after the steps'));
  console.log(fillLine('one-off: facts and roll-ups of the whole year, in steps', filled));
  await sizes('after VACUUM');
  // The last day's closes as if they had just happened: marked, as a filed wrap-up or a rating marks them.
  await sql.query(`INSERT INTO report_dirty SELECT conversation_id FROM conversation_facts WHERE closed_at >= to_timestamp($1::float8 / 1000)`, [END - 86_400_000]);
  const [day] = await timed(() => ask(VIEWS[0]));
  console.log(`a day of closes counted again by the next report (${N / 365 | 0} chats):   ${f(day)}`);
  await sql.query('ANALYZE');

  console.log('\n| view | rows | median | worst | < 200 ms |\n|---|---|---|---|---|');
  for (const v of VIEWS) {
    const { times, last } = await fiveRuns(() => ask(v));
    if (TRACE) {
      trace.on = true;
      await ask(v);
      trace.on = false;
    }
    const rows = last.rows.length;
    console.log(`| ${v.name} | ${rows} | ${f(times[2])} | ${f(times[4])} | ${times[2] < 200 ? 'yes' : 'NO'} |`);
  }
});
