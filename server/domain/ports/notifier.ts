/** Where domain events go; the transport implements it with Socket.IO rooms (which cross processes). */
import type { AgentServerToClientEvents, VisitorServerToClientEvents } from '../../../shared/protocol';

export interface Notifier {
  /** To every socket of the visitor; never to socket `except` (the sender, who has the ack). */
  visitor<E extends keyof VisitorServerToClientEvents>(
    to: string | { visitorId: string; except?: string },
    event: E,
    ...args: Parameters<VisitorServerToClientEvents[E]>
  ): void;
  /**
   * Agent-namespace delivery to the union of: the agents named, the leads watching
   * `conversationId`, all leads when `leads` is set and the leads watching the floor when
   * `floor` is set; never to socket `except`.
   */
  agents<E extends keyof AgentServerToClientEvents>(
    to: { agentIds?: string[]; watchersOf?: string; leads?: boolean; floor?: boolean; except?: string },
    event: E,
    ...args: Parameters<AgentServerToClientEvents[E]>
  ): void;
}
