/**
 * The bench harness works: `bench/run.ts --smoke` runs every scenario for a few seconds and
 * writes well-formed results. Only that it ran is checked, never how fast (figures on a
 * shared machine say nothing in a test).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BenchResults } from '../../bench/lib/results';

// Under a minute on a quiet machine; generous, since other suites share the two cores.
jest.setTimeout(600_000);

const ROOT = path.join(__dirname, '../..');

function runSmoke(outDir: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--smoke', '--out', outDir], {
      cwd: ROOT,
      env: { ...process.env, NODE_OPTIONS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

const isNumberOrNull = (v: unknown) => v === null || (typeof v === 'number' && Number.isFinite(v));

test('bench:smoke runs all six scenarios and writes JSON, Markdown and SVG results', async () => {
  const out = mkdtempSync(path.join(os.tmpdir(), 'bench-smoke-test-'));
  try {
    const { code, output } = await runSmoke(out);
    if (code !== 0) throw new Error(`bench smoke exited with ${code}:\n${output.slice(-6000)}`);

    const files = readdirSync(out);
    const json = files.find((f) => f.endsWith('.json'));
    expect(json).toBeDefined();
    const stem = json!.slice(0, -'.json'.length);
    expect(files).toEqual(expect.arrayContaining([`${stem}.md`, `${stem}.svg`]));

    const res = JSON.parse(readFileSync(path.join(out, json!), 'utf8')) as BenchResults;
    expect(res.profile).toBe('smoke');
    expect(res.rateLimits.note).toMatch(/rate limits raised/);
    expect(res.scenarios.map((s) => s.id)).toEqual(['1', '2', '3', '4', '5', '6']);
    for (const s of res.scenarios) {
      expect(s.error).toBeUndefined();
      expect(s.rows.length).toBeGreaterThan(0);
      for (const r of s.rows) {
        expect(r.scenario).toBe(s.id);
        expect(typeof r.metric).toBe('string');
        expect(['higher', 'lower']).toContain(r.better);
        expect(isNumberOrNull(r.product)).toBe(true);
        expect(isNumberOrNull(r.baseline)).toBe(true);
        expect(isNumberOrNull(r.ratio)).toBe(true);
      }
      // Every scenario compares at least one measured product figure with a measured baseline.
      expect(s.rows.some((r) => r.product !== null && r.baseline !== null && r.ratio !== null)).toBe(true);
    }
    const md = readFileSync(path.join(out, `${stem}.md`), 'utf8');
    expect(md).toContain('| # | metric | unit | product | baseline | ratio | target | |');
    expect(md).toMatch(/rate limits raised/);
    const svg = readFileSync(path.join(out, `${stem}.svg`), 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('<path');
    expect(svg.trim().endsWith('</svg>')).toBe(true);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
