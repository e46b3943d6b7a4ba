/**
 * Test-only: stops this process (SIGKILL, no goodbye) at a named step of a conversation's
 * life or of the history fill, so the fault suite (test/fault/) can prove each step crash-safe.
 * Chosen once, in the composition root, from `CHAT_CRASH_AT`; unset, the ports are handed back
 * untouched and the fill gets no hook, so production pays nothing for it.
 *
 * Each step fires once, at the first moment it is reached:
 * - `after-store-first-message`: a first message and its conversation are stored; no ack sent,
 *   nothing routed.
 * - `after-route`: the pool has assigned a conversation; SQL does not know, the agent is not told.
 * - `after-record-assignment`: SQL has recorded an assignment; the agent is not told.
 * - `after-store-message`: a visitor's later message is stored and acknowledged; it is not fanned
 *   out (the crash comes when the domain first tries to deliver it).
 * - `inside-report-step`: a reports step of the history fill (store/sql/reports.ts `fillStep`)
 *   has written its batch's facts and not added their cells to the roll-ups; its transaction
 *   is open, holding the advisory lock.
 */
import type { ChatStore } from '../domain/ports/chat-store';
import type { Notifier } from '../domain/ports/notifier';
import type { PresencePool } from '../domain/ports/presence';

/** The steps of a conversation's life. */
export const CRASH_STEPS = ['after-store-first-message', 'after-route', 'after-record-assignment', 'after-store-message'] as const;
/** The steps of the history fill (docs/reports.md). */
export const FILL_CRASH_STEPS = ['inside-report-step'] as const;
export type CrashStep = (typeof CRASH_STEPS)[number] | (typeof FILL_CRASH_STEPS)[number];
const ALL_STEPS: readonly string[] = [...CRASH_STEPS, ...FILL_CRASH_STEPS];

export interface Crashable {
  store: ChatStore;
  pool: PresencePool;
  notifier: Notifier;
}

/** The step named by `value` (an environment variable), undefined when unset; throws on a typo. */
export function crashStep(value: string | undefined): CrashStep | undefined {
  if (!value) return undefined;
  if (!ALL_STEPS.includes(value)) throw new Error(`CHAT_CRASH_AT: unknown step ${value}; one of ${ALL_STEPS.join(', ')}`);
  return value as CrashStep;
}

const sigkill = () => void process.kill(process.pid, 'SIGKILL');

/** Overrides some methods of `target`, forwarding the rest (bound, so `this` stays the target). */
function override<T extends object>(target: T, methods: Partial<T>): T {
  return new Proxy(target, {
    get(t, name) {
      if (Object.prototype.hasOwnProperty.call(methods, name)) return methods[name as keyof T];
      const value: unknown = Reflect.get(t, name);
      return typeof value === 'function' ? value.bind(t) : value;
    },
  });
}

/** The reports store's hook inside a step (createReportStore's `afterFacts`), armed at `inside-report-step`; else none. */
export function reportStepCrash(step: CrashStep | undefined, stop: () => void = sigkill): (() => void) | undefined {
  return step === 'inside-report-step' ? stop : undefined;
}

/** The ports with the crash armed at `step`; the same objects when `step` is undefined or a step of the fill. */
export function withCrashAt(step: CrashStep | undefined, parts: Crashable, stop: () => void = sigkill): Crashable {
  if (!step) return parts;
  const { store, pool, notifier } = parts;
  switch (step) {
    case 'after-store-first-message':
      return {
        ...parts,
        store: override(store, {
          async openConversationWith(...args) {
            const opened = await store.openConversationWith(...args);
            if (opened?.message) stop();
            return opened;
          },
        }),
      };
    case 'after-route':
      return {
        ...parts,
        pool: override(pool, {
          async route(conversationId) {
            const result = await pool.route(conversationId);
            if (result.assigned.length) stop();
            return result;
          },
        }),
      };
    case 'after-record-assignment':
      return {
        ...parts,
        store: override(store, {
          async assignWithEvent(id, agentId, event, at) {
            const recorded = await store.assignWithEvent(id, agentId, event, at);
            if (recorded && agentId) stop();
            return recorded;
          },
        }),
      };
    case 'after-store-message': {
      // The stored message, remembered until the domain first tries to deliver it.
      const stored = new Set<string>();
      const key = (conversationId: string, seq: number) => `${conversationId}:${seq}`;
      const deliveringStored = (event: string, args: unknown[]) => {
        const m = args[0] as { conversationId?: string; seq?: number } | undefined;
        return event === 'message' && m?.conversationId !== undefined && stored.has(key(m.conversationId, m.seq!));
      };
      return {
        pool,
        store: override(store, {
          async appendMessage(m) {
            const outcome = await store.appendMessage(m);
            if (outcome.status === 'stored' && m.author === 'visitor') stored.add(key(outcome.message.conversationId, outcome.message.seq));
            return outcome;
          },
        }),
        notifier: {
          visitor(to, event, ...args) {
            if (deliveringStored(event, args)) stop();
            notifier.visitor(to, event, ...args);
          },
          agents(to, event, ...args) {
            if (deliveringStored(event, args)) stop();
            notifier.agents(to, event, ...args);
          },
        },
      };
    }
    case 'inside-report-step':
      return parts;
  }
}
