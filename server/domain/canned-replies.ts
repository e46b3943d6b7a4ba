/**
 * Canned replies: who may write which, which variables a body may use, and the search the
 * composer runs on every keystroke.
 *
 * Search runs on an in-process index (a few thousand short texts, normalised once). Before
 * answering, a process compares the database's reply version with its own, at most once per
 * `checkEveryMs`, and rebuilds when it changed; its own writes are seen at once. So several
 * processes stay correct (stale for at most a second) and a search costs no query at all
 * most of the time.
 *
 * Ranking, one tier after the other: the shortcut starts with the query; the title contains it
 * (then, in that order, a tag or the shortcut further in); the body contains it. Inside a tier:
 * earlier match first, then shorter shortcut, then shortcut order (personal before team). Matching is a substring test on NFKC,
 * lower-cased text: case-insensitive, full-width and half-width alike, and Chinese needs no
 * word segmentation (`退` finds `退货`).
 */
import type { Role } from '../../shared/protocol';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import type { CannedReplyPatch, CannedReplyRecord, CannedReplyStore, CannedReplyWrite, NewCannedReply } from './ports/canned-replies';
import type { Clock } from './clock';

/** The variables a body may use; the console fills them in when the reply is inserted. */
export const CANNED_VARIABLES = ['visitor.name', 'agent.name', 'conversation.id'] as const;

/** Every `{…}` in the body that is not exactly one of CANNED_VARIABLES, in order, without repeats. */
export function unknownVariables(body: string): string[] {
  const unknown = new Set<string>();
  for (const m of body.matchAll(/\{([^{}]*)\}/g)) {
    if (!(CANNED_VARIABLES as readonly string[]).includes(m[1])) unknown.add(m[0]);
  }
  return [...unknown];
}

/** NFKC folds full-width letters and digits (`ＲＥＦＵＮＤ`) into ASCII; then case is dropped. */
export const normalizeForSearch = (s: string) => s.normalize('NFKC').toLowerCase();

export interface SearchOptions {
  /** Empty: every visible reply, by shortcut. A leading `/` (as typed in the composer) is ignored. */
  q?: string;
  /** `zh` matches `zh`, `zh-CN`, `zh-TW`; `zh-CN` only `zh-CN` (case-insensitive). */
  language?: string;
  limit: number;
  /** @default 0 */
  offset?: number;
}

interface Entry {
  reply: CannedReplyRecord;
  shortcut: string;
  title: string;
  body: string;
  tags: string[];
  language: string;
}

