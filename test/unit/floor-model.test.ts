/** The console's floor model: pushes applied without changing earlier snapshots, and the tables derived from it. */
import { floorFixture } from '../../agent-console/src/floor/bench-fixture';
import { applyPush, floorModel, floorTables } from '../../agent-console/src/floor/model';

const NOW = 1_800_000_000_000;
const base = () => floorModel(floorFixture(5, 12, 3, NOW), NOW - 2000);

test('the model is built from the state, with the server clock offset', () => {
  const m = base();
  expect(Object.keys(m.agents)).toHaveLength(5);
  expect(m.queue).toEqual(['conv-0', 'conv-1', 'conv-2']);
  expect(m.skew).toBe(2000);
  const t = floorTables(m);
  expect(t.queue.map((c) => c.id)).toEqual(['conv-0', 'conv-1', 'conv-2']);
  expect(t.live).toHaveLength(9);
  // Open chats per agent add up; each agent's oldest unanswered is the earliest waitingSince of theirs.
  expect(t.agents.reduce((n, a) => n + a.openChats, 0)).toBe(9);
  for (const row of t.agents) {
    const theirs = t.live.filter((c) => c.agent?.id === row.agent.id && c.waitingSince !== null).map((c) => c.waitingSince!);
    expect(row.oldestUnanswered).toBe(theirs.length ? Math.min(...theirs) : null);
  }
  // Unanswered first, longest waiting first.
  const waits = t.live.map((c) => c.waitingSince ?? Infinity);
  expect(waits).toEqual([...waits].sort((a, b) => a - b));
});

test('activity starts and ends waiting, in order; earlier snapshots never change', () => {
  const m0 = base();
  const c = Object.values(m0.conversations).find((x) => x.status === 'open')!;
  const m1 = applyPush(m0, { event: 'floor:activity', data: { activity: [{ conversationId: c.id, author: 'agent', at: NOW + 1 }] } });
  expect(m1.conversations[c.id].waitingSince).toBeNull();
  const m2 = applyPush(m1, {
    event: 'floor:activity',
    data: { activity: [{ conversationId: c.id, author: 'visitor', at: NOW + 5 }, { conversationId: c.id, author: 'visitor', at: NOW + 9 }] },
  });
  expect(m2.conversations[c.id].waitingSince).toBe(NOW + 5);
  expect(m1.conversations[c.id].waitingSince).toBeNull();
  expect(m0.conversations[c.id]).toBe(c);
  // Activity for a conversation the floor does not hold changes nothing.
  expect(applyPush(m2, { event: 'floor:activity', data: { activity: [{ conversationId: 'gone', author: 'visitor', at: 1 }] } })).toBe(m2);
});

test('a conversation push replaces it, a closed one leaves the floor; agents, queue and figures are replaced', () => {
  const m0 = base();
  const q = m0.conversations['conv-0'];
  const assigned = applyPush(m0, { event: 'floor:conversation', data: { ...q, status: 'open', agent: { id: 'agent-1', name: 'Bo 1' }, queuePosition: null, queuedAt: null, assignedAt: NOW } });
  expect(floorTables(assigned).live.map((c) => c.id)).toContain('conv-0');
  const closed = applyPush(assigned, { event: 'floor:conversation', data: { ...assigned.conversations['conv-0'], status: 'closed', closedAt: NOW } });
  expect(closed.conversations['conv-0']).toBeUndefined();
  const queue = applyPush(closed, { event: 'queue:changed', data: { queue: ['conv-2', 'conv-1'] } });
  expect(floorTables(queue).queue.map((c) => c.id)).toEqual(['conv-2', 'conv-1']);
  const away = applyPush(queue, { event: 'agent:changed', data: { ...queue.agents['agent-1'], status: 'away' } });
  expect(away.agents['agent-1'].status).toBe('away');
  expect(queue.agents['agent-1'].status).not.toBe('away');
  const f = applyPush(away, { event: 'floor:figures', data: { ...away.figures, missed: 99 } });
  expect(f.figures.missed).toBe(99);
});

test('an agent\'s answer ends the routines\' slow-first-answer alert; a visitor message does not', () => {
  const m0 = base();
  const c = Object.values(m0.conversations).find((x) => x.status === 'open')!;
  const slow = applyPush(m0, { event: 'floor:conversation', data: { ...c, slowAnswer: true } });
  const wrote = applyPush(slow, { event: 'floor:activity', data: { activity: [{ conversationId: c.id, author: 'visitor', at: NOW + 1 }] } });
  expect(wrote.conversations[c.id].slowAnswer).toBe(true);
  const answered = applyPush(wrote, { event: 'floor:activity', data: { activity: [{ conversationId: c.id, author: 'agent', at: NOW + 2 }] } });
  expect(answered.conversations[c.id].slowAnswer).toBeUndefined();
  expect(answered.conversations[c.id].waitingSince).toBeNull();
  expect(slow.conversations[c.id].slowAnswer).toBe(true);
});

test('a shopper\'s presence push marks their conversation on the floor; one off the floor changes nothing', () => {
  const m0 = base();
  const c = m0.conversations['conv-0'];
  const left = applyPush(m0, { event: 'conversation:presence', data: { conversationId: c.id, visitorId: c.visitorId, state: 'left', since: NOW, returned: false } });
  expect(left.conversations[c.id].visitorPresence).toEqual({ conversationId: c.id, visitorId: c.visitorId, state: 'left', since: NOW, returned: false });
  expect(m0.conversations[c.id].visitorPresence).toBeUndefined();
  expect(applyPush(left, { event: 'conversation:presence', data: { conversationId: 'gone', visitorId: 'v', state: 'on_page', since: NOW, returned: true } })).toBe(left);
});
