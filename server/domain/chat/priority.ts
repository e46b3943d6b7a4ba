/**
 * Queue priority: a bit set on the conversation, higher first in the queue (FIFO within one).
 * A proven VIP tier sets `vip`, a registered complaint `complaint`, so a complaint outranks a
 * VIP and a VIP's complaint outranks both. Raising is durable first (the store), then the pool
 * moves a waiting conversation to its place, and the queue's new positions are broadcast.
 */
import type { ChatServiceDeps } from './deps';
import type { Audience } from './audience';
import type { Routing } from './routing';

export const PRIORITY = { vip: 1, complaint: 2 } as const;

export type Priorities = ReturnType<typeof createPriorities>;

export function createPriorities(deps: ChatServiceDeps, parts: { routing: Routing; audience: Audience }) {
  const { store, pool } = deps;
  const { routing, audience } = parts;
  return {
    /** ORs `bits` into an active conversation's priority; nothing happens to a closed or missing one. */
    async raise(conversationId: string, bits: number) {
      const priority = await store.raisePriority(conversationId, bits);
      if (priority === null) return;
      const change = await pool.prioritize(conversationId, priority);
      await routing.applyChange(change);
      await audience.announceConversation(conversationId);
    },
  };
}
