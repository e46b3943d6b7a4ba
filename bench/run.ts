/**
 * Runs the bench: `npx tsx bench/run.ts [--smoke] [--out DIR] [--only 1,3]`.
 *
 * Full profile (npm run bench): every scenario, results in bench/results/<date>.{json,md,svg}.
 * Smoke profile (npm run bench:smoke): every scenario for a few seconds, results in a temp
 * directory (or --out). Prints the results table and the output paths; exits 1 if a scenario
 * failed. Scenarios run one after the other, each starting and stopping its own servers; one
 * private redis-server serves the whole run.
 */
import { execSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { FULL, SMOKE } from './config';
import { ROOT } from './lib/processes';
import { RAISED_RATE_LIMITS, startBenchRedis } from './lib/product';
import { chartFor, markdown, resultsTable } from './lib/report';
import type { BenchResults, HostInfo, ScenarioResult } from './lib/results';
import { assignment } from './scenarios/assignment';
import type { Context, Scenario } from './scenarios/common';
import { connections } from './scenarios/connections';
import { crossProcess } from './scenarios/cross-process';
import { messagePath } from './scenarios/message-path';
import { soak } from './scenarios/soak';
import { widget } from './scenarios/widget';

export const SCENARIOS: [id: string, title: string, run: Scenario][] = [
  ['1', 'Message path, one process', messagePath],
  ['2', 'Across two processes', crossProcess],
  ['3', 'Assignment and queue positions', assignment],
  ['4', 'Idle connections', connections],
  ['5', 'Soak', soak],
  ['6', 'Widget', widget],
];

const sh = (cmd: string) => {
  try {
    return execSync(cmd, { shell: '/bin/bash', stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    return '';
  }
};

/** Load and the busiest other processes: absolute figures depend on them. */
const loadSnapshot = () => ({ uptime: sh('uptime'), top: sh('top -b -n 1 -w 200 | head -n 17') });

function hostInfo(): HostInfo {
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? '?',
    memoryGiB: os.totalmem() / 2 ** 30,
    node: process.version,
    openFilesLimit: sh('ulimit -n'),
    before: loadSnapshot(),
  };
}

const stamp = (d: Date) => d.toISOString().slice(0, 16).replace(':', '-');

async function main() {
  const { values } = parseArgs({ options: { smoke: { type: 'boolean' }, out: { type: 'string' }, only: { type: 'string' } } });
  const profile = values.smoke ? SMOKE : FULL;
  const only = values.only?.split(',').map((s) => s.trim());
  const started = new Date();
  const outDir = values.out ?? (values.smoke ? mkdtempSync(path.join(os.tmpdir(), 'ls-bench-smoke-')) : path.join(ROOT, 'bench/results'));
  mkdirSync(outDir, { recursive: true });
  const log = (msg: string) => process.stderr.write(`${msg}\n`);

  const results: BenchResults = {
    version: 1,
    profile: profile.name,
    startedAt: started.toISOString(),
    finishedAt: '',
    host: hostInfo(),
    rateLimits: {
      note: 'Product servers run with rate limits raised through the environment, so the bench measures throughput, not the limiter (which still runs on every message)',
      env: RAISED_RATE_LIMITS,
    },
    scenarios: [],
  };
  log(`bench (${profile.name}): ${results.host.before.uptime}`);
  const redis = await startBenchRedis();
  try {
    for (const [id, title, run] of SCENARIOS) {
      if (only && !only.includes(id)) continue;
      log(`scenario ${id}: ${title}`);
      const t0 = performance.now();
      const ctx: Context = { profile, redis, log };
      let result: ScenarioResult;
      try {
        result = { ...(await run(ctx)), durationMs: performance.now() - t0 };
      } catch (err) {
        const error = err instanceof Error ? (err.stack ?? err.message) : String(err);
        log(`  FAILED: ${error}`);
        result = { id, title, rows: [], details: {}, notes: [], durationMs: performance.now() - t0, error };
      }
      log(`  (${(result.durationMs / 1000).toFixed(1)} s)`);
      results.scenarios.push(result);
    }
  } finally {
    await redis.stop();
  }
  results.finishedAt = new Date().toISOString();
  results.host.after = loadSnapshot();

  const base = path.join(outDir, stamp(started));
  const svgName = `${path.basename(base)}.svg`;
  writeFileSync(`${base}.json`, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(`${base}.svg`, chartFor(results));
  writeFileSync(`${base}.md`, markdown(results, svgName));
  process.stdout.write(`${resultsTable(results.scenarios.flatMap((s) => s.rows))}\n\n`);
  process.stdout.write(`${results.rateLimits.note}.\nResults: ${base}.json, ${base}.md, ${base}.svg\n`);
  const failed = results.scenarios.filter((s) => s.error);
  if (failed.length) {
    log(`failed scenarios: ${failed.map((s) => s.id).join(', ')}`);
    process.exitCode = 1;
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
