/**
 * Profiles the product's message path: one server process started with `node --cpu-prof`,
 * under scenario 1's load (visitor/agent pairs, a lead watching 10%), then a summary of the
 * profile: top functions by self time, and self time by area (product file, package, V8/GC).
 *
 *   npx tsx bench/profile.ts [--mode redis+postgres|embedded] [--rate 3000] [--seconds 15] [--pairs 100] [--out DIR]
 *   npx tsx bench/profile.ts --arrivals 200 [--mode …] [--seconds 10]   (scenario 3's load: new conversations/s)
 *
 * Writes the raw .cpuprofile (open it in Chrome DevTools) and <name>.summary.md to --out
 * (default bench/results/profiles). `--closed` uses the closed loop (saturation) instead.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { FULL } from './config';
import type { ArrivalsResult, MessagePhaseResult } from './loadgen/protocol';
import { ROOT } from './lib/processes';
import { startBenchRedis, type ProductMode } from './lib/product';
import { arrivalsSummary, measured, summarisePhase, withProduct } from './scenarios/common';

interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: CpuProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** V8 natives that write to a socket (a write syscall each). */
const WRITE_NATIVES = new Set(['writev', 'writeUtf8String', 'writeBuffer', 'writeLatin1String', 'writeAsciiString', 'writeUcs2String']);

/** Where a frame's code lives: a product file, a package, Node's internals or V8 itself. */
function areaOf(url: string, name: string): string {
  if (!url) return name.startsWith('(') ? name : '(native / V8)';
  const rel = url.replace(/^file:\/\//, '');
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(rel);
  if (pkg) return pkg[1];
  if (rel.startsWith('node:')) return 'node internals';
  if (rel.startsWith(ROOT)) return path.relative(ROOT, rel);
  return rel;
}

/** Self time per function and per area, from samples taken within [fromUs, toUs] (monotonic µs). */
export function summariseProfile(profile: CpuProfile, window?: { fromUs: number; toUs: number }, top = 30) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  let t = profile.startTime;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    t += dt;
    if (window && (t < window.fromUs || t > window.toUs)) return;
    selfUs.set(id, (selfUs.get(id) ?? 0) + dt);
  });
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const fns = new Map<string, { name: string; where: string; area: string; us: number }>();
  const areas = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const name = functionName || '(anonymous)';
    const area = areaOf(url, name);
    const where = url ? `${area}:${lineNumber + 1}` : area;
    const key = `${name}@${where}`;
    const f = fns.get(key) ?? { name, where, area, us: 0 };
    f.us += us;
    fns.set(key, f);
    areas.set(area, (areas.get(area) ?? 0) + us);
  }
  // Socket writes (each one a syscall, costly on this VM): who asked for them.
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const writers = new Map<string, number>();
  let writeUs = 0;
  for (const [id, us] of selfUs) {
    if (!WRITE_NATIVES.has(byId.get(id)!.callFrame.functionName)) continue;
    writeUs += us;
    // The package that wrote, then the first frame outside it that asked it to.
    let writer: string | undefined;
    let requester: string | undefined;
    for (let cur = parent.get(id); cur !== undefined && !requester; cur = parent.get(cur)) {
      const f = byId.get(cur)!.callFrame;
      if (!f.url || f.url.startsWith('node:')) continue;
      const area = areaOf(f.url, f.functionName);
      if (!writer) writer = `${area} ${f.functionName || '(anonymous)'}`;
      else if (!writer.startsWith(`${area} `)) requester = `${area} ${f.functionName || '(anonymous)'}`;
    }
    const chain = [writer ?? '(unknown)', requester ?? '(async continuation)'];
    const key = chain.join(' ← ') || '(unknown)';
    writers.set(key, (writers.get(key) ?? 0) + us);
  }
  const idle = areas.get('(idle)') ?? 0;
  const busy = total - idle;
  const pct = (us: number) => (busy ? (100 * us) / busy : 0);
  return {
    totalMs: total / 1000,
    busyMs: busy / 1000,
    idleMs: idle / 1000,
    functions: [...fns.values()].filter((f) => f.area !== '(idle)').sort((a, b) => b.us - a.us).slice(0, top).map((f) => ({ ...f, ms: f.us / 1000, pct: pct(f.us) })),
    writeMs: writeUs / 1000,
    writers: [...writers.entries()].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([caller, us]) => ({ caller, ms: us / 1000, pct: pct(us) })),
    areas: [...areas.entries()].filter(([a]) => a !== '(idle)').sort((a, b) => b[1] - a[1]).map(([area, us]) => ({ area, ms: us / 1000, pct: pct(us) })),
  };
}

