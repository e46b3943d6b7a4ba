/** The domain's Notifier, recording what would be emitted, for the domain's unit tests. */
import type { Notifier } from '../../../server/domain/ports/notifier';

export interface Sent {
  side: 'visitor' | 'agents';
  to: unknown;
  event: string;
  payload: any;
}

export function createRecordingNotifier() {
  const sent: Sent[] = [];
  const notifier: Notifier = {
    visitor(to, event, ...args) {
      sent.push({ side: 'visitor', to, event, payload: args[0] });
    },
    agents(to, event, ...args) {
      sent.push({ side: 'agents', to, event, payload: args[0] });
    },
  };
  return {
    notifier,
    sent,
    /** What agent `agentId` was sent (directly, not as a lead or watcher). */
    toAgent: (agentId: string, event: string) =>
      sent.filter((s) => s.side === 'agents' && s.event === event && ((s.to as { agentIds?: string[] }).agentIds ?? []).includes(agentId)).map((s) => s.payload),
    toVisitor: (visitorId: string, event: string) =>
      sent
        .filter((s) => s.side === 'visitor' && s.event === event && (s.to === visitorId || (s.to as { visitorId?: string }).visitorId === visitorId))
        .map((s) => s.payload),
  };
}

/** A clock that moves only when told to. */
export function manualClock(start = 1_800_000_000_000) {
  let t = start;
  return {
    now: () => t,
    advance(ms: number) {
      t += ms;
    },
  };
}
