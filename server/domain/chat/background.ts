/**
 * Work that follows an acknowledged write (routing, delivery, announcements). The sender's
 * ack means "stored"; this work runs after it, in order per conversation (so this process
 * delivers a conversation's messages in seq order). A failure is logged and counted, never
 * reported to the sender: a re-send with the same client id, or the periodic repair,
 * finishes what it left undone. Shutdown waits for it (`idle`).
 */
import type { ChatServiceDeps } from './deps';

export type Background = ReturnType<typeof createBackground>;

export function createBackground({ logger, metrics }: Pick<ChatServiceDeps, 'logger' | 'metrics'>) {
  const log = logger.child({ module: 'chat' });
  // The last piece of work queued per conversation; a new one runs after it.
  const tails = new Map<string, Promise<void>>();
  return {
    run(conversationId: string, what: string, work: () => Promise<unknown>) {
      const p: Promise<void> = (tails.get(conversationId) ?? Promise.resolve())
        .then(work)
        .then(
          () => undefined,
          (err: unknown) => {
            metrics?.fanOutFailed();
            log.error({ err, what, conversationId }, 'work after the ack failed; a re-send or the repair finishes it');
          },
        )
        .finally(() => {
          if (tails.get(conversationId) === p) tails.delete(conversationId);
        });
      tails.set(conversationId, p);
    },
    async idle() {
      while (tails.size) await Promise.all([...tails.values()]);
    },
  };
}
