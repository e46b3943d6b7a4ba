/** Stored records turned into what clients see (protocol views), with names and live state. */
import type {
  AgentPresenceView,
  AgentSelf,
  ConversationView,
  Message,
  VisitorConversationState,
} from '../../../shared/protocol';
import { AppError } from '../../errors';
import type { AgentPresence } from '../ports/presence';
import type { ConversationRecord, StoredMessage } from '../ports/records';
import type { ChatServiceDeps } from './deps';
import type { Lookups } from './lookups';

export function visitorState(v: ConversationView): VisitorConversationState {
  return { id: v.id, status: v.status, agentName: v.agent?.name ?? null, queuePosition: v.queuePosition };
}

export type Views = ReturnType<typeof createViews>;

export function createViews({ store, pool }: Pick<ChatServiceDeps, 'store' | 'pool'>, lookups: Lookups) {
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
    };
  }

  return {
    toMessage,

    async history(conversationId: string, afterSeq: number, includeNotes: boolean, limit?: number) {
      const rows = await store.messagesAfter(conversationId, afterSeq, { includeNotes, limit });
      return Promise.all(rows.map(toMessage));
    },

    /** The conversation with its live assignee and queue position (the pool's, not the stored copy). */
    async conversationView(c: ConversationRecord): Promise<ConversationView> {
      const agentId = c.status === 'closed' ? c.agentId : await pool.assignmentOf(c.id);
      const [name, visitor] = await Promise.all([agentName(agentId), store.getVisitor(c.visitorId)]);
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
