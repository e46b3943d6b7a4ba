/**
 * What a queued visitor is told besides their position: an estimated wait, and whether they
 * have waited longer than the team's limit (routines' `queueWaitLimitMinutes`), when the widget
 * offers the leave-a-message form; the chat keeps its place unless they leave a message.
 *
 * The estimate comes from the site's recent assignment rate, tallied per minute in the presence
 * pool (so every process estimates alike): the assignments of the last `windowMinutes` (the
 * current minute included) over the time those minutes cover give seconds per place, times the
 * position. It is null, "cannot be estimated yet", when fewer than `minAssignments` were made or
 * no agent is online: nobody is taking chats, and a figure would be invented. It is pushed with
 * every queue-position broadcast, so it changes when positions change.
 *
 * The wait counts from the conversation's opening (immutable, so cached per process). The sweep
 * pushes the state once per process when the limit passes; every state built afterwards, on any
 * process, carries `longWait` too, so several processes sweeping only repeat the same state.
 */
import type { VisitorConversationState } from '../../../shared/protocol';
import type { ConversationRecord } from '../ports/records';
import type { ChatServiceDeps } from './deps';
import { remember, rememberIn } from './lookups';

const MINUTE = 60_000;

/** The queue-only fields of a visitor's state. */
export type QueueExtras = Pick<VisitorConversationState, 'estimatedWaitSec' | 'longWait'>;
/** Reads once, then tells each queued visitor theirs: for a whole broadcast at the cost of one visitor. */
export type QueueReader = (position: number, openedAt: number) => QueueExtras;

export type QueueWait = ReturnType<typeof createQueueWait>;

export function createQueueWait(deps: ChatServiceDeps) {
  const { store, pool, notifier, clock } = deps;
  const windowMinutes = deps.waitEstimate?.windowMinutes ?? 15;
  const minAssignments = deps.waitEstimate?.minAssignments ?? 3;
  const log = deps.logger.child({ module: 'queue-wait' });
  const openedAt = new Map<string, number>();
  // Queued conversations whose long wait this process has pushed (each once).
  const told = new Set<string>();

  async function reader(): Promise<QueueReader> {
    const now = clock.now();
    const from = (Math.floor(now / MINUTE) - windowMinutes + 1) * MINUTE;
    const [made, agents, routines] = await Promise.all([pool.assignmentsSince(from), pool.agents(), deps.routines?.()]);
    const perPlace = made >= minAssignments && agents.some((a) => a.status === 'online') ? (now - from) / 1000 / made : null;
    const limitMs = (routines?.queueWaitLimitMinutes ?? 0) * MINUTE;
    return (position, opened) => ({
      estimatedWaitSec: perPlace === null ? null : Math.round(position * perPlace),
      ...(limitMs > 0 && now - opened >= limitMs ? { longWait: true as const } : {}),
    });
  }

  async function openedAtOf(conversationId: string): Promise<number | null> {
    const hit = openedAt.get(conversationId);
    if (hit !== undefined) return hit;
    const c = await store.getConversation(conversationId);
    if (c) remember(openedAt, c.id, c.openedAt);
    return c?.openedAt ?? null;
  }

  function queuedState(id: string, position: number, extras: QueueExtras): VisitorConversationState {
    return { id, status: 'queued', agentName: null, queuePosition: position, ...extras };
  }

  return {
    reader,
    queuedState,

    /** After a pool step made `count` assignments: tallied for the estimate (a lost count only skews it). */
    async tally(count: number) {
      if (count <= 0) return;
      // One minute more than the window: the oldest minute read is still whole.
      await pool.tallyAssignments(count, clock.now(), (windowMinutes + 1) * MINUTE).catch((err) =>
        log.warn({ err }, 'assignment tally failed; the wait estimate misses these'),
      );
    },

    /** Each queued conversation's state for its visitor, head first (null where the conversation is gone). */
    async queueStates(queue: string[]): Promise<(VisitorConversationState | null)[]> {
      if (!queue.length) return [];
      const [read, opened] = await Promise.all([reader(), Promise.all(queue.map(openedAtOf))]);
      return queue.map((id, i) => (opened[i] === null ? null : queuedState(id, i + 1, read(i + 1, opened[i]!))));
    },

    /**
     * Part of the routines' sweep: tells each visitor whose queued wait has just passed the limit
     * (their state, with `longWait`). `active`: the store's non-closed conversations.
     */
    async sweep(active: ConversationRecord[]): Promise<number> {
      const queued = active.filter((c) => c.status === 'queued');
      const still = new Set(queued.map((c) => c.id));
      for (const id of told) if (!still.has(id)) told.delete(id);
      const due = queued.filter((c) => !told.has(c.id));
      if (!due.length) return 0;
      const read = await reader();
      let n = 0;
      for (const c of due) {
        remember(openedAt, c.id, c.openedAt);
        const position = await pool.queuePosition(c.id);
        if (position === null) continue; // assigned since the store was read
        const extras = read(position, c.openedAt);
        if (!extras.longWait) continue;
        rememberIn(told, c.id);
        notifier.visitor(c.visitorId, 'conversation:state', queuedState(c.id, position, extras));
        n++;
      }
      return n;
    },
  };
}
