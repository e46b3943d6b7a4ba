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

/**
 * Where a resume starts: the highest seq n such that the messages held run without a hole from
 * the first one up to n. Seqs are gap-free per conversation and commit in order, so everything
 * after n is what is missing. Not the highest seq held: a later message can arrive live while
 * an earlier one, stored by a process that died before fanning it out, never does.
 * `sorted` is in seq order (as `mergeBySeq` keeps it).
 */
export function contiguousThrough(sorted: readonly { seq: number }[]): number {
  let n = sorted[0]?.seq ?? 0;
  for (const m of sorted) if (m.seq === n + 1) n++;
  return n;
}
