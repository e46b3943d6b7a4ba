/**
 * Counting the history (docs/reports.md, "How it is computed"): the reports' facts and roll-ups
 * and the quality scores are filled in bounded steps, one short transaction each, never in one
 * long one, so the message path's statements get in between (embedded PGlite is one session:
 * while a transaction is open every other statement waits for it).
 *
 * A read brings its history up to date itself only when little is pending (`catchUp`: at most
 * `INLINE_STEPS` steps); when more is (after an upgrade, a change of time zone) it reads what is
 * counted, says how far counting has got, and leaves the rest to the background job here, which
 * runs once the server listens and again whenever a read finds the history behind.
 */
import type { Logger } from '../logger';

/** How far a history is counted: `done` of `total` conversations. */
export interface FillProgress {
  done: number;
  total: number;
}

/** What one step did: counted its batch and more may wait, found nothing left, or found another process's step under way. */
export type FillStep = 'more' | 'done' | 'busy';

/** One history counted in steps: the reports' facts, the quality scores. */
export interface HistoryFiller {
  /** For the logs. */
  readonly name: string;
  /** Conversations per step. */
  readonly batchSize: number;
  /** How many conversations wait to be counted, counting no further than `atMost`. */
  backlog(atMost: number): Promise<number>;
  /** Counts the next batch in one transaction. `wait`: wait for another process's step instead of answering 'busy'. */
  step(wait: boolean): Promise<FillStep>;
  progress(): Promise<FillProgress>;
  /** After a fill of many steps: reclaims what the steps left behind (dead row versions). */
  tidy?(): Promise<void>;
}

/** Steps a read takes itself; more pending than that is left to the background job. */
export const INLINE_STEPS = 2;

/**
 * Brings `filler` up to date when at most `INLINE_STEPS` batches wait; otherwise calls `behind`
 * (start the background job) and returns false: the caller reads what is counted so far.
 */
export async function catchUp(filler: HistoryFiller, behind: () => void): Promise<boolean> {
  const inline = INLINE_STEPS * filler.batchSize;
  const backlog = await filler.backlog(inline + 1);
  if (backlog > inline) {
    behind();
    return false;
  }
  for (let i = 0; i < INLINE_STEPS && backlog > 0; i++) if ((await filler.step(true)) === 'done') break;
  return true;
}

/**
 * What a read says of its history: null when `catchUp` brought it up to date, else how far
 * counting has got (the read's figures cover only that).
 */
export async function countingAfterCatchUp(filler: HistoryFiller, behind: () => void): Promise<FillProgress | null> {
  return (await catchUp(filler, behind)) ? null : filler.progress();
}

export interface HistoryFillDeps {
  /** Filled one after the other, each until it is done. */
  fillers: readonly HistoryFiller[];
  logger: Logger;
  /**
   * Pause between two steps, ms: the time other statements have the database to themselves
   * (they also get in while the next step waits its turn). @default 10
   */
  pauseMs?: number;
  /** Pause before trying again when another process holds the step, ms. @default 1000 */
  busyPauseMs?: number;
  /** Least time between two progress lines in the log, ms. @default 5000 */
  logEveryMs?: number;
  /**
   * Told as a history's count moves on, for whoever shows figures meanwhile (the lead's floor):
   * with each progress line (`finished` false), and each time the job finds it all counted
   * (`finished` true, before tidying; not when it failed or was stopped). @default nothing
   */
  progressed?: (history: string, finished: boolean) => void;
}

export type HistoryFill = ReturnType<typeof createHistoryFill>;

/**
 * The background job: fills each history step by step until it is done, pausing between steps.
 * With several processes on one database, a step another process holds is skipped ('busy'), not
 * waited for. A failure is logged and leaves that history to the next read that finds it behind
 * (which starts the job again).
 */
export function createHistoryFill(deps: HistoryFillDeps) {
  const log = deps.logger.child({ module: 'history-fill' });
  const pauseMs = deps.pauseMs ?? 10;
  const busyPauseMs = deps.busyPauseMs ?? 1000;
  const logEveryMs = deps.logEveryMs ?? 5000;
  let running: Promise<void> | null = null;
  /** Asked to start while running: go round once more when done (a history may have fallen behind again). */
  let again = false;
  let stopped = false;
  let wake: (() => void) | null = null;

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      if (stopped) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = null;
        resolve();
      }
      wake = done;
    });

  async function fill(filler: HistoryFiller): Promise<void> {
    const started = Date.now();
    let steps = 0;
    let logged = started;
    for (;;) {
      if (stopped) return;
      const r = await filler.step(false);
      if (r === 'done') break;
      if (r === 'busy') {
        await pause(busyPauseMs);
        continue;
      }
      steps++;
      if (Date.now() - logged >= logEveryMs) {
        logged = Date.now();
        const p = await filler.progress();
        log.info({ history: filler.name, done: p.done, total: p.total }, 'counting the history');
        deps.progressed?.(filler.name, false);
      }
      await pause(pauseMs);
    }
    // Even a last step alone may have counted what a reader saw missing (its 'done' counts too).
    if (!stopped) deps.progressed?.(filler.name, true);
    // A read's own catch-up is a step or two; only a bulk fill leaves enough to tidy.
    if (steps > INLINE_STEPS && !stopped) {
      await filler.tidy?.();
      log.info({ history: filler.name, steps, ms: Date.now() - started }, 'history counted');
    }
  }

  async function run(): Promise<void> {
    do {
      again = false;
      for (const f of deps.fillers) {
        try {
          await fill(f);
        } catch (err) {
          log.error({ err, history: f.name }, 'counting the history failed; the next read that finds it behind starts again');
        }
      }
    } while (again && !stopped);
  }

  return {
    /** Starts the job unless it is running (then it goes round once more when done). */
    start() {
      if (stopped) return;
      if (running) {
        again = true;
        return;
      }
      running = run().finally(() => (running = null));
    },
    /** Stops after the step under way (whose transaction commits or rolls back as a whole). */
    async stop() {
      stopped = true;
      wake?.();
      await running;
    },
    /** Resolves when the job is not running (tests). */
    async idle() {
      while (running) await running;
    },
  };
}
