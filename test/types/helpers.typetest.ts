/**
 * Type-level test of the socket helpers in test/helpers/chat.ts: `tsc --noEmit` checks this
 * file (it is not a *.test.ts, so jest never runs it). Each `@ts-expect-error` must stay an
 * error; if the helpers lose their types, the directive itself becomes the error.
 */
import type { AgentSelf, ConversationWithMessages, MessageAck, Result, VisitorSession } from '../../shared/protocol';
import { call, callRaw, collect, next, ok, type AgentClient, type VisitorClient } from '../helpers/chat';

declare const agent: AgentClient;
declare const visitor: VisitorClient;
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const same = <A, B>(_: Equal<A, B>) => {};

export async function typed() {
  // Ack data comes from the event map of the socket's namespace.
  const self = await ok(agent, 'agent:status', { status: 'online' });
  same<typeof self, AgentSelf>(true);
  const session = await ok(visitor, 'session:sync', {});
  same<typeof session, VisitorSession>(true);
  const sent = await call(visitor, 'message:send', { clientId: 'c', text: 'hi' });
  same<typeof sent, Result<MessageAck>>(true);
  const assigned = await next(agent, 'conversation:assigned');
  same<typeof assigned, ConversationWithMessages>(true);
  const states = collect(visitor, 'conversation:state');
  same<(typeof states)[number]['status'], 'queued' | 'open' | 'closed'>(true);

  // @ts-expect-error: a wrong event name
  await ok(agent, 'agent:statuz', { status: 'online' });
  // @ts-expect-error: an agent-only event on a visitor socket
  await ok(visitor, 'lead:snapshot', {});
  // @ts-expect-error: a wrong payload (no such status)
  await ok(agent, 'agent:status', { status: 'busy' });
  // @ts-expect-error: a payload missing a field
  await call(visitor, 'message:send', { clientId: 'c' });
  // @ts-expect-error: `typing` takes no ack, so it cannot be called
  await call(visitor, 'typing', { typing: true });
  // @ts-expect-error: a wrong use of the ack result (AgentSelf has no `token`)
  self.token;
  // @ts-expect-error: a Result must be narrowed before its data is read
  sent.data;
  // @ts-expect-error: a wrong server-to-client event name
  await next(visitor, 'conversation:assigned');
  // @ts-expect-error: a wrong use of an event payload (a visitor state has no agent id)
  await next(visitor, 'conversation:state', (s) => s.agentId === 'x');

  // The escape hatch takes anything and promises nothing about the data.
  const raw = await callRaw(visitor, 'message:send', 'not an object');
  same<typeof raw, Result<unknown>>(true);
}
