/**
 * The FAQ: leads write entries, agents and leads list them and match a shopper's text
 * against them (BM25, see ranker.ts) on this process's index, which follows edits made by
 * any process within a second (matcher.ts).
 */
import type { FaqLanguage } from '../../../shared/faq';
import { AppError } from '../../errors';
import type { Logger } from '../../logger';
import type { Clock } from '../clock';
import type { FaqEntry, FaqPatch, FaqStore, NewFaqEntry } from '../ports/faq';
import { createFaqMatcher } from './matcher';
import type { MatchOptions } from './ranker';

export type FaqService = ReturnType<typeof createFaqService>;

const notFound = () => new AppError('NOT_FOUND', 'No such FAQ entry');

export function createFaqService(deps: { store: FaqStore; clock: Clock; logger: Logger }) {
  const { store } = deps;
  const log = deps.logger.child({ module: 'faq' });
  const matcher = createFaqMatcher({ source: { version: () => store.version(), list: () => store.list() }, clock: deps.clock });
  return {
    list: (filter?: { language?: FaqLanguage; category?: string }) => store.list(filter),
    async get(id: string): Promise<FaqEntry> {
      const entry = await store.get(id);
      if (!entry) throw notFound();
      return entry;
    },
    match: (text: string, opts?: MatchOptions) => matcher.match(text, opts),
    async create(e: NewFaqEntry, by: string): Promise<FaqEntry> {
      const entry = await store.create(e);
      matcher.invalidate();
      log.info({ id: entry.id, by }, 'faq entry created');
      return entry;
    },
    async update(id: string, patch: FaqPatch, by: string): Promise<FaqEntry> {
      const entry = await store.update(id, patch);
      if (!entry) throw notFound();
      matcher.invalidate();
      log.info({ id, by }, 'faq entry edited');
      return entry;
    },
    async remove(id: string, by: string): Promise<void> {
      if (!(await store.remove(id))) throw notFound();
      matcher.invalidate();
      log.info({ id, by }, 'faq entry deleted');
    },
  };
}
