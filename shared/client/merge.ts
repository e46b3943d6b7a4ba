/**
 * Stored messages by seq, each once. The same message can arrive several times (the
 * sender's ack, the broadcast, a resync after a reconnect) and out of order.
 */
export interface Merged<M> {
  /** `known` itself when nothing was new, else a new array in seq order. */
  messages: M[];
  /** The incoming messages that were new, in the order they came. */
  added: M[];
}

export function mergeBySeq<M extends { seq: number }>(known: M[], incoming: readonly M[]): Merged<M> {
  const seen = new Set(known.map((m) => m.seq));
  const added = incoming.filter((m) => !seen.has(m.seq) && seen.add(m.seq));
  // A new array, never a push: a subscriber may hold `known`.
  return { messages: added.length ? [...known, ...added].sort((a, b) => a.seq - b.seq) : known, added };
}
