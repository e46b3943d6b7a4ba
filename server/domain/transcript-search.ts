/**
 * Transcript search and export: a lead searches every conversation, an agent only those they
 * handled (whose agent is them, as in the conversation lists). The export walks every match
 * in chunks with the keyset cursor, so it never holds more than one chunk in memory.
 */
import type { Role } from '../../shared/protocol';
import { AppError } from '../errors';
import type { TranscriptFilter, TranscriptRow, TranscriptSearchStore } from './ports/transcript-search';

export type SearchViewer = { id: string; role: Role };

/** Rows read per query while exporting. */
export const EXPORT_CHUNK = 500;

export type TranscriptSearchService = ReturnType<typeof createTranscriptSearchService>;

export function createTranscriptSearchService(deps: { store: TranscriptSearchStore }) {
  const { store } = deps;

  /** The filter narrowed to what this viewer may see. */
  function scoped(viewer: SearchViewer, filter: TranscriptFilter): TranscriptFilter {
    if (viewer.role === 'lead') return filter;
    if (filter.agentId !== undefined && filter.agentId !== viewer.id) {
      throw new AppError('FORBIDDEN', 'Agents see only their own conversations');
    }
    return { ...filter, agentId: viewer.id };
  }

  return {
    /** One page, newest first, and the position after its last row when there may be more. */
    async search(viewer: SearchViewer, filter: TranscriptFilter, page: { limit: number; after?: { openedAt: number; id: string } }) {
      // One row more than asked says whether another page exists.
      const rows = await store.search(scoped(viewer, filter), { after: page.after, limit: page.limit + 1 });
      const items = rows.slice(0, page.limit);
      const last = items.at(-1);
      return { items, next: rows.length > page.limit && last ? { openedAt: last.openedAt, id: last.id } : null };
    },

    /**
     * Every match, newest first, a chunk at a time. Checked before the first chunk is read,
     * so a refusal can still be an error response.
     */
    export(viewer: SearchViewer, filter: TranscriptFilter, chunk = EXPORT_CHUNK): AsyncGenerator<TranscriptRow[]> {
      const f = scoped(viewer, filter);
      return (async function* () {
        let after: { openedAt: number; id: string } | undefined;
        for (;;) {
          const rows = await store.search(f, { after, limit: chunk });
          if (rows.length) yield rows;
          if (rows.length < chunk) return;
          const last = rows[rows.length - 1];
          after = { openedAt: last.openedAt, id: last.id };
        }
      })();
    },
  };
}
