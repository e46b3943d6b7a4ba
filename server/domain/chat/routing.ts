/**
 * Routing made durable and visible: each pool step's outcome (assignments, requeues, queue
 * changes) is recorded in the transcript and announced. Every step can run again: the pool's
 * `route` is idempotent, and `repair` compares the stored conversations with the pool and
 * finishes whatever an interrupted step left behind.
 */
import type { ConversationView, Message } from '../../../shared/protocol';
import { AppError } from '../../errors';
import type { RepairKind } from '../ports/metrics';
import type { PoolChange, QueueOptions } from '../ports/presence';
import { DEFAULT_SETTINGS } from '../settings';
import type { ConversationRecord } from '../ports/records';
import { visitorMessage } from '../transcripts';
import type { Audience } from './audience';
import type { ChatServiceDeps } from './deps';
import { unlessClosedMeanwhile } from './events';
import { rememberIn, type Lookups } from './lookups';
import type { QueueWait } from './queue-wait';
import type { Routines } from './routines';
import { visitorState, type Views } from './views';

/** A conversation just opened by this process, with every message it holds so far. */
export interface KnownConversation {
  conversation: ConversationRecord;
  visitorName: string | null;
  messages: Message[];
}

export type Routing = ReturnType<typeof createRouting>;

export function createRouting(deps: ChatServiceDeps, lookups: Lookups, views: Views, audience: Audience, routines?: Routines, queueWait?: QueueWait) {
  const { store, pool, notifier, clock, metrics, limits } = deps;
  const processId = deps.processId ?? 'local';
  const log = deps.logger.child({ module: 'routing' });
  // When each conversation was routed or requeued, and which ones waited in the queue: for metrics.
  const routedAt = new Map<string, number>();
  const waited = new Set<string>();
  // Drift seen by the previous repair pass: only drift seen twice is repaired (a step in flight is not drift).
  let suspects = new Map<string, RepairKind>();

  /** How long a conversation waits for its department's agents before any agent may take it. */
  const overflowMs = async () => ((await deps.departments?.()) ?? DEFAULT_SETTINGS.departments).overflowSeconds * 1000;

  /**
   * How a conversation waits in the pool: its priority, and its department until its opening time
   * plus the overflow wait (a transfer to a department counts from the transfer instead).
   */
  async function queueOptions(c: ConversationRecord): Promise<QueueOptions> {
    if (c.departmentId === null) return { priority: c.priority };
    return { priority: c.priority, department: c.departmentId, overflowAt: c.openedAt + (await overflowMs()) };
  }

  /**
   * Tells the agent, then records. The pool already holds the assignment, so the agent hears of
   * it first: a crash before the record leaves drift the repair finishes (`assignment_unrecorded`,
   * which tells them again), whereas a crash between a record and the telling left SQL and the
   * pool agreeing on an agent who was never told (test/fault/). A crash after the record loses
   * only the live `assigned` event, which either side's resume brings.
   */
  async function deliverAssignment(conversationId: string, agentId: string, known?: KnownConversation) {
    const name = (await lookups.agentName(agentId)) ?? agentId;
    let view: ConversationView;
    let messages: Message[];
    // Known and complete (seqs 1..n): built from the rows this process wrote, nothing read back.
    const fast = known && known.messages.every((m, i) => m.seq === i + 1) ? known : undefined;
    if (fast) {
      const c = fast.conversation;
      messages = fast.messages;
      view = {
        id: c.id,
        visitorId: c.visitorId,
        visitorName: fast.visitorName,
        status: 'open',
        agent: { id: agentId, name },
        queuePosition: null,
        openedAt: c.openedAt,
        firstResponseAt: c.firstResponseAt,
        closedAt: null,
        closeCategory: null,
        closeSummary: null,
        lastSeq: messages.length,
        priority: c.priority,
        department: await views.departmentRef(c.departmentId),
      };
    } else {
      view = await views.conversationView(await lookups.conversationOrThrow(conversationId));
      messages = (await views.page(conversationId, { beforeSeq: null }, true)).messages;
    }
    // The latest page: nothing follows it, earlier messages are read back on demand.
    notifier.agents({ agentIds: [agentId] }, 'conversation:assigned', { conversation: view, messages, hasMore: false });
    audience.leadsSee(view);
    notifier.visitor(view.visitorId, 'conversation:state', visitorState(view));
    const event = await store.assignWithEvent(conversationId, agentId, { type: 'assigned', agentId, agentName: name }, clock.now());
    if (!event) {
      // Closed meanwhile: take back what the agent was just told (the close, or the repair, releases it).
      notifier.agents({ agentIds: [agentId] }, 'conversation:removed', { conversationId, reason: 'closed' });
      throw new AppError('CONVERSATION_CLOSED');
    }
    await audience.announceEvent(event, [agentId]);
    // Written by others after the rows known here, before the pool held the assignment: their
    // delivery found no agent, so the agent gets them now.
    if (fast && event.seq !== messages.length + 1) {
      const missed = await views.page(conversationId, { afterSeq: messages.length }, true);
      for (const m of missed.messages) if (m.seq !== event.seq) notifier.agents({ agentIds: [agentId] }, 'message', m);
    }
    await routines?.greet(conversationId, agentId).catch((err) => log.error({ err, conversationId }, 'greeting failed; the next assignment or repair retries it'));
    const since = routedAt.get(conversationId);
    if (since !== undefined) {
      routedAt.delete(conversationId);
      metrics?.assigned((clock.now() - since) / 1000, waited.delete(conversationId));
    }
  }

  /** Makes the outcome of one pool step durable and visible. */
  async function applyChange(
    change: PoolChange,
    reason: 'agent_offline' | 'agent_disconnected' = 'agent_offline',
    known?: KnownConversation,
  ) {
    for (const { conversationId, fromAgentId } of change.requeued) {
      notifier.agents({ agentIds: [fromAgentId] }, 'conversation:removed', { conversationId, reason: 'requeued' });
      const event = await store.assignWithEvent(conversationId, null, { type: 'requeued', fromAgentId, reason }, clock.now());
      // Null: closed meanwhile, and the close releases it from the pool.
      if (event) await audience.announceEvent(event);
      routedAt.set(conversationId, clock.now());
      await audience.announceConversation(conversationId);
    }
    for (const a of change.assigned) {
      await deliverAssignment(a.conversationId, a.agentId, a.conversationId === known?.conversation.id ? known : undefined)
        .catch(unlessClosedMeanwhile);
    }
    await queueWait?.tally(change.assigned.length);
    const touched = new Set([...change.assigned.map((a) => a.agentId), ...change.requeued.map((r) => r.fromAgentId)]);
    await Promise.all([...touched].map((id) => audience.announceAgent(id)));
    if (change.queueChanged || change.requeued.length) audience.scheduleQueueBroadcast();
  }

  /** Routes a conversation (again: the pool answers an assigned or queued one as it is). */
  async function routeConversation(conversationId: string, known?: KnownConversation) {
    routedAt.set(conversationId, clock.now());
    const c = known?.conversation ?? (await store.getConversation(conversationId));
    const result = await pool.route(conversationId, c ? await queueOptions(c) : {});
    if (result.outcome === 'queued' && result.queueChanged) {
      rememberIn(waited, conversationId);
      await audience.recordEvent(conversationId, { type: 'queued', position: result.position });
      await audience.announceConversation(conversationId);
    }
    await applyChange(result, 'agent_offline', known);
    return result;
  }

  /** Every assignment the pool holds, conversation id to agent id. */
  async function poolAssignments(): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const agents = await pool.agents();
    const lists = await Promise.all(agents.map((a) => pool.agentConversations(a.agentId)));
    agents.forEach((a, i) => lists[i].forEach((id) => out.set(id, a.agentId)));
    return out;
  }

  return {
    routedAt,
    queueOptions,
    overflowMs,
    applyChange,
    deliverAssignment,
    routeConversation,

    /** Conversations whose department wait is over may go to any agent: one pass (run periodically by every process). */
    async sweepOverflow() {
      const change = await pool.overflow(clock.now());
      if (change.overflowed.length) log.info({ conversations: change.overflowed.length }, 'department wait over: any agent may take them');
      await applyChange(change);
    },

    /**
     * A re-sent message (its ack may have been lost with whatever followed it): route its
     * conversation if the pool has lost it, and deliver the message to whoever handles it now.
     */
    async redeliver(message: Message, recipients: { visitor: boolean }) {
      const c = await store.getConversation(message.conversationId);
      if (!c || c.status === 'closed') return;
      const agentId = await pool.assignmentOf(c.id);
      if (!agentId && (await pool.queuePosition(c.id)) === null) {
        await routeConversation(c.id);
        return; // an assignment carries the whole history, this message included
      }
      notifier.agents({ agentIds: agentId ? [agentId] : [], watchersOf: c.id }, 'message', message);
      if (recipients.visitor && message.kind === 'text') {
        notifier.visitor(c.visitorId, 'message', visitorMessage(message));
      }
    },

    /**
     * Compares the non-closed conversations in the store with the pool's queue and
     * assignments and puts right what disagrees twice in a row: a stored conversation the
     * pool has lost is routed; an assignment the pool made but the store did not record is
     * recorded and delivered; a conversation closed in the store but still in the pool is
     * released. Returns how many were repaired.
     *
     * One process at a time repairs (a lease in the pool, renewed by its holder each pass;
     * another takes over when it lapses): two repairing at once would both deliver the same
     * unrecorded assignment. A process without the lease returns 0.
     */
    async repair(): Promise<number> {
      if (!(await pool.acquireLease('repair', processId, clock.now(), limits.repairLeaseMs))) {
        suspects = new Map(); // drift seen while another process repaired is not confirmed by this one
        return 0;
      }
      const active = await store.listActiveConversations();
      const [queue, assignments] = await Promise.all([pool.queue(), poolAssignments()]);
      const queued = new Set(queue);
      const activeIds = new Set(active.map((c) => c.id));
      const drift = new Map<string, RepairKind>();
      for (const c of active) {
        const agentId = assignments.get(c.id);
        if (agentId) {
          if (c.agentId !== agentId || c.status !== 'open') drift.set(c.id, 'assignment_unrecorded');
        } else if (!queued.has(c.id)) drift.set(c.id, 'unrouted');
      }
      for (const id of [...queued, ...assignments.keys()]) if (!activeIds.has(id)) drift.set(id, 'closed_in_pool');

      const confirmed = [...drift].filter(([id, kind]) => suspects.get(id) === kind);
      suspects = drift;
      const counts = new Map<RepairKind, number>();
      for (const [id, kind] of confirmed) {
        try {
          if (kind === 'unrouted') await routeConversation(id);
          else if (kind === 'assignment_unrecorded') {
            const agentId = await pool.assignmentOf(id);
            if (!agentId) continue;
            await deliverAssignment(id, agentId).catch(unlessClosedMeanwhile);
            await audience.announceAgent(agentId);
          } else {
            const c = await store.getConversation(id);
            if (c && c.status !== 'closed') continue;
            const change = await pool.release(id);
            if (change.agentId) notifier.agents({ agentIds: [change.agentId] }, 'conversation:removed', { conversationId: id, reason: 'closed' });
            await applyChange({ ...change, queueChanged: true });
            if (change.agentId) await audience.announceAgent(change.agentId);
          }
          suspects.delete(id);
          counts.set(kind, (counts.get(kind) ?? 0) + 1);
        } catch (err) {
          log.error({ err, conversationId: id, kind }, 'repair step failed; the next pass tries again');
        }
      }
      let total = 0;
      for (const [kind, n] of counts) {
        metrics?.repaired(kind, n);
        total += n;
      }
      if (total) log.warn({ repaired: Object.fromEntries(counts) }, 'pool and store disagreed; repaired');
      return total;
    },
  };
}
