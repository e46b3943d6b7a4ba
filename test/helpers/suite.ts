/**
 * One set-up for integration files (after socket.io-redis-adapter's test/util.ts `setup()`):
 * registers the jest hooks that open the file's backends and start a test server, and hands
 * back a getter for the current server.
 *
 *   const t = useTestServer({ limits: { agentGraceMs: 400 }, clock: 'manual' });
 *   test('…', async () => {
 *     const a = await onlineAgent(t());
 *     t.clock.advance(500);
 *   });
 */
import type { Clock } from '../../server/domain/clock';
import { openTestStore, startTestServer, type TestServer, type TestServerOptions, type TestStore } from './chat';
import { manualClock, type ManualClock } from './clock';
import { startRedisServer, type TestRedisServer } from './redis-server';

/** One PGlite for the describe block it is called in (it takes seconds to create), closed after it. */
export function useTestStore(): () => TestStore {
  let db: TestStore | undefined;
  beforeAll(async () => {
    db = await openTestStore();
  });
  afterAll(async () => {
    await db?.store.close();
    await db?.sql.close();
  });
  return () => db ?? fail('the test store opens in beforeAll');
}

/** A private redis-server for the describe block it is called in, stopped after it. */
export function useRedisServer(): () => TestRedisServer {
  let server: TestRedisServer | undefined;
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    await server?.stop();
  });
  return () => server ?? fail('the redis-server starts in beforeAll');
}

export interface TestSuiteOptions extends Pick<TestServerOptions, 'limits' | 'graceSweepMs' | 'mailer' | 'publicUrl'> {
  /**
   * The store every server of the block uses (from `useTestStore()` called higher up, to share it
   * between describe blocks).
   * @default one `useTestStore()` for this block
   */
  store?: () => TestStore;
  /**
   * A private Redis (from `useRedisServer()`) for the presence pool and the rate limiter.
   * @default undefined: both in process
   */
  redis?: () => TestRedisServer;
  /**
   * `'manual'`: each server gets a fresh `manualClock()` (read it with `t.clock`);
   * or any `Clock`, shared by every server of the block.
   * @default the system clock
   */
  clock?: 'manual' | Clock;
  /**
   * `'test'`: a fresh server (pool, limiter, clock) per test; `'block'`: one for the describe block.
   * @default 'test'
   */
  lifetime?: 'test' | 'block';
}

export interface TestSuite {
  /** The running test's server. */
  (): TestServer;
  /** The shared store (the same one `t().store` uses). */
  readonly db: TestStore;
  /** The current server's manual clock (only with `clock: 'manual'`). */
  readonly clock: ManualClock;
  /**
   * Closes the current server and starts another on the same store; `limits` are merged over
   * the block's, the other fields replace them. Closed like the first one.
   */
  restart(overrides?: RestartOptions): Promise<TestServer>;
  /** Closes the current server (a server that is down); `start` brings one up again. */
  stop(): Promise<void>;
  /** Starts a server after `stop`, on the same store (and, given `port`, on that port). */
  start(overrides?: RestartOptions): Promise<TestServer>;
}

export type RestartOptions = Pick<TestSuiteOptions, 'limits' | 'redis' | 'clock'> & Pick<TestServerOptions, 'port'>;

export function useTestServer(opts: TestSuiteOptions = {}): TestSuite {
  const store = opts.store ?? useTestStore();
  let current: { server: TestServer; clock?: ManualClock } | undefined;

  async function start(o: RestartOptions = {}) {
    const clockOpt = 'clock' in o ? o.clock : opts.clock;
    const clock = clockOpt === 'manual' ? manualClock() : clockOpt;
    const redis = 'redis' in o ? o.redis : opts.redis;
    const server = await startTestServer({
      store: store(),
      redisUrl: redis?.().url,
      limits: { ...opts.limits, ...o.limits },
      clock,
      graceSweepMs: opts.graceSweepMs,
      mailer: opts.mailer,
      publicUrl: opts.publicUrl,
      port: o.port,
    });
    current = { server, clock: clockOpt === 'manual' ? (clock as ManualClock) : undefined };
    return server;
  }
  async function stop() {
    const c = current;
    current = undefined;
    await c?.server.close();
  }

  const [setUp, tearDown] = opts.lifetime === 'block' ? [beforeAll, afterAll] : [beforeEach, afterEach];
  setUp(() => start().then(() => undefined));
  tearDown(stop);

  const suite = (() => current?.server ?? fail('no test server: it starts in beforeEach/beforeAll')) as TestSuite;
  Object.defineProperties(suite, {
    db: { get: store },
    clock: { get: () => current?.clock ?? fail("no manual clock: pass clock: 'manual'") },
  });
  suite.restart = async (overrides) => {
    await stop();
    return start(overrides);
  };
  suite.stop = stop;
  suite.start = start;
  return suite;
}

function fail(why: string): never {
  throw new Error(why);
}
