/**
 * Scenario 4, idle connections held by one process: product visitors (`/visitor`, then
 * `session:sync`, as the widget does) on Redis + PostgreSQL mode, against bare Socket.IO
 * clients that join one room each. Memory is read after a full GC (--expose-gc) before and
 * after connecting; RSS per connection is the difference divided by the connections held.
 *
 * Each process has its own open-files limit (`ulimit -n`): the server holds one descriptor per
 * connection, and so does the load generator, which is a separate process.
 */
import { execSync } from 'node:child_process';
import type { IdleResult } from '../loadgen/protocol';
import type { ServerProcess, Worker } from '../lib/processes';
import { row, type Row } from '../lib/results';
import { fmt, withBaseline, withProduct, type Scenario } from './common';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const CONNECTIONS_TARGET = 19_000;

interface Held {
  idle: IdleResult;
  rssBeforeMB: number;
  rssAfterMB: number;
  heapBeforeMB: number;
  heapAfterMB: number;
  rssPerConnectionKB: number;
  heapPerConnectionKB: number;
  /** CPU while every connection sits idle (heartbeats). */
  idleCores: number;
}

async function hold(kind: 'baseline' | 'product', server: ServerProcess, worker: Worker, c: { count: number; concurrency: number; timeoutMs: number; settleMs: number }): Promise<Held> {
  await sleep(500);
  const before = await server.sample({ gc: true });
  const idle = await worker.call<IdleResult>({ type: 'idle', url: server.url, kind, count: c.count, concurrency: c.concurrency, timeoutMs: c.timeoutMs });
  await sleep(c.settleMs);
  const after = await server.sample({ gc: true });
  const t0 = performance.now();
  await sleep(c.settleMs);
  const quiet = await server.sample();
  const idleCores = (quiet.cpuUserUs + quiet.cpuSystemUs - after.cpuUserUs - after.cpuSystemUs) / 1000 / (performance.now() - t0);
  const n = Math.max(1, idle.connected);
  return {
    idle,
    rssBeforeMB: before.rssBytes / 2 ** 20,
    rssAfterMB: after.rssBytes / 2 ** 20,
    heapBeforeMB: before.heapUsedBytes / 2 ** 20,
    heapAfterMB: after.heapUsedBytes / 2 ** 20,
    rssPerConnectionKB: (after.rssBytes - before.rssBytes) / 1024 / n,
    heapPerConnectionKB: (after.heapUsedBytes - before.heapUsedBytes) / 1024 / n,
    idleCores,
  };
}

export const connections: Scenario = async (ctx) => {
  const c = ctx.profile.connections;
  const limit = execSync('ulimit -n', { shell: '/bin/bash' }).toString().trim();
  const flags = ['--expose-gc'];

  ctx.log(`  baseline: ${fmt(c.count)} bare Socket.IO clients (open-files limit ${limit} per process)`);
  // Distinct loopback addresses, so the second run's client ports never meet the first run's TIME_WAITs.
  const baseline = await withBaseline(ctx, { processes: 1, pairs: 0, host: '127.0.0.2', nodeFlags: flags }, ({ servers, worker }) => hold('baseline', servers[0], worker, c));
  ctx.log(`    held ${fmt(baseline.idle.connected)} (${fmt(baseline.idle.connectPerSec)}/s), ${baseline.rssPerConnectionKB.toFixed(1)} KB RSS each`);
  ctx.log(`  product: ${fmt(c.count)} visitors, redis+postgres`);
  const product = await withProduct(
    ctx,
    { mode: 'redis+postgres', processes: 1, agents: 0, capacity: 1, pairs: 0, host: '127.0.0.3', nodeFlags: flags },
    ({ servers, worker }) => hold('product', servers[0], worker, c),
  );
  ctx.log(`    held ${fmt(product.idle.connected)} (${fmt(product.idle.connectPerSec)}/s), ${product.rssPerConnectionKB.toFixed(1)} KB RSS each`);

  const rows: Row[] = [];
  const held = row({
    scenario: '4',
    metric: 'idle connections held by one process',
    unit: 'conns',
    product: product.idle.connected,
    baseline: baseline.idle.connected,
    better: 'higher',
    target: `${fmt(CONNECTIONS_TARGET)}`,
    note: [
      `asked for ${fmt(c.count)}; open-files limit ${limit}`,
      product.idle.failed ? `product: ${product.idle.failed} failed (${product.idle.firstError})` : '',
      baseline.idle.failed ? `baseline: ${baseline.idle.failed} failed (${baseline.idle.firstError})` : '',
    ].filter(Boolean).join('; '),
  });
  held.met = c.count >= CONNECTIONS_TARGET ? product.idle.connected >= CONNECTIONS_TARGET : null;
  rows.push(held);
  const perConn = row({ scenario: '4', metric: 'RSS per connection (after GC)', unit: 'KB', product: product.rssPerConnectionKB, baseline: baseline.rssPerConnectionKB, better: 'lower', target: '≤ 1.3× bare Socket.IO' });
  perConn.met = perConn.ratio === null ? null : perConn.ratio <= 1.3;
  rows.push(perConn);
  rows.push(row({ scenario: '4', metric: 'V8 heap per connection (after GC)', unit: 'KB', product: product.heapPerConnectionKB, baseline: baseline.heapPerConnectionKB, better: 'lower' }));
  rows.push(row({ scenario: '4', metric: 'connects per second (product: connect + session:sync)', unit: 'conn/s', product: product.idle.connectPerSec, baseline: baseline.idle.connectPerSec, better: 'higher' }));
  rows.push(row({ scenario: '4', metric: 'CPU while all connections are idle', unit: 'cores', product: product.idleCores, baseline: baseline.idleCores, better: 'lower' }));
  return {
    id: '4',
    title: 'Idle connections',
    rows,
    details: { openFilesLimit: limit, baseline, product },
    notes: [
      `The server and the load generator are separate processes, each with its own open-files limit (${limit}); the server also holds its Redis and PostgreSQL connections.`,
      'Product visitors connect to /visitor and call session:sync once (one SQL query each), as the widget does; bare clients connect and join one room.',
    ],
  };
};
