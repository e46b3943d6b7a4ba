/**
 * Binds an event map to its handlers. Each event's payload and ack types are derived from
 * the map in shared/protocol.ts; a handler map must cover every event, take exactly its
 * payload and resolve with exactly its ack's data, and each zod schema must produce the
 * payload type (`SchemaMap` with `satisfies`). A wrong name, payload or ack fails `tsc`
 * (test/types/server.typetest.ts keeps it so).
 */
import type { z } from 'zod';
import type { Result } from '../../shared/protocol';
import { toErrorBody } from '../errors';

/** What registering needs of a socket (Socket.IO's typed `on` cannot follow a loop over a map). */
interface Listenable {
  on(event: string, listener: (payload: unknown, ack?: unknown) => void): unknown;
}

/** The payload of event `E` of map `M`. */
export type Payload<M, E extends keyof M> = M[E] extends (payload: infer P, ...rest: never[]) => void ? P : never;

/** What the ack of event `E` carries when it succeeds; `void` for events sent without an ack. */
export type AckData<M, E extends keyof M> = M[E] extends (payload: never, ack: (result: Result<infer T>) => void) => void ? T : void;

/** A zod schema per event whose output is that event's payload. */
export type SchemaMap<M> = { [E in keyof M]: z.ZodType<Payload<M, E>, unknown> };

export type Handler<M, E extends keyof M> = (payload: Payload<M, E>) => Promise<AckData<M, E>>;
export type HandlerMap<M> = { [E in keyof M]: Handler<M, E> };

export interface BindOptions {
  /** Wraps each handler's work (shutdown waits for it). */
  track<T>(work: Promise<T>): Promise<T>;
  /** Counts a refused call by error code. */
  rejected(code: string): void;
  /** An unexpected failure (answered with INTERNAL). */
  failed(err: unknown, event: string): void;
  /** Awaited before each handler runs (an agent's connection counted in the pool). */
  ready?: Promise<unknown>;
}

/**
 * Registers every handler on the socket: parse with zod, run, ack `{ ok, data }` or
 * `{ ok: false, error }`. An event sent without an ack callback is still validated and
 * run; its result is dropped.
 */
export function bindHandlers<M>(
  socket: Listenable,
  schemas: NoInfer<SchemaMap<M>>,
  handlers: HandlerMap<M>,
  o: BindOptions,
): void {
  for (const event of Object.keys(handlers) as (keyof M & string)[]) {
    const schema: z.ZodType = schemas[event];
    // The maps' types bind payload and ack per event; past the zod parse, this call is safe.
    const handler = handlers[event] as (payload: unknown) => Promise<unknown>;
    socket.on(event, async (payload: unknown, ack?: unknown) => {
      const reply = typeof ack === 'function' ? (ack as (r: Result<unknown>) => void) : () => {};
      const parsed = schema.safeParse(payload ?? {});
      if (!parsed.success) {
        o.rejected('VALIDATION_FAILED');
        const issue = parsed.error.issues[0];
        return reply({
          ok: false,
          error: { code: 'VALIDATION_FAILED', message: `${issue.path.join('.') || 'payload'}: ${issue.message}` },
        });
      }
      try {
        const run = o.ready ? o.ready.then(() => handler(parsed.data)) : handler(parsed.data);
        reply({ ok: true, data: await o.track(run) });
      } catch (err) {
        const body = toErrorBody(err);
        o.rejected(body.code);
        if (body.code === 'INTERNAL') o.failed(err, event);
        reply({ ok: false, error: body });
      }
    });
  }
}
