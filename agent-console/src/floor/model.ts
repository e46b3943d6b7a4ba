/**
 * The floor as the console holds it: built from `floor:watch`'s state, then every push makes a
 * new model (the old one never changes), and the tables are derived from it in one pass.
 * No DOM, no socket: bench/floor-update.ts times exactly this.
 */
import type { AgentPresenceView, AgentServerToClientEvents, FloorConversation, FloorFigures, FloorState } from '../../../shared/protocol';

export interface FloorModel {
  readonly agents: Readonly<Record<string, AgentPresenceView>>;
  readonly queue: readonly string[];
  /** Live (queued or open) conversations by id. */
  readonly conversations: Readonly<Record<string, FloorConversation>>;
  readonly figures: FloorFigures;
  /** The server's clock minus ours, ms, to turn server times into waiting times here. */
  readonly skew: number;
}

type Pushed<E extends keyof AgentServerToClientEvents> = Parameters<AgentServerToClientEvents[E]>[0];

/** Every push the floor applies, by its event name. */
export type FloorPush =
  | { event: 'agent:changed'; data: Pushed<'agent:changed'> }
  | { event: 'queue:changed'; data: Pushed<'queue:changed'> }
  | { event: 'floor:conversation'; data: Pushed<'floor:conversation'> }
  | { event: 'floor:activity'; data: Pushed<'floor:activity'> }
  | { event: 'floor:figures'; data: Pushed<'floor:figures'> }
  | { event: 'conversation:presence'; data: Pushed<'conversation:presence'> };

export function floorModel(state: FloorState, now: number): FloorModel {
  return {
    agents: Object.fromEntries(state.agents.map((a) => [a.id, a])),
    queue: state.queue,
    conversations: Object.fromEntries(state.conversations.map((c) => [c.id, c])),
    figures: state.figures,
    skew: state.now - now,
  };
}

export function applyPush(m: FloorModel, p: FloorPush): FloorModel {
  switch (p.event) {
    case 'agent:changed':
      return { ...m, agents: { ...m.agents, [p.data.id]: p.data } };
    case 'queue:changed':
      return { ...m, queue: p.data.queue };
    case 'floor:figures':
      return { ...m, figures: p.data };
    case 'conversation:presence': {
      const c = m.conversations[p.data.conversationId];
      return c ? { ...m, conversations: { ...m.conversations, [c.id]: { ...c, visitorPresence: p.data } } } : m;
    }
    case 'floor:conversation': {
      if (p.data.status !== 'closed') return { ...m, conversations: { ...m.conversations, [p.data.id]: p.data } };
      if (!m.conversations[p.data.id]) return m;
      const { [p.data.id]: _closed, ...rest } = m.conversations;
      return { ...m, conversations: rest };
    }
    case 'floor:activity': {
      let changed: Record<string, FloorConversation> | null = null;
      for (const a of p.data.activity) {
        const c = changed?.[a.conversationId] ?? m.conversations[a.conversationId];
        if (!c) continue;
        const waitingSince = a.author === 'agent' ? null : (c.waitingSince ?? a.at);
        if (waitingSince === c.waitingSince && !(a.author === 'agent' && c.slowAnswer)) continue;
        changed ??= { ...m.conversations };
        // An answer also ends the routines' slow-first-answer alert.
        const { slowAnswer: _answered, ...rest } = c;
        changed[c.id] = a.author === 'agent' ? { ...rest, waitingSince } : { ...c, waitingSince };
      }
      return changed ? { ...m, conversations: changed } : m;
    }
  }
}

export interface AgentRow {
  agent: AgentPresenceView;
  openChats: number;
  /** The earliest `waitingSince` among their open conversations. */
  oldestUnanswered: number | null;
}

export interface FloorTables {
  agents: AgentRow[];
  /** Queued conversations, head first. */
  queue: FloorConversation[];
  /** Open conversations: unanswered longest first, then the answered ones, oldest first. */
  live: FloorConversation[];
}

// One collator for every sort (localeCompare builds one per call).
const byName = new Intl.Collator().compare;

/** The three tables, in one pass over the conversations. */
export function floorTables(m: FloorModel): FloorTables {
  const perAgent = new Map<string, { openChats: number; oldestUnanswered: number | null }>();
  const live: FloorConversation[] = [];
  for (const c of Object.values(m.conversations)) {
    if (c.status !== 'open' || !c.agent) continue;
    live.push(c);
    const row = perAgent.get(c.agent.id) ?? { openChats: 0, oldestUnanswered: null };
    row.openChats++;
    if (c.waitingSince !== null && (row.oldestUnanswered === null || c.waitingSince < row.oldestUnanswered)) row.oldestUnanswered = c.waitingSince;
    perAgent.set(c.agent.id, row);
  }
  const waitKey = (c: FloorConversation) => c.waitingSince ?? Number.MAX_SAFE_INTEGER;
  live.sort((a, b) => waitKey(a) - waitKey(b) || a.openedAt - b.openedAt);
  const agents = Object.values(m.agents)
    .map((agent) => ({ agent, ...(perAgent.get(agent.id) ?? { openChats: 0, oldestUnanswered: null }) }))
    .sort((a, b) => byName(a.agent.name, b.agent.name));
  const queue = m.queue.map((id) => m.conversations[id]).filter((c): c is FloorConversation => !!c);
  return { agents, queue, live };
}
