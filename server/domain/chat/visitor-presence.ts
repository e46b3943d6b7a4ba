/**
 * Whether the shopper is on the page, has it in the background, left, or came back. The widget
 * reports its page shown, hidden or closed (`pagehide`); a socket that disconnects with none of
 * the visitor's left anywhere (a closed tab, a lost network, a missed heartbeat) reports `gone`.
 * A `left` counts only past `visitorLeftGraceMs` (moving to the shop's next page is not
 * leaving); until then agents see `hidden`. The state is stored (one statement per report), so
 * every process reads the same; the routine sweep tells agents when a grace runs out, and takes
 * a queued shopper who stayed away past the `missedAfterSeconds` routine out of the queue as a
 * missed chat (closed with reason `visitor_left`, before any agent answered).
 */
import type { VisitorPresence, VisitorPresenceReport, VisitorPresenceState } from '../../../shared/protocol';
import { AppError } from '../../errors';
import type { ConversationRecord, StoredPresence } from '../ports/records';
import type { Conversations } from './conversations';
import type { ChatServiceDeps } from './deps';
import { rememberIn } from './lookups';
import type { Routines } from './routines';

const STATE_OF: Record<VisitorPresenceReport, VisitorPresenceState> = { visible: 'on_page', hidden: 'hidden', gone: 'left' };

/** The presence agents see at `now`: a `left` younger than the grace is still `hidden`. */
export function presenceAt(
  p: StoredPresence,
  ids: { conversationId: string; visitorId: string },
  now: number,
  graceMs: number,
): VisitorPresence {
  const state = p.state === 'left' && now - p.since < graceMs ? 'hidden' : p.state;
  return { ...ids, state, since: p.since, returned: p.returned };
}

export type VisitorPresenceUseCases = ReturnType<typeof createVisitorPresence>;

export function createVisitorPresence(deps: ChatServiceDeps, parts: { conversations: Conversations; routines: Routines }) {
  const { store, pool, notifier, clock, limits } = deps;
  const { conversations, routines } = parts;
  // Lefts this process already announced once their grace ran out (conversation and since).
  const announced = new Set<string>();

  async function announce(c: ConversationRecord, p: StoredPresence) {
    const agentId = await pool.assignmentOf(c.id);
    const view = presenceAt(p, { conversationId: c.id, visitorId: c.visitorId }, clock.now(), limits.visitorLeftGraceMs);
    notifier.agents({ agentIds: agentId ? [agentId] : [], watchersOf: c.id, leads: true }, 'conversation:presence', view);
  }

  /** A page of the visitor reported: store (unless stale), then tell. */
  async function report(visitorId: string, reported: VisitorPresenceReport, at = clock.now()) {
    const p = await store.setVisitorPresence(visitorId, STATE_OF[reported], at, limits.visitorLeftGraceMs);
    const c = p && (await store.findActiveConversation(visitorId));
    if (c) await announce(c, p!);
  }

  return {
    /** A page of the visitor reported it is shown, hidden or being closed. */
    reportVisitorPresence: (visitorId: string, reported: VisitorPresenceReport) => report(visitorId, reported),

    /**
     * A socket of the visitor closed (tab closed, network lost, heartbeat missed): `gone`, as of
     * now, unless `stillConnected` (their other sockets, on any process) says otherwise. Anything
     * the visitor did meanwhile (a page that reconnected and reported) makes it stale.
     */
    async visitorDisconnected(visitorId: string, stillConnected: () => Promise<boolean>) {
      const at = clock.now();
      if (!(await stillConnected())) await report(visitorId, 'gone', at);
    },

    /**
     * One pass over the live conversations: announces lefts whose grace ran out (once per process),
     * and closes as missed the queued ones whose shopper left `missedAfterSeconds` ago or more.
     */
    async sweep(active: ConversationRecord[]): Promise<{ left: number; missed: number }> {
      const out = { left: 0, missed: 0 };
      const missedAfterMs = ((await routines.settings())?.missedAfterSeconds ?? 0) * 1000;
      const now = clock.now();
      for (const c of active) {
        const p = (await store.getVisitor(c.visitorId))?.presence;
        if (p?.state !== 'left' || now - p.since < limits.visitorLeftGraceMs) continue;
        const key = `${c.id}@${p.since}`;
        if (!announced.has(key)) {
          rememberIn(announced, key);
          await announce(c, p);
          out.left++;
        }
        if (!missedAfterMs || now - p.since < missedAfterMs || c.status !== 'queued' || (await pool.assignmentOf(c.id))) continue;
        await conversations
          .close(c.id, { by: 'visitor', byId: c.visitorId }, { reason: 'visitor_left' })
          .then(() => out.missed++)
          .catch((err) => {
            if (!(err instanceof AppError && err.code === 'CONVERSATION_CLOSED')) throw err;
          });
      }
      return out;
    },
  };
}
