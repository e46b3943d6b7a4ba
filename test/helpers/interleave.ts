/**
 * Interleavings at a named step, without sleeping: wraps the presence pool so that another
 * actor's step runs to its end just before the next matching `transfer` goes through, as if it
 * had landed between the caller's read and its move. Everything else goes straight through.
 *
 *   startTestServer({ wrapPool: (p) => (pool = interleaved(p)) });
 *   pool.beforeTransfer((id, to, o) => o?.expectedFrom === ana.id, () => ok(lead, 'conversation:takeover', { conversationId }));
 */
import type { PresencePool, TransferOptions } from '../../server/domain/ports/presence';

type TransferArgs = [conversationId: string, toAgentId: string | null, opts?: TransferOptions];

export type Interleaved = PresencePool & {
  /** Once: before the next transfer whose arguments `matching` accepts, run `step` and wait for it. */
  beforeTransfer(matching: (...args: TransferArgs) => boolean, step: () => Promise<unknown>): void;
};

export function interleaved(pool: PresencePool): Interleaved {
  let pending: { matching: (...args: TransferArgs) => boolean; step: () => Promise<unknown> } | undefined;
  return {
    ...pool,
    async transfer(...args: TransferArgs) {
      const due = pending?.matching(...args) ? pending : undefined;
      if (due) {
        pending = undefined; // the step's own transfer goes straight through
        await due.step();
      }
      return pool.transfer(...args);
    },
    beforeTransfer(matching, step) {
      pending = { matching, step };
    },
  };
}
