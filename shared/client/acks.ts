/**
 * Types for calling an event of a protocol map with an ack, through socket.io-client's
 * `socket.timeout(ms).emitWithAck(event, payload)`. socket.io-client types the result of a
 * timed call as `any` (its `FirstArg` does not fit the `(err, result)` ack that `timeout()`
 * makes), so each client declares its call as an overload typed from the map:
 *
 *   function call<E extends AckedEvent<Map>>(event: E, ...payload: AckPayload<Map, E>): Promise<AckResult<Map, E>>;
 *
 * A wrong event name, a wrong payload or a wrong use of the result then fails `tsc`
 * (test/types/clients.typetest.ts).
 */
import type { Socket } from 'socket.io-client';

// socket.io-client's own definitions, so the payload tuple is the very type `emitWithAck` expects.
type EventsMap = Record<string, any>;
type AllButLast<T extends any[]> = T extends [...infer H, infer _L] ? H : any[];
/** The map as `timeout(ms)` decorates it (the ack gains an `err` first argument). */
type Timed<M extends EventsMap> = ReturnType<Socket<{}, M>['timeout']> extends Socket<any, infer D> ? D : never;

/** Events of the map that take an ack (`typing` does not). */
export type AckedEvent<M> = {
  [E in keyof M]: M[E] extends (...args: infer A) => void ? (A extends [unknown, (result: any) => void] ? E : never) : never;
}[keyof M];

/** What follows the event name in `timeout(ms).emitWithAck(event, …)`: the payload, as a one-element tuple. */
export type AckPayload<M extends EventsMap, E extends keyof M> = AllButLast<Parameters<Timed<M>[E]>>;

/** The ack's result (`Result<T>`) as the map declares it: `Parameters<Parameters<M[E]>[1]>[0]`. */
export type AckResult<M, E extends keyof M> = M[E] extends (payload: any, ack: (result: infer R) => void) => void ? R : never;
