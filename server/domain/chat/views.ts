/** Stored records turned into what clients see (protocol views), with names and live state. */
import {
  PAGE_MESSAGES,
  PAGE_TEXT_BYTES,
  type AgentPresenceView,
  type AgentSelf,
  type ConversationView,
  type DepartmentRef,
  type Message,
  type Page,
  type VisitorConversationState,
} from '../../../shared/protocol';
import { AppError } from '../../errors';
import type { AgentPresence } from '../ports/presence';
import { AUTO_CLIENT_ID_PREFIX, type ConversationRecord, type StoredMessage } from '../ports/records';
import type { ChatServiceDeps } from './deps';
import type { Lookups } from './lookups';
import { presenceAt } from './visitor-presence';

/** `extras`: the estimated wait and long-wait flag, kept only while queued (queue-wait.ts). */
export function visitorState(v: ConversationView, extras?: Pick<VisitorConversationState, 'estimatedWaitSec' | 'longWait'>): VisitorConversationState {
  const state = { id: v.id, status: v.status, agentName: v.agent?.name ?? null, queuePosition: v.queuePosition };
  return v.status === 'queued' && extras ? { ...state, ...extras } : state;
}

/**
 * Which page of a transcript: the first after `afterSeq` (catching up, oldest first), or the
 * newest before `beforeSeq` (reading back; null: the latest page).
 */
export type PageAt = { afterSeq: number } | { beforeSeq: number | null };

/** The page a `conversation:history` query asks for. */
export const pageAt = (q: { afterSeq?: number; beforeSeq?: number }): PageAt =>
  q.beforeSeq !== undefined ? { beforeSeq: q.beforeSeq } : { afterSeq: q.afterSeq ?? 0 };

/** Bytes of `s` in UTF-8 (a surrogate pair is 4, each half counted 2). */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    n += c < 0x80 ? 1 : c < 0x800 || (c >= 0xd800 && c < 0xe000) ? 2 : 3;
  }
  return n;
}

/** How many of `rows`, taken from the front, fit in one page's text (never fewer than one). */
export function fitText(rows: readonly { text: string }[]): number {
  let size = 0;
  for (let i = 0; i < rows.length; i++) {
    size += utf8Length(rows[i].text);
    if (size > PAGE_TEXT_BYTES && i > 0) return i;
  }
  return rows.length;
}

export type Views = ReturnType<typeof createViews>;

export function createViews({ store, pool, clock, limits }: Pick<ChatServiceDeps, 'store' | 'pool' | 'clock' | 'limits'>, lookups: Lookups) {
  const { agentName, user } = lookups;

  async function toMessage(m: StoredMessage): Promise<Message> {
    return {
      conversationId: m.conversationId,
      seq: m.seq,
      clientId: m.clientId,
      author: m.author,
      authorId: m.authorId,
      authorName: m.author === 'agent' ? await agentName(m.authorId) : null,
      kind: m.kind,
      text: m.text,
      ...(m.event ? { event: m.event } : {}),
      at: m.at,
      ...(m.clientId?.startsWith(AUTO_CLIENT_ID_PREFIX) ? { auto: true as const } : {}),
    };
  }

  /** A department's id and current name; null for none (or one deleted meanwhile). */
  async function departmentRef(id: string | null): Promise<DepartmentRef | null> {
    if (id === null) return null;
    const d = await store.getDepartment(id);
    return d && { id: d.id, name: d.name };
  }

  return {
    toMessage,
    departmentRef,

    /**
     * One page of a transcript: at most `limit` (≤ PAGE_MESSAGES) messages and PAGE_TEXT_BYTES
     * of text. `hasMore`: messages follow the page's last one.
     */
    async page(conversationId: string, at: PageAt, includeNotes: boolean, limit = PAGE_MESSAGES): Promise<Page> {
      const n = Math.min(limit, PAGE_MESSAGES);
      if ('afterSeq' in at) {
        // One row more than the page tells whether more follow.
        const rows = await store.messagesAfter(conversationId, at.afterSeq, { includeNotes, limit: n + 1 });
        const kept = rows.slice(0, Math.min(n, fitText(rows)));
        return { messages: await Promise.all(kept.map(toMessage)), hasMore: kept.length < rows.length };
      }
      const rows = await store.messagesBefore(conversationId, at.beforeSeq, { includeNotes, limit: n });
      // Read back from the newest: the text budget drops the oldest, which stay "earlier".
      const kept = rows.slice(rows.length - fitText([...rows].reverse()));
      const last = kept.at(-1)?.seq ?? (at.beforeSeq === null ? null : at.beforeSeq - 1);
      const hasMore =
        at.beforeSeq !== null && last !== null && (await store.messagesAfter(conversationId, last, { includeNotes, limit: 1 })).length > 0;
      return { messages: await Promise.all(kept.map(toMessage)), hasMore };
    },

    /** The conversation with its live assignee and queue position (the pool's, not the stored copy). */
    async conversationView(c: ConversationRecord): Promise<ConversationView> {
      const agentId = c.status === 'closed' ? c.agentId : await pool.assignmentOf(c.id);
      const [name, visitor, department] = await Promise.all([agentName(agentId), store.getVisitor(c.visitorId), departmentRef(c.departmentId)]);
      return {
        id: c.id,
        visitorId: c.visitorId,
        visitorName: visitor?.name ?? null,
        status: c.status === 'closed' ? 'closed' : agentId ? 'open' : 'queued',
        agent: agentId ? { id: agentId, name: name ?? agentId } : null,
        queuePosition: c.status === 'closed' || agentId ? null : await pool.queuePosition(c.id),
        openedAt: c.openedAt,
        firstResponseAt: c.firstResponseAt,
        closedAt: c.closedAt,
        closeCategory: c.closeCategory,
        closeSummary: c.closeSummary,
        lastSeq: c.lastSeq,
        priority: c.priority,
        department,
        ...(visitor?.presence && c.status !== 'closed'
          ? { visitorPresence: presenceAt(visitor.presence, { conversationId: c.id, visitorId: c.visitorId }, clock.now(), limits.visitorLeftGraceMs) }
          : {}),
      };
    },

    async agentSelf(agentId: string, presence?: AgentPresence | null): Promise<AgentSelf> {
      const u = await user(agentId);
      if (!u) throw new AppError('AGENT_NOT_FOUND');
      const p = presence ?? (await pool.agent(agentId));
      return {
        id: u.id,
        name: u.displayName,
        email: u.email,
        role: u.role,
        status: p?.status ?? 'offline',
        capacity: p?.capacity ?? u.capacity,
        load: p?.load ?? 0,
      };
    },

    async presenceView(p: AgentPresence): Promise<AgentPresenceView> {
      return {
        id: p.agentId,
        name: (await agentName(p.agentId)) ?? p.agentId,
        status: p.status,
        capacity: p.capacity,
        load: p.load,
        connected: p.connections > 0,
      };
    },
  };
}
