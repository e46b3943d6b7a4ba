/**
 * Reads the message path would otherwise repeat: a conversation's visitor, a visitor's open
 * conversation, display names. Bounded caches (the oldest entry goes first); a miss only
 * costs a store read, and a stale entry is corrected by the store refusing the write.
 */
import { AppError } from '../../errors';
import type { ConversationRecord, UserRecord } from '../ports/records';
import type { ChatServiceDeps } from './deps';

const MAX_CACHED = 20_000;
/** Display names change rarely; a cached user is read again after this long. */
const USER_TTL_MS = 60_000;

export function remember<K, V>(map: Map<K, V>, key: K, value: V) {
  if (map.size >= MAX_CACHED) map.delete(map.keys().next().value as K);
  map.set(key, value);
}

export function rememberIn<K>(set: Set<K>, key: K) {
  if (set.size >= MAX_CACHED) set.delete(set.values().next().value as K);
  set.add(key);
}

export type Lookups = ReturnType<typeof createLookups>;

export function createLookups({ store, clock }: Pick<ChatServiceDeps, 'store' | 'clock'>) {
  // A conversation's visitor never changes.
  const visitorOf = new Map<string, string>();
  // The conversation each visitor last had open here. Possibly stale (closed by another process):
  // the append refuses a closed conversation, and only then is the active one looked up.
  const activeOf = new Map<string, string>();
  // Conversations whose first agent reply is already recorded, to skip a write per message.
  const firstResponded = new Set<string>();
  const users = new Map<string, { user: UserRecord; at: number }>();

  async function user(id: string): Promise<UserRecord | null> {
    const hit = users.get(id);
    if (hit && clock.now() - hit.at < USER_TTL_MS) return hit.user;
    const u = await store.getUser(id);
    if (u) remember(users, id, { user: u, at: clock.now() });
    return u;
  }

  async function conversationOrThrow(id: string): Promise<ConversationRecord> {
    const c = await store.getConversation(id);
    if (!c) throw new AppError('CONVERSATION_NOT_FOUND');
    remember(visitorOf, c.id, c.visitorId);
    return c;
  }

  return {
    visitorOf,
    activeOf,
    firstResponded,
    user,
    async agentName(id: string | null): Promise<string | null> {
      if (!id) return null;
      return (await user(id))?.displayName ?? null;
    },
    conversationOrThrow,
    async visitorIdOf(conversationId: string): Promise<string> {
      return visitorOf.get(conversationId) ?? (await conversationOrThrow(conversationId)).visitorId;
    },
    /** Remembers that the visitor's open conversation is `conversationId`. */
    opened(visitorId: string, conversationId: string) {
      remember(visitorOf, conversationId, visitorId);
      remember(activeOf, visitorId, conversationId);
    },
    /** Drops this process's cached copy of a user edited elsewhere (name, role, capacity). */
    forgetUser(id: string) {
      users.delete(id);
    },
  };
}
