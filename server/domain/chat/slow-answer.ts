/**
 * The slow first answer's optional re-route (routines' `slowAnswerReroute`): an assigned
 * conversation still without an agent text after `slowAnswerSeconds` goes to another online
 * agent with free capacity, the least loaded (by load/capacity, then load), never the same
 * agent, and only to its department's agents when it has one. Nobody free: it stays with its
 * agent (the leads' alert stands) and a later sweep tries again.
 *
 * Once per conversation: one whose recent transcript (what the sweep read) already holds a
 * `slow_answer` transfer stays. One process re-routes at a time (a lease in the pool, renewed
 * by its holder each sweep): two processes deciding at once could each move it, one after the
 * other. Before moving, the conversation and its assignment are read again, so an answer or a
 * lead's transfer since the sweep listed it wins; the move itself names the agent who must still
 * hold it (the pool's `expectedFrom`), so a lead's transfer between that read and the move wins too.
 */
import { AppError } from '../../errors';
import type { AgentPresence } from '../ports/presence';
import type { ConversationRecord, StoredMessage } from '../ports/records';
import type { Conversations } from './conversations';
import type { ChatServiceDeps } from './deps';

export type SlowAnswerReroute = ReturnType<typeof createSlowAnswerReroute>;

const LEASE = 'slow-answer-reroute';

const ratio = (a: AgentPresence) => a.load / a.capacity;

export function createSlowAnswerReroute(deps: ChatServiceDeps, conversations: Conversations) {
  const { store, pool, clock, limits } = deps;
  const processId = deps.processId ?? 'local';

  /** Who could take it now, best first; the pool checks again, atomically, when it moves. */
  async function candidates(fromAgentId: string, departmentId: string | null): Promise<string[]> {
    const free = (await pool.agents()).filter(
      (a) => a.agentId !== fromAgentId && a.status === 'online' && a.graceDeadline === null && a.load < a.capacity,
    );
    const of = departmentId ? await store.agentDepartments(free.map((a) => a.agentId)) : null;
    return free
      .filter((a) => !of || (of.get(a.agentId) ?? []).includes(departmentId!))
      .sort((a, b) => ratio(a) - ratio(b) || a.load - b.load)
      .map((a) => a.agentId);
  }

  return {
    /** Moves a conversation that is due (the caller checked the time); true when it moved. */
    async reroute(c: ConversationRecord & { agentId: string }, recent: StoredMessage[]): Promise<boolean> {
      if (recent.some((m) => m.event?.type === 'transferred' && m.event.reason === 'slow_answer')) return false;
      if (!(await pool.acquireLease(LEASE, processId, clock.now(), limits.repairLeaseMs))) return false;
      const [fresh, agentId] = await Promise.all([store.getConversation(c.id), pool.assignmentOf(c.id)]);
      if (!fresh || fresh.status !== 'open' || fresh.firstResponseAt !== null || agentId !== c.agentId) return false;
      for (const to of await candidates(c.agentId, fresh.departmentId)) {
        try {
          // Only while the slow agent still holds it, checked in the pool's step: a lead's
          // transfer after the read above wins.
          await conversations.transfer(null, c.id, to, undefined, undefined, { reason: 'slow_answer', expectedFrom: c.agentId });
          return true;
        } catch (err) {
          if (err instanceof AppError && err.code === 'NOT_ASSIGNED') return false; // moved meanwhile: it stays where it went
          // Taken meanwhile (load, status): the next one.
          if (!(err instanceof AppError && err.code === 'AGENT_UNAVAILABLE')) throw err;
        }
      }
      return false;
    },
  };
}
