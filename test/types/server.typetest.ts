/**
 * Type-level checks (run by `tsc --noEmit` in `npm test`, not by jest): the server's handler
 * and schema maps are bound to the event maps in shared/protocol.ts, so a wrong event name,
 * payload or ack shape fails the build. Each `@ts-expect-error` must stay an error.
 */
import { z } from 'zod';
import type { AgentClientToServerEvents, FloorFigures, VisitorClientToServerEvents } from '../../shared/protocol';
import type { Notifier } from '../../server/domain/ports/notifier';
import type { AckData, Handler, HandlerMap, Payload, SchemaMap } from '../../server/transport/handlers';
import { agentSchemas, visitorSchemas } from '../../server/transport/schemas';

type A = AgentClientToServerEvents;
type V = VisitorClientToServerEvents;

// The derived types are the protocol's.
export const status: Payload<A, 'agent:status'> = { status: 'online' };
export const ack: AckData<V, 'message:send'> = { conversationId: 'c', seq: 2, at: 0, duplicate: false };
export const noAck: AckData<A, 'typing'> = undefined;

// A wrong event name.
// @ts-expect-error 'agent:statuz' is not an event of the agent map
export type Misspelt = Handler<A, 'agent:statuz'>;

// A wrong payload: `status` is a string union, not a number.
// @ts-expect-error the payload of agent:status has no numeric status
export const badPayload: Payload<A, 'agent:status'> = { status: 42 };

// A handler that reads a field its payload does not have.
export const readsWrongField: Handler<A, 'agent:status'> = async (p) => {
  // @ts-expect-error agent:status carries `status`, not `state`
  p.state;
  return { id: '', name: '', email: '', role: 'agent', status: p.status, capacity: 1, load: 0 };
};

// A wrong ack shape.
// @ts-expect-error agent:status acks an AgentSelf, not { nonsense }
export const badAck: Handler<A, 'agent:status'> = async () => ({ nonsense: true });

// A handler map must cover every event.
// @ts-expect-error 'message:send' and the others are missing
export const incomplete: HandlerMap<V> = { 'session:sync': async () => ({ visitorId: '', token: '', conversation: null, messages: [], agentsAvailable: false, limits: { maxMessageLength: 1, messagesPerSecond: 1 } }) };

// A schema whose output is not the payload.
// @ts-expect-error the schema's status is a number, the payload's a string union
export const badSchema = { ...agentSchemas, 'agent:status': z.object({ status: z.number() }) } satisfies SchemaMap<A>;

// The real schema maps satisfy their event maps.
export const schemasBind: [SchemaMap<V>, SchemaMap<A>] = [visitorSchemas, agentSchemas];

// Pushes bind to the server-to-client map: the floor's today figures must say whether earlier chats are still being counted.
declare const notifier: Notifier;
declare const figures: FloorFigures;
export function pushFigures() {
  notifier.agents({ floor: true }, 'floor:figures', figures);
  const { counting: _counting, ...withoutCounting } = figures;
  // @ts-expect-error floor:figures carries `counting` (null once every chat is counted)
  notifier.agents({ floor: true }, 'floor:figures', withoutCounting);
  // @ts-expect-error `counting` is { done, total } or null, not a share
  notifier.agents({ floor: true }, 'floor:figures', { ...figures, counting: 0.45 });
}
