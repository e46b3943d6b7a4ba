// Preloaded into every server process the bench starts (`node --import ./bench/lib/probe.mjs`),
// product and baseline alike, so both are observed the same way without touching their code.
// Over the IPC channel it answers { type: 'probe:sample' } with RSS, heap, CPU time and the
// event-loop delay histogram since the previous sample (then resets the histogram).
// `{ gc: true }` runs a full collection first when the process has --expose-gc.
// Plain JavaScript: it must load before any TypeScript loader.
import { monitorEventLoopDelay } from 'node:perf_hooks';

if (typeof process.send === 'function') {
  const eld = monitorEventLoopDelay({ resolution: 10 });
  eld.enable();
  const ms = (ns) => (Number.isFinite(ns) ? ns / 1e6 : 0);
  process.on('message', (msg) => {
    if (!msg || msg.type !== 'probe:sample') return;
    // With --expose-gc, a sample may first collect garbage, for steadier memory figures.
    if (msg.gc && typeof globalThis.gc === 'function') globalThis.gc();
    const cpu = process.cpuUsage();
    const mem = process.memoryUsage();
    process.send({
      type: 'probe:sample',
      id: msg.id,
      // Monotonic clock in µs, the clock of --cpu-prof's timestamps: lets a profile be cut to a phase.
      hrtimeUs: Number(process.hrtime.bigint() / 1000n),
      rssBytes: mem.rss,
      heapUsedBytes: mem.heapUsed,
      cpuUserUs: cpu.user,
      cpuSystemUs: cpu.system,
      eventLoopDelay: {
        count: eld.count,
        meanMs: ms(eld.mean),
        p50Ms: ms(eld.percentile(50)),
        p99Ms: ms(eld.percentile(99)),
        maxMs: ms(eld.max),
      },
    });
    eld.reset();
  });
  // The channel must not keep a server alive that was asked to stop.
  process.channel?.unref();
}
