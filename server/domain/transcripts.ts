/**
 * Conversation lists and full transcripts, current and past, for the REST API. Who may
 * see what is decided here: a lead sees every conversation; an agent those whose agent
 * is them (what they handle now and what they handled to the end); a visitor only their
 * own, without internal notes. A conversation someone may not see looks like a missing one.
 */
import type { Message, VisitorMessage } from '../../shared/protocol';
import { AppError } from '../errors';
import type { ChatStore } from './ports/chat-store';
import type {
  ConversationFilter,
  ConversationRecord,
  ConversationSummary,
  RatingRecord,
  StoredMessage,
  VisitorRecord,
} from './ports/records';

export type Viewer = { kind: 'lead' | 'agent' | 'visitor'; id: string };

export type ListFilter = Omit<ConversationFilter, 'limit' | 'after'>;

export interface Transcript<M = Message> {
  conversation: ConversationRecord;
  agentName: string | null;
  messages: M[];
  visitor: VisitorRecord | null;
  rating: RatingRecord | null;
}

/**
 * What a visitor may see of a message, over the socket and over REST alike: agents' ids are
 * null (their name stays), events lose agent ids and transfer notes. Notes never reach them.
 */
export function visitorMessage(m: Message): VisitorMessage {
  const { event, ...rest } = m;
  const out: VisitorMessage = m.author === 'agent' ? { ...rest, authorId: null } : rest;
  if (!event) return out;
  switch (event.type) {
    case 'assigned':
      return { ...out, event: { type: 'assigned', agentName: event.agentName } };
    case 'closed':
      return { ...out, event: { type: 'closed', by: event.by } };
    case 'queued':
      return { ...out, event: { type: 'queued', position: event.position } };
    case 'faq_offered':
      return { ...out, event: { type: 'faq_offered', entryId: event.entryId, question: event.question, answer: event.answer } };
    default:
      return { ...out, event: { type: event.type } };
  }
}

/** Messages read per query while assembling a transcript. */
const PAGE = 1000;

export type TranscriptService = ReturnType<typeof createTranscriptService>;

export function createTranscriptService(deps: { store: ChatStore }) {
  const { store } = deps;

  async function names(ids: Iterable<string>): Promise<Map<string, string>> {
    const unique = [...new Set(ids)];
    const users = await Promise.all(unique.map((id) => store.getUser(id)));
    return new Map(users.flatMap((u) => (u ? [[u.id, u.displayName] as const] : [])));
  }

  async function allMessages(conversationId: string, includeNotes: boolean): Promise<StoredMessage[]> {
    const out: StoredMessage[] = [];
    for (;;) {
      const page = await store.messagesAfter(conversationId, out.at(-1)?.seq ?? 0, { includeNotes, limit: PAGE });
      out.push(...page);
      if (page.length < PAGE) return out;
    }
  }

  async function load(viewer: Viewer, id: string): Promise<Transcript> {
    const c = await store.getConversation(id);
    const allowed =
      c !== null &&
      (viewer.kind === 'lead' ||
        (viewer.kind === 'agent' && c.agentId === viewer.id) ||
        (viewer.kind === 'visitor' && c.visitorId === viewer.id));
    if (!allowed) throw new AppError('CONVERSATION_NOT_FOUND');
    const [stored, visitor, rating] = await Promise.all([
      allMessages(c.id, viewer.kind !== 'visitor'),
      store.getVisitor(c.visitorId),
      store.getRating(c.id),
    ]);
    const agentIds = stored.flatMap((m) => (m.author === 'agent' && m.authorId ? [m.authorId] : []));
    const nameOf = await names(c.agentId ? [...agentIds, c.agentId] : agentIds);
    const messages = stored.map(
      (m): Message => ({
        conversationId: m.conversationId,
        seq: m.seq,
        clientId: m.clientId,
        author: m.author,
        authorId: m.authorId,
        authorName: m.author === 'agent' && m.authorId ? (nameOf.get(m.authorId) ?? null) : null,
        kind: m.kind,
        text: m.text,
        ...(m.event ? { event: m.event } : {}),
        at: m.at,
      }),
    );
    return { conversation: c, agentName: c.agentId ? (nameOf.get(c.agentId) ?? null) : null, messages, visitor, rating };
  }

  return {
    /**
     * One page, newest first, and the position after its last row when there may be more.
     * An agent's list is always narrowed to their own conversations.
     */
    async list(viewer: Viewer, filter: ListFilter, page: { limit: number; after?: ConversationFilter['after'] }) {
      if (viewer.kind === 'visitor') throw new AppError('FORBIDDEN');
      if (viewer.kind === 'agent') {
        if (filter.agentId !== undefined && filter.agentId !== viewer.id) {
          throw new AppError('FORBIDDEN', 'Agents see only their own conversations');
        }
        filter = { ...filter, agentId: viewer.id };
      }
      // One row more than asked says whether another page exists.
      const rows = await store.listConversations({ ...filter, after: page.after, limit: page.limit + 1 });
      const items: ConversationSummary[] = rows.slice(0, page.limit);
      const last = items.at(-1);
      return { items, next: rows.length > page.limit && last ? { openedAt: last.openedAt, id: last.id } : null };
    },

    /** The whole conversation with internal notes: a lead's any, an agent's their own. */
    get(viewer: Viewer & { kind: 'lead' | 'agent' }, id: string): Promise<Transcript> {
      return load(viewer, id);
    },

    /** A visitor's own conversation: no notes, and messages as the socket gives them to visitors. */
    async getOwn(visitorId: string, id: string): Promise<Transcript<VisitorMessage>> {
      const t = await load({ kind: 'visitor', id: visitorId }, id);
      return { ...t, messages: t.messages.map(visitorMessage) };
    },
  };
}