function summaryMarkdown(title: string, s: ReturnType<typeof summariseProfile>, load: string): string {
  const lines = [
    `# ${title}`,
    '',
    load,
    '',
    `Sampled ${s.totalMs.toFixed(0)} ms: busy ${s.busyMs.toFixed(0)} ms, idle ${s.idleMs.toFixed(0)} ms. Percentages are of busy time.`,
    '',
    '## Self time by area',
    '',
    '| area | ms | % |',
    '|---|--:|--:|',
    ...s.areas.slice(0, 25).map((a) => `| ${a.area} | ${a.ms.toFixed(0)} | ${a.pct.toFixed(1)} |`),
    '',
    `## Socket writes by caller: ${s.writeMs.toFixed(0)} ms, ${((100 * s.writeMs) / Math.max(1, s.busyMs)).toFixed(1)}% of busy time`,
    '',
    '| writer ← requester (first frame outside the writing package) | ms | % of busy |',
    '|---|--:|--:|',
    ...s.writers.map((w) => `| ${w.caller} | ${w.ms.toFixed(0)} | ${w.pct.toFixed(1)} |`),
    '',
    '## Top functions by self time',
    '',
    '| function | where | ms | % |',
    '|---|---|--:|--:|',
    ...s.functions.map((f) => `| \`${f.name}\` | ${f.where} | ${f.ms.toFixed(0)} | ${f.pct.toFixed(1)} |`),
    '',
  ];
  return lines.join('\n');
}

