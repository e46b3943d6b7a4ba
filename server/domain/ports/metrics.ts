/** What the chat domain counts; server/metrics.ts implements it with Prometheus. */
import type { Message } from '../../../shared/protocol';

export interface ChatMetrics {
  messageStored(author: Message['author'], kind: Message['kind']): void;
  /** Seconds from routing (or from joining the queue) to the agent being notified. */
  assigned(seconds: number, fromQueue: boolean): void;
  /** Load counters the pool repaired. */
  reconciled(repairs: number): void;
  /** Conversations whose pool state and stored state disagreed and were put right, by kind of drift. */
  repaired(kind: RepairKind, count: number): void;
  /** Work after an acknowledged write that failed (routing, delivery); the repair finishes it. */
  fanOutFailed(): void;
}

export type RepairKind = 'unrouted' | 'assignment_unrecorded' | 'closed_in_pool';
