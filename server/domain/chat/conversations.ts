/** Steps on one conversation that agents, leads and visitors share: who may act, transfer, close. */
import type { CloseCategory, CloseReason } from '../../../shared/protocol';
import { AppError } from '../../errors';
import type { TransferResult } from '../ports/presence';
import type { Audience } from './audience';
import type { Actor, ChatServiceDeps } from './deps';
import { remember, type Lookups } from './lookups';
import type { Routing } from './routing';
import type { Routines } from './routines';
import type { WrapUps } from './routines-wrapup';
import type { Views } from './views';

const TRANSFER_REFUSED: Record<Exclude<TransferResult['status'], 'moved'>, () => AppError> = {
  not_found: () => new AppError('CONVERSATION_NOT_FOUND'),
  // Moved by someone else since the caller read who holds it (`expectedFrom`).
  holder_changed: () => new AppError('NOT_ASSIGNED'),
  unknown_agent: () => new AppError('AGENT_NOT_FOUND'),
  same_agent: () => new AppError('AGENT_UNAVAILABLE', 'The conversation is already assigned to that agent'),
  agent_unavailable: () => new AppError('AGENT_UNAVAILABLE'),
};

export type Conversations = ReturnType<typeof createConversationSteps>;

export function createConversationSteps(
  deps: ChatServiceDeps,
  parts: { lookups: Lookups; views: Views; audience: Audience; routing: Routing; routines?: Routines; wrapUps?: WrapUps },
) {
  const { store, pool, notifier, clock } = deps;
  const { lookups, views, audience, routing } = parts;

  /** Agents may act on conversations assigned to them; leads on any live one. Returns the assignee. */
  async function authorize(actor: Actor, conversationId: string): Promise<string | null> {
    const agentId = await pool.assignmentOf(conversationId);
    if (actor.kind === 'lead') {
      if (agentId) return agentId;
      const c = await store.getConversation(conversationId);
      if (!c) throw new AppError('CONVERSATION_NOT_FOUND');
      if (c.status === 'closed') throw new AppError('CONVERSATION_CLOSED');
      return null;
    }
    if (agentId !== actor.id) throw new AppError(agentId ? 'NOT_ASSIGNED' : 'CONVERSATION_NOT_FOUND');
    return agentId;
  }

  return {
    authorize,

    /**
     * To an agent, or back to the queue (`toAgentId` null); with `toDepartmentId` (and no agent)
     * to that department's agents, until the overflow wait is over. `aboveCapacity`: a lead
     * taking it over for themself (see the pool's `transfer`). `actor` null with `reason`
     * `slow_answer`: the routines move it (nobody to authorize; its agent is told why), only
     * while `expectedFrom` still holds it.
     */
    async transfer(
      actor: Actor | null,
      conversationId: string,
      toAgentId: string | null,
      note?: string,
      toDepartmentId?: string,
      opts?: { aboveCapacity?: boolean; reason?: 'slow_answer'; expectedFrom?: string },
    ) {
      if (actor) await authorize(actor, conversationId);
      if (toAgentId && !(await lookups.user(toAgentId))) throw new AppError('AGENT_NOT_FOUND');
      const department = toDepartmentId === undefined || toAgentId ? null : await views.departmentRef(toDepartmentId);
      if (toDepartmentId !== undefined && !toAgentId && !department) throw new AppError('DEPARTMENT_NOT_FOUND');
      // An agent moves only their own chat: a lead's move since `authorize` wins (NOT_ASSIGNED).
      const expectedFrom = actor?.kind === 'agent' ? actor.id : opts?.expectedFrom;
      const moved = await pool.transfer(conversationId, toAgentId, {
        aboveCapacity: opts?.aboveCapacity,
        expectedFrom,
        ...(department ? { department: department.id, overflowAt: clock.now() + (await routing.overflowMs()) } : {}),
      });
      if (moved.status !== 'moved') throw TRANSFER_REFUSED[moved.status]();
      // The department is written once the pool has moved it, so a refusal leaves it as it was,
      // and before the outcome is delivered, whose view reads it. A crash in between leaves the
      // store as before the transfer (no department, no event): the pool's binding lapses at the
      // overflow time, and the repair records any assignment its drain made.
      if (department && !(await store.setConversationDepartment(conversationId, department.id))) throw new AppError('CONVERSATION_CLOSED');
      let result = moved;
      const { fromAgentId } = result;
      if (fromAgentId) {
        // Moved by someone else (a lead taking over): the agent is told who, and to whom.
        const ref = async (id: string) => ({ id, name: (await lookups.agentName(id)) ?? id });
        const to = toAgentId ? { to: await ref(toAgentId) } : {};
        const other = !actor ? to : actor.id !== fromAgentId ? { by: await ref(actor.id), ...to } : {};
        notifier.agents({ agentIds: [fromAgentId] }, 'conversation:removed', { conversationId, reason: opts?.reason ?? 'transferred', ...other });
      }
      if (!toAgentId) {
        await store.setAssignment(conversationId, null);
        routing.routedAt.set(conversationId, clock.now());
        // The pool reports it as requeued; the transfer event below already says what happened.
        result = { ...result, requeued: result.requeued.filter((r) => r.conversationId !== conversationId) };
      }
      await audience.recordEvent(conversationId, {
        type: 'transferred',
        fromAgentId,
        toAgentId,
        ...(note ? { note } : {}),
        ...(department ? { toDepartment: department } : {}),
        ...(opts?.reason ? { reason: opts.reason } : {}),
      });
      await routing.applyChange(result);
      if (fromAgentId) await audience.announceAgent(fromAgentId);
      if (!toAgentId) await audience.announceConversation(conversationId);
      const to = toAgentId ?? (await pool.assignmentOf(conversationId));
      return { conversationId, agentId: to };
    },

    /** Closes a conversation (agent, lead or visitor) and frees the agent's slot. */
    async close(
      conversationId: string,
      by: { by: 'visitor' | 'agent'; byId: string },
      filing?: { category?: CloseCategory; summary?: string; reason?: CloseReason },
    ) {
      // The closing text comes first, so it is the last thing the visitor reads; not on an idle close.
      if (by.by === 'agent' && !filing?.reason) await parts.routines?.closing(conversationId, by.byId);
      // The `closed` event is written with the status, so the transcript always ends with it.
      const result = await store.closeWithEvent(conversationId, by.by, by.byId, clock.now(), filing);
      if (!result) {
        throw new AppError((await store.getConversation(conversationId)) ? 'CONVERSATION_CLOSED' : 'CONVERSATION_NOT_FOUND');
      }
      const { conversation: closed, event } = result;
      const visitorId = closed.visitorId;
      remember(lookups.visitorOf, conversationId, visitorId);
      await audience.announceEvent(event, closed.agentId ? [closed.agentId] : []);
      const change = await pool.release(conversationId);
      if (lookups.activeOf.get(visitorId) === conversationId) lookups.activeOf.delete(visitorId);
      routing.routedAt.delete(conversationId);
      lookups.firstResponded.delete(conversationId);
      // Ended by the visitor: the agent keeps it listed until the wrap-up is filed.
      const wrapping = by.by === 'visitor' && change.agentId !== null && (await parts.wrapUps?.start(conversationId, change.agentId));
      if (change.agentId && !wrapping) {
        notifier.agents({ agentIds: [change.agentId] }, 'conversation:removed', { conversationId, reason: 'closed' });
      }
      notifier.visitor(visitorId, 'conversation:state', {
        id: conversationId,
        status: 'closed',
        agentName: await lookups.agentName(change.agentId),
        queuePosition: null,
      });
      audience.leadsSee(await views.conversationView(closed));
      await routing.applyChange({ ...change, queueChanged: change.queueChanged || change.agentId === null });
      if (change.agentId) await audience.announceAgent(change.agentId);
      return { conversationId };
    },
  };
}
