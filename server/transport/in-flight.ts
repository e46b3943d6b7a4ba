/**
 * Promises still running, so a later step can wait for them: shutdown waits for every event's
 * work; a socket's close waits for the messages it sent before it (handlers run concurrently,
 * and a one-statement close could otherwise overtake a message sent just before it, which the
 * store would then refuse as too late).
 */
export function inFlightSet() {
  const running = new Set<Promise<unknown>>();
  return {
    track<T>(work: Promise<T>): Promise<T> {
      running.add(work);
      work.finally(() => running.delete(work)).catch(() => {});
      return work;
    },
    settled: () => Promise.allSettled([...running]),
    size: () => running.size,
  };
}
