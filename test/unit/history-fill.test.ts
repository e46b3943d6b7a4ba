/**
 * The history fill's policy (server/domain/history-fill.ts) on fake histories: a read counts a
 * little itself and leaves much to the job; the job goes step by step, skips a step another
 * process holds and comes back, tidies only after a bulk fill, goes round again when asked while
 * running, stops between steps, and a failing history does not stop the others; it tells its
 * progress and its end (the floor's hook).
 */
import pino from 'pino';
import { catchUp, createHistoryFill, INLINE_STEPS, type FillStep, type HistoryFiller } from '../../server/domain/history-fill';

/** A history of `waiting` conversations counted `batchSize` per step; `script` overrides step results in order. */
interface Fake {
  waiting: number;
  steps: number;
  tidied: number;
  filler: HistoryFiller;
}
function fake(waiting: number, batchSize = 10, script: (FillStep | Error)[] = []): Fake {
  const h: Fake = {
    waiting,
    steps: 0,
    tidied: 0,
    filler: {
      name: 'fake',
      batchSize,
      backlog: async (atMost: number) => Math.min(h.waiting, atMost),
      async step(): Promise<FillStep> {
        h.steps++;
        const next = script.shift();
        if (next instanceof Error) throw next;
        if (next) return next;
        h.waiting = Math.max(0, h.waiting - batchSize);
        return h.waiting > 0 ? 'more' : 'done';
      },
      progress: async () => ({ done: 0, total: waiting }),
      tidy: async () => void h.tidied++,
    },
  };
  return h;
}

function logged() {
  const lines: { level: number; msg: string; history?: string }[] = [];
  return { lines, logger: pino({ level: 'info' }, { write: (s: string) => void lines.push(JSON.parse(s)) }) };
}

describe('catchUp (a read)', () => {
  test('counts what fits in a couple of steps itself', async () => {
    const h = fake(INLINE_STEPS * 10);
    let behind = 0;
    expect(await catchUp(h.filler, () => behind++)).toBe(true);
    expect([h.waiting, h.steps, behind]).toEqual([0, INLINE_STEPS, 0]);
    expect(await catchUp(h.filler, () => behind++)).toBe(true);
    expect(h.steps).toBe(INLINE_STEPS);
  });

  test('leaves more than that to the job, and says so', async () => {
    const h = fake(INLINE_STEPS * 10 + 1);
    let behind = 0;
    expect(await catchUp(h.filler, () => behind++)).toBe(false);
    expect([h.steps, behind]).toEqual([0, 1]);
  });
});

describe('the background job', () => {
  test('fills step by step, comes back to a step another process holds, and tidies after a bulk fill', async () => {
    const h = fake(45, 10, ['busy']);
    const { logger, lines } = logged();
    const job = createHistoryFill({ fillers: [h.filler], logger, pauseMs: 0, busyPauseMs: 0, logEveryMs: 0 });
    job.start();
    await job.idle();
    expect([h.waiting, h.steps, h.tidied]).toEqual([0, 6, 1]);
    expect(lines.filter((l) => l.msg === 'counting the history').length).toBeGreaterThan(0);
    expect(lines.map((l) => l.msg)).toContain('history counted');
  });

  test('a fill of a step or two leaves nothing to tidy', async () => {
    const h = fake(15);
    const job = createHistoryFill({ fillers: [h.filler], logger: logged().logger, pauseMs: 0 });
    job.start();
    await job.idle();
    expect([h.waiting, h.tidied]).toEqual([0, 0]);
  });

  test('asked again while running, it goes round once more; a failing history does not stop the next', async () => {
    const failing = fake(30, 10, [new Error('database gone')]);
    const h = fake(30);
    const { logger, lines } = logged();
    const job = createHistoryFill({ fillers: [failing.filler, h.filler], logger, pauseMs: 0 });
    job.start();
    job.start();
    await job.idle();
    expect(lines.filter((l) => l.level >= 50).map((l) => l.msg)).toEqual([expect.stringMatching(/^counting the history failed/)]);
    // The second round finds what the failed step left.
    expect([failing.waiting, h.waiting]).toEqual([0, 0]);
  });

  test('tells its progress with each progress line and its end (the floor recounts today); not its end when a history failed or it was stopped', async () => {
    const told: [string, boolean][] = [];
    const progressed = (name: string, finished: boolean) => void told.push([name, finished]);
    const h = fake(45, 10, ['busy']);
    const job = createHistoryFill({ fillers: [h.filler], logger: logged().logger, pauseMs: 0, busyPauseMs: 0, logEveryMs: 0, progressed });
    job.start();
    await job.idle();
    // Four steps that left more, a progress line each; the fifth counted the rest: the end.
    expect(told).toEqual([...Array(4).fill(['fake', false]), ['fake', true]]);

    // One step that counted all there was: the end all the same.
    told.length = 0;
    const one = createHistoryFill({ fillers: [fake(5).filler], logger: logged().logger, pauseMs: 0, progressed });
    one.start();
    await one.idle();
    expect(told).toEqual([['fake', true]]);

    told.length = 0;
    const failing = createHistoryFill({ fillers: [fake(30, 10, [new Error('database gone')]).filler], logger: logged().logger, pauseMs: 0, progressed });
    failing.start();
    await failing.idle();
    expect(told).toEqual([]);

    const stopped = createHistoryFill({ fillers: [fake(1000).filler], logger: logged().logger, pauseMs: 60_000, progressed });
    stopped.start();
    await Promise.resolve();
    await stopped.stop();
    expect(told.filter(([, finished]) => finished)).toEqual([]);
  });

  test('stops after the step under way', async () => {
    const h = fake(1000);
    const job = createHistoryFill({ fillers: [h.filler], logger: logged().logger, pauseMs: 60_000 });
    job.start();
    await Promise.resolve();
    await job.stop();
    expect(h.steps).toBe(1);
    job.start();
    await job.idle();
    expect(h.steps).toBe(1);
  });
});