/** An immutable search index over one version of the replies. */
export function buildCannedReplyIndex(replies: readonly CannedReplyRecord[]) {
  // Sorted once by shortcut, an agent's own reply before a team one with the same shortcut;
  // each search keeps this order among equal ranks (the entry's index is part of its key).
  const entries: Entry[] = replies
    .map((r) => ({
      reply: r,
      shortcut: normalizeForSearch(r.shortcut),
      title: normalizeForSearch(r.title),
      body: normalizeForSearch(r.body),
      tags: r.tags.map(normalizeForSearch),
      language: r.language.toLowerCase(),
    }))
    .sort(
      (a, b) =>
        (a.shortcut < b.shortcut ? -1 : a.shortcut > b.shortcut ? 1 : 0) ||
        Number(a.reply.ownerId === null) - Number(b.reply.ownerId === null) ||
        (a.reply.id < b.reply.id ? -1 : 1),
    );

  const n = entries.length;
  // Sort keys of the current search; searches are synchronous, so one buffer serves them all.
  const keys = new Float64Array(n);

  return {
    size: n,
    /** Team replies and the viewer's personal ones that match, ranked; `total` counts all matches. */
    search(viewerId: string, o: SearchOptions): { replies: CannedReplyRecord[]; total: number } {
      const q = normalizeForSearch((o.q ?? '').trim()).replace(/^\//, '');
      const lang = o.language?.toLowerCase();
      const langPrefix = `${lang}-`;
      let count = 0;
      for (let i = 0; i < n; i++) {
        const e = entries[i];
        if (e.reply.ownerId !== null && e.reply.ownerId !== viewerId) continue;
        if (lang && e.language !== lang && !e.language.startsWith(langPrefix)) continue;
        // rank = tier, then match position, then shortcut length (each bounded below 1000).
        let rank: number;
        if (!q) {
          rank = 0;
        } else if (e.shortcut.startsWith(q)) {
          rank = Math.min(e.shortcut.length, 999);
        } else {
          // The title's match position (below 998), else a tag (998), else inside the shortcut (999).
          let pos = Math.min(e.title.indexOf(q), 997);
          if (pos < 0 && e.tags.some((t) => t.includes(q))) pos = 998;
          if (pos < 0 && e.shortcut.includes(q)) pos = 999;
          if (pos >= 0) {
            rank = 1e6 + pos * 1e3 + Math.min(e.shortcut.length, 999);
          } else {
            pos = e.body.indexOf(q);
            if (pos < 0) continue;
            rank = 2e6 + Math.min(pos, 999) * 1e3 + Math.min(e.shortcut.length, 999);
          }
        }
        // The entry's index in the low digits keeps shortcut order among equal ranks (exact below 2^53).
        keys[count++] = rank * n + i;
      }
      const hits = keys.subarray(0, count).sort();
      const offset = o.offset ?? 0;
      const replies: CannedReplyRecord[] = [];
      for (let j = offset; j < Math.min(count, offset + o.limit); j++) replies.push(entries[hits[j] % n].reply);
      return { replies, total: count };
    },
  };
}

export type CannedReplyIndex = ReturnType<typeof buildCannedReplyIndex>;

export interface CannedReplyServiceDeps {
  store: CannedReplyStore;
  clock: Clock;
  logger: Logger;
  /** Longest time another process's write may go unseen by this one's search. @default 1000 */
  checkEveryMs?: number;
}

/** Who is acting: their id and role. */
export interface Author {
  id: string;
  role: Role;
}

export type NewReplyInput = Omit<NewCannedReply, 'ownerId' | 'demo'> & { scope: 'team' | 'personal' };

export type CannedReplyService = ReturnType<typeof createCannedReplyService>;

export function createCannedReplyService(deps: CannedReplyServiceDeps) {
  const { store, clock } = deps;
  const log = deps.logger.child({ module: 'canned-replies' });
  const checkEvery = deps.checkEveryMs ?? 1000;

  let index: CannedReplyIndex | null = null;
  let version = -1;
  let checkedAt = -Infinity;
  /** Writes made by this process; a refresh that overlapped one does not count as a check. */
  let writes = 0;
  let refreshing: Promise<boolean> | null = null;

  /** True when no write of this process happened meanwhile (else the result may predate it). */
  async function refresh(): Promise<boolean> {
    const seen = writes;
    const current = await store.version();
    if (index === null || current !== version) {
      const all = await store.all();
      index = buildCannedReplyIndex(all.replies);
      version = all.version;
      log.debug({ version, replies: index.size }, 'search index rebuilt');
    }
    if (writes !== seen) return false;
    checkedAt = clock.now();
    return true;
  }

  /** The index, checked against the database at most once per `checkEvery` (one check at a time). */
  async function fresh(): Promise<CannedReplyIndex> {
    if (index !== null && clock.now() - checkedAt < checkEvery) return index;
    for (;;) {
      refreshing ??= refresh().finally(() => (refreshing = null));
      if (await refreshing) return index!;
    }
  }

  /** After a write here: the next search checks the version (and so rebuilds). */
  function changed() {
    writes++;
    checkedAt = -Infinity;
  }

  function checkBody(body: string) {
    const unknown = unknownVariables(body);
    if (unknown.length) {
      throw new AppError('UNKNOWN_VARIABLE', `Unknown variable ${unknown.join(', ')}; allowed: ${CANNED_VARIABLES.map((v) => `{${v}}`).join(', ')}`);
    }
  }

  /** A reply the author may see: team replies and their own personal ones. */
  async function visible(author: Author, id: string): Promise<CannedReplyRecord> {
    const r = await store.get(id);
    if (!r || (r.ownerId !== null && r.ownerId !== author.id)) throw new AppError('CANNED_REPLY_NOT_FOUND');
    return r;
  }

  /** Team replies are the leads'; a personal reply is its owner's alone. */
  async function writable(author: Author, id: string): Promise<CannedReplyRecord> {
    const r = await visible(author, id);
    if (r.ownerId === null && author.role !== 'lead') throw new AppError('FORBIDDEN', 'Only a lead may change team replies');
    return r;
  }

  /** The reply a write saved; SHORTCUT_TAKEN when the scope already uses its shortcut. */
  function saved(w: CannedReplyWrite): CannedReplyRecord;
  function saved(w: CannedReplyWrite | null): CannedReplyRecord | null;
  function saved(w: CannedReplyWrite | null) {
    if (w?.status === 'shortcut_taken') throw new AppError('SHORTCUT_TAKEN');
    return w?.reply ?? null;
  }

  return {
    async search(author: Author, o: SearchOptions) {
      return (await fresh()).search(author.id, o);
    },

    get: visible,

    async create(author: Author, input: NewReplyInput): Promise<CannedReplyRecord> {
      if (input.scope === 'team' && author.role !== 'lead') {
        throw new AppError('FORBIDDEN', 'Only a lead may create team replies; use scope "personal"');
      }
      checkBody(input.body);
      const { scope, ...fields } = input;
      const r = saved(await store.create({ ...fields, ownerId: scope === 'team' ? null : author.id }, clock.now()));
      changed();
      log.info({ replyId: r.id, scope, by: author.id }, 'canned reply created');
      return r;
    },

    async update(author: Author, id: string, patch: CannedReplyPatch): Promise<CannedReplyRecord> {
      await writable(author, id);
      if (patch.body !== undefined) checkBody(patch.body);
      const r = saved(await store.update(id, patch, clock.now()));
      changed();
      if (!r) throw new AppError('CANNED_REPLY_NOT_FOUND');
      return r;
    },

    async remove(author: Author, id: string): Promise<void> {
      await writable(author, id);
      await store.remove(id);
      changed();
      log.info({ replyId: id, by: author.id }, 'canned reply deleted');
    },

    /** Lead only: deletes the seeded demo team replies. */
    async removeDemo(author: Author): Promise<number> {
      if (author.role !== 'lead') throw new AppError('FORBIDDEN');
      const removed = await store.removeDemo();
      changed();
      log.info({ removed, by: author.id }, 'demo canned replies deleted');
      return removed;
    },
  };
}