async function main() {
  const { values } = parseArgs({
    options: {
      mode: { type: 'string', default: 'redis+postgres' },
      rate: { type: 'string', default: '3000' },
      seconds: { type: 'string', default: '15' },
      pairs: { type: 'string', default: '100' },
      out: { type: 'string' },
      closed: { type: 'boolean' },
      arrivals: { type: 'string' },
    },
  });
  const mode = values.mode as ProductMode;
  const rate = Number(values.rate);
  const ms = Number(values.seconds) * 1000;
  const pairs = Number(values.pairs);
  const outDir = values.out ?? path.join(ROOT, 'bench/results/profiles');
  const profDir = path.join(outDir, `raw-${Date.now()}`);
  mkdirSync(profDir, { recursive: true });
  const log = (m: string) => process.stderr.write(`${m}\n`);
  const redis = await startBenchRedis();
  let load = '';
  let window: { fromUs: number; toUs: number } | undefined;
  try {
    const nodeFlags = ['--cpu-prof', `--cpu-prof-dir=${profDir}`];
    if (values.arrivals) {
      // Scenario 3's deployment: 100 agents × 2, pre-connected visitors opening, getting assigned, closing.
      const a = FULL.assignment;
      const perSecond = Number(values.arrivals);
      await withProduct({ profile: FULL, redis, log }, { mode, processes: 1, agents: a.agents, capacity: a.capacity, pairs: 0, poolVisitors: a.poolVisitors, nodeFlags }, async ({ servers, worker }) => {
        await worker.call({ type: 'arrivals', rate: Math.min(perSecond, 50), durationMs: 3000 });
        const from = await servers[0].sample();
        const { result, server, backends } = await measured(servers, () => worker.call<ArrivalsResult>({ type: 'arrivals', rate: perSecond, durationMs: ms }));
        window = { fromUs: from.hrtimeUs, toUs: (await servers[0].sample()).hrtimeUs };
        const s = arrivalsSummary(result, server, backends);
        load =
          `Load: ${mode}, one process, ${a.agents} agents × ${a.capacity}, ${perSecond} new conversations/s for ${ms / 1000} s (after 3 s at up to 50/s): ` +
          `${s.assigned}/${s.started} assigned, p50 ${s.latency.p50Ms.toFixed(1)} ms, p99 ${s.latency.p99Ms.toFixed(1)} ms, server ${s.server.cores.toFixed(2)} cores, ` +
          `PostgreSQL ${backends.postgresCores.toFixed(2)}, Redis ${backends.redisCores.toFixed(2)} cores. ` +
          'The summary covers only the samples taken during that measured phase (startup and warm-up excluded).';
        log(load);
      });
    } else await withProduct(
      { profile: FULL, redis, log },
      { mode, processes: 1, agents: pairs, capacity: 1, pairs, watchFraction: 0.1, nodeFlags },
      async ({ servers, worker }) => {
        await worker.call({ type: 'open-loop', rate: Math.min(rate, 1000), durationMs: 3000, drainMs: 10_000 });
        const from = await servers[0].sample();
        const { result, server } = await measured(servers, () =>
          values.closed
            ? worker.call<MessagePhaseResult>({ type: 'closed-loop', window: FULL.messagePath.window, durationMs: ms, warmupMs: 1000, drainMs: 20_000 })
            : worker.call<MessagePhaseResult>({ type: 'open-loop', rate, durationMs: ms, warmupMs: 1000, drainMs: 20_000 }),
        );
        window = { fromUs: from.hrtimeUs, toUs: (await servers[0].sample()).hrtimeUs };
        const s = summarisePhase(result, server, values.closed ? 'closed' : 'open');
        load =
          `Load: ${mode}, one process, ${pairs} pairs, lead watching 10%, ${values.closed ? `closed loop (${FULL.messagePath.window}/pair)` : `${rate} msg/s offered`} for ${ms / 1000} s ` +
          `(after 3 s warm-up): delivered ${s.deliveredPerSec.toFixed(0)} msg/s, p50 ${s.latency.p50Ms.toFixed(1)} ms, p99 ${s.latency.p99Ms.toFixed(1)} ms, ` +
          `server ${s.server.cores.toFixed(2)} cores, ${s.server.cpuUsPerMessage.toFixed(0)} µs CPU per message, event-loop delay p99 ${s.server.eventLoopDelayP99Ms.toFixed(1)} ms. ` +
          'The summary covers only the samples taken during that measured phase (startup and warm-up excluded).';
        log(load);
      },
    );
  } finally {
    await redis.stop();
  }
  const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error(`no .cpuprofile in ${profDir} (did the server exit cleanly?)`);
  const profile = JSON.parse(readFileSync(path.join(profDir, file), 'utf8')) as CpuProfile;
  // The probe's clock and the profiler's are both monotonic µs; if they ever disagree, keep every sample.
  if (window && (window.fromUs < profile.startTime || window.toUs > profile.endTime)) {
    log(`phase window ${window.fromUs}..${window.toUs} is outside the profile ${profile.startTime}..${profile.endTime}: summarising the whole profile`);
    load = load.replace('only the samples taken during that measured phase (startup and warm-up excluded)', 'the whole server process life');
    window = undefined;
  }
  const summary = summariseProfile(profile, window);
  const md = summaryMarkdown(`CPU profile of ${values.arrivals ? 'assignment' : 'the message path'} (${mode})`, summary, load);
  const mdFile = path.join(outDir, `${path.basename(profDir)}-${mode.replace('+', '-')}.summary.md`);
  writeFileSync(mdFile, md);
  process.stdout.write(`${md}\nRaw profile: ${path.join(profDir, file)}\nSummary: ${mdFile}\n`);
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
