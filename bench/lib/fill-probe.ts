/**
 * Runs a history fill the way the start-up job does (server/domain/history-fill.ts) while a probe
 * issues `SELECT 1` every `probeEveryMs`, as the message path's statements would: how long the
 * longest step (one transaction) took, and how long the probe waited at most, during the steps
 * and during the VACUUM that follows them.
 */
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { createHistoryFill, type HistoryFiller } from '../../server/domain/history-fill';
import type { SqlClient } from '../../server/store/sql/types';

export interface FillFigures {
  /** From the start to the last step's end. */
  totalMs: number;
  steps: number;
  longestStepMs: number;
  /** Every step's time, ms, sorted. */
  stepMs: number[];
  /** The longest a `SELECT 1` waited while the steps ran. */
  worstWaitMs: number;
  probes: number;
  tidyMs: number;
  /** The longest a `SELECT 1` waited during the VACUUM. */
  worstWaitTidyMs: number;
}

/** `beforeTidy`: runs (untimed, unprobed) between the last step and the VACUUM. */
export async function fillWithProbe(sql: Pick<SqlClient, 'query'>, filler: HistoryFiller, beforeTidy?: () => Promise<void>, probeEveryMs = 20): Promise<FillFigures> {
  const out: FillFigures = { totalMs: 0, steps: 0, longestStepMs: 0, stepMs: [], worstWaitMs: 0, probes: 0, tidyMs: 0, worstWaitTidyMs: 0 };
  let phase: 'steps' | 'tidy' | 'over' = 'steps';
  let started = 0;
  const measured: HistoryFiller = {
    ...filler,
    async step(wait) {
      const t0 = performance.now();
      const r = await filler.step(wait);
      out.stepMs.push(performance.now() - t0);
      out.longestStepMs = Math.max(out.longestStepMs, performance.now() - t0);
      out.steps++;
      return r;
    },
    tidy: filler.tidy && (async () => {
      out.totalMs = performance.now() - started;
      phase = 'over';
      await probe;
      await beforeTidy?.();
      phase = 'tidy';
      probe = probing();
      const t0 = performance.now();
      await filler.tidy?.();
      out.tidyMs = performance.now() - t0;
    }),
  };
  const probing = async () => {
    while (phase !== 'over') {
      const during = phase;
      const t0 = performance.now();
      await sql.query('SELECT 1');
      const waited = performance.now() - t0;
      if (during === 'steps') out.worstWaitMs = Math.max(out.worstWaitMs, waited);
      else out.worstWaitTidyMs = Math.max(out.worstWaitTidyMs, waited);
      out.probes++;
      await new Promise((r) => setTimeout(r, probeEveryMs));
    }
  };
  let probe = probing();
  const job = createHistoryFill({ fillers: [measured], logger: pino({ level: 'warn' }) });
  started = performance.now();
  job.start();
  await job.idle();
  out.totalMs ||= performance.now() - started;
  phase = 'over';
  await probe;
  out.stepMs.sort((a, b) => a - b);
  return out;
}

const ms = (v: number) => `${Math.round(v).toLocaleString('en')} ms`;

/** The figures as the benches print them. */
export const fillLine = (what: string, f: FillFigures) =>
  `${what}: ${(f.totalMs / 1000).toFixed(1)} s in ${f.steps} steps; a step's median ${ms(f.stepMs[f.stepMs.length >> 1] ?? 0)}, ` +
  `90th percentile ${ms(f.stepMs[Math.floor(f.stepMs.length * 0.9)] ?? 0)}, longest ${ms(f.longestStepMs)}; ` +
  `SELECT 1 waited at most ${ms(f.worstWaitMs)} (${f.probes} probes)` +
  (f.tidyMs ? `; then VACUUM ${ms(f.tidyMs)}, SELECT 1 waited at most ${ms(f.worstWaitTidyMs)} during it` : '');
