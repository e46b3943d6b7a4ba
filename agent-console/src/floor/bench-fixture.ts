/**
 * A floor as large as the benchmark's (bench/floor-update.ts): agents, queued and open
 * conversations, today's figures, and a stream of pushes in the proportions a busy floor sees
 * (mostly activity, then conversation and agent changes, some queue and figure updates).
 * Deterministic: the same seed gives the same floor. Not part of the console bundle.
 */
import type { AgentPresenceView, FloorConversation, FloorState } from '../../../shared/protocol';
import type { FloorPush } from './model';

function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 2 ** 32;
  };
}

const NAMES = ['Ana', 'Bo', 'Chen', 'Dana', 'Eli', '李娜', '王芳', 'Ravi', 'Sam', '张伟'];

export function floorFixture(agentCount: number, conversationCount: number, queued: number, now: number, seed = 1): FloorState {
  const rnd = random(seed);
  const agents: AgentPresenceView[] = Array.from({ length: agentCount }, (_, i) => ({
    id: `agent-${i}`,
    name: `${NAMES[i % NAMES.length]} ${i}`,
    status: i % 17 === 0 ? 'away' : 'online',
    capacity: 3,
    load: 0,
    connected: true,
  }));
  const conversations: FloorConversation[] = [];
  for (let i = 0; i < conversationCount; i++) {
    const openedAt = now - Math.floor(rnd() * 1_800_000);
    const isQueued = i < queued;
    const agent = isQueued ? null : agents[i % agentCount];
    if (agent) agent.load++;
    conversations.push({
      id: `conv-${i}`,
      visitorId: `${((i + 1) * 2654435761 >>> 0).toString(16).padStart(8, '0')}-bench`,
      visitorName: rnd() < 0.6 ? `${NAMES[(i * 7) % NAMES.length]}·${i}` : null,
      status: isQueued ? 'queued' : 'open',
      agent: agent && { id: agent.id, name: agent.name },
      queuePosition: isQueued ? i + 1 : null,
      openedAt,
      firstResponseAt: isQueued ? null : openedAt + 20_000,
      closedAt: null,
      closeCategory: null,
      closeSummary: null,
      lastSeq: 10,
      queuedAt: isQueued ? openedAt : null,
      assignedAt: isQueued ? null : openedAt + 1000,
      waitingSince: rnd() < 0.4 ? now - Math.floor(rnd() * 120_000) : null,
    });
  }
  const queue = conversations.filter((c) => c.status === 'queued');
  return {
    agents,
    queue: queue.map((c) => c.id),
    conversations,
    figures: {
      day: '2026-11-30', timeZone: 'Asia/Shanghai', dayStart: now - 36_000_000, waitingNow: queued, oldestQueuedAt: queue.length ? Math.min(...queue.map((c) => c.queuedAt!)) : null,
      started: 1800, closed: 1300, missed: 40, medianFirstResponseMs: 21_000, averageRating: 4.6, ratings: 310, counting: null,
    },
    now,
  };
}

/** `n` pushes against a floor built from `state`, each valid for the floor as it stands then. */
export function floorPushes(state: FloorState, n: number, seed = 2): FloorPush[] {
  const rnd = random(seed);
  const open = state.conversations.filter((c) => c.status === 'open');
  const pushes: FloorPush[] = [];
  let at = state.now;
  for (let i = 0; i < n; i++) {
    at += 50;
    const r = rnd();
    const c = open[Math.floor(rnd() * open.length)];
    const a = state.agents[Math.floor(rnd() * state.agents.length)];
    if (r < 0.6) {
      // A quarter second's worth of a busy floor: a few conversations each.
      const activity = Array.from({ length: 1 + Math.floor(rnd() * 6) }, () => ({
        conversationId: open[Math.floor(rnd() * open.length)].id,
        author: rnd() < 0.5 ? ('visitor' as const) : ('agent' as const),
        at,
      }));
      pushes.push({ event: 'floor:activity', data: { activity: activity.length ? activity : [{ conversationId: c.id, author: 'visitor', at }] } });
    } else if (r < 0.8) {
      const to = state.agents[Math.floor(rnd() * state.agents.length)];
      pushes.push({ event: 'floor:conversation', data: { ...c, agent: { id: to.id, name: to.name }, assignedAt: at } });
    } else if (r < 0.93) {
      pushes.push({ event: 'agent:changed', data: { ...a, load: Math.floor(rnd() * 4) } });
    } else if (r < 0.97) {
      pushes.push({ event: 'queue:changed', data: { queue: rnd() < 0.5 ? state.queue.slice(1) : state.queue } });
    } else {
      pushes.push({ event: 'floor:figures', data: { ...state.figures, started: state.figures.started + i } });
    }
  }
  return pushes;
}
