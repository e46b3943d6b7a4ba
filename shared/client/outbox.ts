/**
 * Messages typed but not yet acknowledged. Each keeps its client id until the server
 * acknowledges it, so a send repeated after a lost ack is stored once (the server answers
 * a known client id with the original ack). Lists are never changed in place: state
 * handed to subscribers stays as it was.
 *
 * A failure is either worth retrying (no ack in time, the connection dropped, RATE_LIMITED,
 * INTERNAL: the entry stays and is sent again) or a refusal that a re-send cannot change
 * (VALIDATION_FAILED, MESSAGE_TOO_LONG, CONVERSATION_CLOSED, …: the entry leaves the outbox,
 * and the client shows it with its error instead of sending it on every reconnect).
 */
import type { ErrorCode, Result } from '../protocol';

export interface Outgoing {
  clientId: string;
  text: string;
  /**
   * `failed`: no ack in time while connected, or a retryable error; sent again on the next
   * connect or when the user retries. `refused`: refused for good, out of the outbox, never sent again.
   */
  state: 'sending' | 'failed' | 'refused';
}

/** Error codes after which the same message may succeed later; any other refusal is final. */
export const retryable = (code: ErrorCode) => code === 'RATE_LIMITED' || code === 'INTERNAL';

/** The outbox with one entry's state changed. */
export const withState = <P extends Outgoing>(outbox: readonly P[], clientId: string, state: Outgoing['state']): P[] =>
  outbox.map((p) => (p.clientId === clientId ? { ...p, state } : p));

/** The outbox without the entries these stored messages acknowledge. */
export const withoutStored = <P extends Outgoing>(outbox: readonly P[], stored: readonly { clientId: string | null }[]): P[] =>
  outbox.filter((p) => !stored.some((m) => m.clientId === p.clientId));

/** Every failed entry back to `sending`: after a (re)connect, what failed is tried again. */
export const resent = <P extends Outgoing>(outbox: readonly P[]): P[] => outbox.map((p) => ({ ...p, state: 'sending' }));

export interface Drain<P extends Outgoing, A> {
  /** The oldest entry still `sending`, or nothing when offline. */
  next(): P | undefined;
  /** One send with an ack timeout; rejects when no ack came. */
  send(p: P): Promise<Result<A>>;
  stored(p: P, ack: A): void;
  /** Worth retrying: keep it (as `failed`). */
  failed(p: P): void;
  /** Refused for good (`code` is not `retryable`): take it out of the outbox. */
  refused(p: P, code: ErrorCode): void;
  /** Whether the socket is still connected (a timeout then means the server is struggling). */
  connected(): boolean;
}

/**
 * Sends waiting entries one at a time, oldest first, until none is left or one gets no ack.
 * An ack missed because the connection dropped leaves the entry `sending`: the next connect
 * sends it again with the same client id.
 */
export async function drain<P extends Outgoing, A>(o: Drain<P, A>): Promise<void> {
  for (let p = o.next(); p; p = o.next()) {
    let r: Result<A>;
    try {
      r = await o.send(p);
    } catch {
      if (o.connected()) o.failed(p);
      return;
    }
    if (r.ok) o.stored(p, r.data);
    else if (retryable(r.error.code)) o.failed(p);
    else o.refused(p, r.error.code);
  }
}
