/**
 * A private, throwaway Redis Cluster: `masters` redis-servers with `--cluster-enabled yes` on
 * free ports, joined by `redis-cli --cluster create` (no replicas), no persistence, killed
 * and their folder removed on stop().
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort, kill, launch } from './redis-server';

const run = promisify(execFile);

export interface TestRedisCluster {
  nodes: { host: string; port: number }[];
  stop(): Promise<void>;
}

export async function startRedisCluster(masters = 3): Promise<TestRedisCluster> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'redis-cluster-'));
  const ports: number[] = [];
  for (let i = 0; i < masters; i++) ports.push(await freePort());
  const children = await Promise.all(
    ports.map((port) =>
      launch(port, ['--cluster-enabled', 'yes', '--cluster-config-file', path.join(dir, `nodes-${port}.conf`), '--cluster-node-timeout', '5000'], dir),
    ),
  );
  const stop = async () => {
    await Promise.all(children.map(kill));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const addrs = ports.map((p) => `127.0.0.1:${p}`);
    await run('redis-cli', ['--cluster', 'create', ...addrs, '--cluster-replicas', '0', '--cluster-yes'], { timeout: 60_000 });
    // Every node must agree that all slots are served before a client is pointed at it.
    const deadline = Date.now() + 30_000;
    for (const port of ports) {
      for (;;) {
        const { stdout } = await run('redis-cli', ['-p', String(port), 'cluster', 'info']);
        if (stdout.includes('cluster_state:ok')) break;
        if (Date.now() > deadline) throw new Error(`cluster node ${port} not ok:\n${stdout}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { nodes: ports.map((port) => ({ host: '127.0.0.1', port })), stop };
}
