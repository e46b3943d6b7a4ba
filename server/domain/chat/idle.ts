/**
 * The routines that act on time, run by a periodic sweep (its interval is the composition
 * root's; tests call it after moving a manual clock):
 *  - shoppers who left: announced once the grace runs out, missed when queued too long gone
 *    (visitor-presence.ts);
 *  - a visitor silent for `idlePromptMinutes` after the agent's last message is asked "Are you
 *    still there?"; `idleCloseMinutes` more of silence closes the conversation as `visitor_idle`,
 *    which frees the agent;
 *  - an assigned conversation with no agent answer after `slowAnswerSeconds` is flagged to the
 *    leads on the floor, or with `slowAnswerReroute` goes to another agent (slow-answer.ts);
 *  - a wrap-up not filed within `wrapUpMinutes` is filed uncategorised (routines-wrapup.ts).
 * Decided from the stored transcript, so several processes may sweep at once: the prompt's
 * client id makes a second one a duplicate, and the close is conditional (one caller wins, the
 * other sees CONVERSATION_CLOSED).
 */
import { AppError } from '../../errors';
import type { ConversationRecord, StoredMessage } from '../ports/records';
import type { Conversations } from './conversations';
import type { ChatServiceDeps } from './deps';
import type { Floor } from './floor';
import { rememberIn } from './lookups';
import type { QueueWait } from './queue-wait';
import { routineOf, type Routines } from './routines';
import type { WrapUps } from './routines-wrapup';
import type { SlowAnswerReroute } from './slow-answer';
import type { VisitorPresenceUseCases } from './visitor-presence';
import type { Views } from './views';

/** How far back a sweep reads each transcript for the last text and the assignment. */
const RECENT = 50;

export interface SweepResult {
  /** Shoppers of live conversations whose left grace ran out, announced to agents. */
  left: number;
  /** Queued conversations closed as missed: the shopper left `missedAfterSeconds` ago. */
  missed: number;
  prompted: number;
  closed: number;
  slow: number;
  /** Slow first answers moved to another agent. */
  rerouted: number;
  /** Wrap-ups past their time, filed uncategorised. */
  wrapUpsExpired: number;
  /** Queued visitors just told that they waited past the limit (offered the leave-a-message form). */
  longWaits: number;
}

export type RoutineSweep = ReturnType<typeof createRoutineSweep>;

/** When the conversation's current agent got it: the last assignment or transfer to an agent. */
function assignedAt(recent: StoredMessage[], agentId: string): number | null {
  for (let i = recent.length - 1; i >= 0; i--) {
    const e = recent[i].event;
    if ((e?.type === 'assigned' && e.agentId === agentId) || (e?.type === 'transferred' && e.toAgentId === agentId)) return recent[i].at;
  }
  return null;
}

export function createRoutineSweep(
  deps: ChatServiceDeps,
  parts: {
    routines: Routines; wrapUps: WrapUps; conversations: Conversations; views: Views; floor: Floor; queueWait: QueueWait;
    visitorPresence: VisitorPresenceUseCases; slowAnswer: SlowAnswerReroute;
  },
) {
  const { store, clock } = deps;
  const { routines, wrapUps, conversations, views, floor, queueWait } = parts;
  const log = deps.logger.child({ module: 'routines' });
  // Conversations this process already flagged as slow (each is pushed to the floor once).
  const flagged = new Set<string>();

  async function sweepOne(c: ConversationRecord & { agentId: string }, out: SweepResult) {
    const s = await routines.settings();
    if (!s) return;
    const now = clock.now();
    const recent = await store.messagesBefore(c.id, null, { limit: RECENT });

    if (c.firstResponseAt === null) {
      const since = assignedAt(recent, c.agentId);
      if (since !== null && now - since >= s.slowAnswerSeconds * 1000) {
        // Moved: its new agent's time starts now, and no agent text means no idle rule applies.
        if (s.slowAnswerReroute && (await parts.slowAnswer.reroute(c, recent))) {
          out.rerouted++;
          return;
        }
        if (!flagged.has(c.id)) {
          rememberIn(flagged, c.id);
          floor.conversationChanged(await views.conversationView(c));
          out.slow++;
        }
      }
    }

    if (s.idlePromptMinutes <= 0) return;
    const last = recent.findLast((m) => m.kind === 'text');
    if (!last || last.author !== 'agent') return;
    const routine = routineOf(last.clientId);
    // A greeting or closing text waits for nobody: the visitor asked first.
    if (routine === 'greeting' || routine === 'closing') return;
    const silent = now - last.at;
    if (routine === 'idle') {
      if (silent < s.idleCloseMinutes * 60_000) return;
      await conversations
        .close(c.id, { by: 'agent', byId: c.agentId }, { reason: 'visitor_idle' })
        .then(() => out.closed++)
        .catch((err) => {
          if (!(err instanceof AppError && err.code === 'CONVERSATION_CLOSED')) throw err;
        });
    } else if (silent >= s.idlePromptMinutes * 60_000) {
      const sent = await routines.promptIdle(c.id, c.agentId, last.seq);
      if (sent?.status === 'stored') out.prompted++;
    }
  }

  return {
    /** One pass over the open conversations; returns what it did (for tests and logs). */
    async sweep(): Promise<SweepResult> {
      const out: SweepResult = { left: 0, missed: 0, prompted: 0, closed: 0, slow: 0, rerouted: 0, wrapUpsExpired: 0, longWaits: 0 };
      const active = await store.listActiveConversations();
      Object.assign(out, await parts.visitorPresence.sweep(active));
      if (!(await routines.settings())) return out;
      out.wrapUpsExpired = await wrapUps.expire();
      out.longWaits = await queueWait.sweep(active).catch((err) => {
        log.error({ err }, 'long-wait sweep failed; the next pass tries again');
        return 0;
      });
      for (const c of active) {
        if (c.status !== 'open' || !c.agentId) {
          flagged.delete(c.id);
          continue;
        }
        if (c.firstResponseAt !== null) flagged.delete(c.id);
        await sweepOne({ ...c, agentId: c.agentId }, out).catch((err) =>
          log.error({ err, conversationId: c.id }, 'routine sweep failed for a conversation; the next pass tries again'),
        );
      }
      if (Object.values(out).some((n) => n > 0)) log.info(out, 'routines swept');
      return out;
    },
  };
}
