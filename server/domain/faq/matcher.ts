/**
 * FAQ matching against an in-process index of the stored entries, rebuilt when they change.
 *
 * Several processes may share one database, and a lead's edit reaches only one of them, so
 * in-process invalidation is not enough: before matching, the matcher reads the source's
 * cheap version (a digest of the table) at most once per `checkEveryMs`, and rebuilds the
 * index when the version differs. A process therefore sees another's edit within about a
 * second; `invalidate()` makes its own edits visible at once.
 *
 * The version is read before the entries, so an edit landing between the two reads leaves
 * a version older than the entries: the next check sees a new version and rebuilds again
 * (harmless), never the reverse.
 */
import type { Clock } from '../clock';
import { buildFaqIndex, type Bm25Params, type FaqDocument, type FaqIndex, type MatchOptions, type RankedEntry } from './ranker';

/** Where the entries come from (the FAQ store). */
export interface FaqSource<T extends FaqDocument> {
  /** Changes whenever any entry is created, edited or deleted, by any process. */
  version(): Promise<string>;
  list(): Promise<T[]>;
}

export interface FaqMatcherOptions<T extends FaqDocument> {
  source: FaqSource<T>;
  clock: Clock;
  /** Longest time a match may use the index without re-reading the source's version. @default 1000 */
  checkEveryMs?: number;
  bm25?: Bm25Params;
}

export interface FaqMatcher<T extends FaqDocument> {
  match(text: string, opts?: MatchOptions): Promise<RankedEntry<T>[]>;
  /** The next match re-reads the version at once (call after writing through this process). */
  invalidate(): void;
}

export function createFaqMatcher<T extends FaqDocument>(opts: FaqMatcherOptions<T>): FaqMatcher<T> {
  const { source, clock } = opts;
  const checkEveryMs = opts.checkEveryMs ?? 1000;
  let index: FaqIndex<T> | null = null;
  let version: string | null = null;
  /** When the last check not overtaken by invalidate() finished. */
  let checkedAt = -Infinity;
  /** True until such a check: never checked yet, or invalidate() since. */
  let stale = true;
  // Bumped by invalidate(): a check that began before it does not make the index fresh.
  let generation = 0;
  let checking: Promise<void> | null = null;

  async function check(): Promise<void> {
    const started = generation;
    const current = await source.version();
    if (current !== version || index === null) {
      index = buildFaqIndex(await source.list(), opts.bm25);
      version = current;
    }
    if (generation === started) {
      checkedAt = clock.now();
      stale = false;
    }
  }

  async function fresh(): Promise<FaqIndex<T>> {
    if (!stale && clock.now() - checkedAt < checkEveryMs) return index!;
    // Concurrent matches share one check; another runs if invalidate() overtook it.
    do {
      checking ??= check().finally(() => {
        checking = null;
      });
      await checking;
    } while (stale);
    return index!;
  }

  return {
    async match(text, matchOpts) {
      return (await fresh()).match(text, matchOpts);
    },
    invalidate() {
      generation++;
      stale = true;
    },
  };
}
