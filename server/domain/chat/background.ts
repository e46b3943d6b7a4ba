/**
 * Work that follows an acknowledged write (routing, delivery, announcements). The sender's
 * ack means "stored"; this work runs after it. A failure is logged and counted, never
 * reported to the sender: a re-send with the same client id, or the periodic repair,
 * finishes what it left undone. Shutdown waits for it (`idle`).
 *
 * Not serialised per conversation: chaining each conversation's deliveries made them wait
 * for each other's round trips, and under load that queueing tripled latency (measured with
 * bench/profile.ts). Clients order by seq.
 */
import type { ChatServiceDeps } from './deps';

export type Background = ReturnType<typeof createBackground>;

export function createBackground({ logger, metrics }: Pick<ChatServiceDeps, 'logger' | 'metrics'>) {
  const log = logger.child({ module: 'chat' });
  const running = new Set<Promise<void>>();
  const fail = (what: string) => (err: unknown) => {
    metrics?.fanOutFailed();
    log.error({ err, what }, 'work after the ack failed; a re-send or the repair finishes it');
  };
  const done = (p: Promise<void>) => () => void running.delete(p);
  return {
    run(what: string, work: () => Promise<unknown>) {
      const p: Promise<void> = work().then(() => undefined, fail(what));
      running.add(p);
      p.then(done(p));
    },
    async idle() {
      while (running.size) await Promise.all([...running]);
    },
  };
}
