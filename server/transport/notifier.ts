/**
 * The domain's Notifier on Socket.IO rooms, and the rooms and namespace types the transport
 * uses. With the Redis streams adapter, rooms span processes.
 */
import type { Namespace, Socket } from 'socket.io';
import type {
  AgentClientToServerEvents,
  AgentServerToClientEvents,
  VisitorClientToServerEvents,
  VisitorServerToClientEvents,
} from '../../shared/protocol';
import type { Actor } from '../domain/chat/service';
import type { Notifier } from '../domain/ports/notifier';

export interface VisitorData {
  visitorId: string;
  token: string;
  ip: string;
  /** The handshake's User-Agent header, stored with the page context. */
  userAgent: string | undefined;
}
export interface AgentData {
  actor: Actor;
  ip: string;
}

export type VisitorSocket = Socket<VisitorClientToServerEvents, VisitorServerToClientEvents, object, VisitorData>;
export type AgentSocket = Socket<AgentClientToServerEvents, AgentServerToClientEvents, object, AgentData>;
export type VisitorNamespace = Namespace<VisitorClientToServerEvents, VisitorServerToClientEvents, object, VisitorData>;
export type AgentNamespace = Namespace<AgentClientToServerEvents, AgentServerToClientEvents, object, AgentData>;

export const rooms = {
  visitor: (id: string) => `visitor:${id}`,
  agent: (id: string) => `agent:${id}`,
  watchers: (conversationId: string) => `watch:${conversationId}`,
  leads: 'leads',
  /** Leads with the floor open (`floor:watch`). */
  floor: 'floor',
};

/** The domain's notifier on top of Socket.IO rooms; with the Redis adapter, rooms span processes. */
export function createSocketNotifier(visitors: VisitorNamespace, agents: AgentNamespace): Notifier {
  return {
    visitor(to, event, ...args) {
      if (typeof to === 'string') visitors.to(rooms.visitor(to)).emit(event, ...args);
      else if (to.except) visitors.to(rooms.visitor(to.visitorId)).except(to.except).emit(event, ...args);
      else visitors.to(rooms.visitor(to.visitorId)).emit(event, ...args);
    },
    agents(to, event, ...args) {
      const targets = (to.agentIds ?? []).map(rooms.agent);
      if (to.watchersOf) targets.push(rooms.watchers(to.watchersOf));
      if (to.leads) targets.push(rooms.leads);
      if (to.floor) targets.push(rooms.floor);
      if (!targets.length) return;
      const op = to.except ? agents.to(targets).except(to.except) : agents.to(targets);
      op.emit(event, ...args);
    },
  };
}
