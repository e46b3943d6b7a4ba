/**
 * The crash seam (server/testing/crash-seam.ts) without I/O: inert when unset, a typo refused,
 * and each step stopping exactly where it is named (the fault suite proves what follows).
 */
import type { ChatStore } from '../../server/domain/ports/chat-store';
import type { Notifier } from '../../server/domain/ports/notifier';
import type { PresencePool } from '../../server/domain/ports/presence';
import { crashStep, reportStepCrash, withCrashAt } from '../../server/testing/crash-seam';

const stored = (seq: number) => ({ conversationId: 'c1', seq });

function parts() {
  const calls: string[] = [];
  const store = {
    async appendMessage(m: { author: string }) {
      calls.push(`append ${m.author}`);
      return { status: 'stored', message: stored(m.author === 'visitor' ? 3 : 4) };
    },
    async assignWithEvent(_id: string, agentId: string | null) {
      calls.push(`record ${agentId}`);
      return stored(5);
    },
    async openConversationWith() {
      calls.push('open');
      return { message: stored(2) };
    },
  } as unknown as ChatStore;
  const pool = {
    async route(id: string) {
      calls.push(`route ${id}`);
      return id === 'full' ? { assigned: [], requeued: [], queueChanged: true, outcome: 'queued', position: 1 } : { assigned: [{ conversationId: id, agentId: 'a' }], requeued: [], queueChanged: false, outcome: 'assigned', agentId: 'a' };
    },
  } as unknown as PresencePool;
  const notifier: Notifier = {
    visitor: (_to, event, ...args) => void calls.push(`visitor ${event} ${(args[0] as { seq?: number }).seq}`),
    agents: (_to, event, ...args) => void calls.push(`agents ${event} ${(args[0] as { seq?: number }).seq}`),
  };
  const stop = () => void calls.push('STOP');
  return { calls, stop, ports: { store, pool, notifier } };
}

test('unset, the ports are handed back untouched; an unknown step is refused', () => {
  const { ports } = parts();
  expect(crashStep(undefined)).toBeUndefined();
  expect(crashStep('')).toBeUndefined();
  expect(() => crashStep('after-lunch')).toThrow(/unknown step after-lunch/);
  const same = withCrashAt(undefined, ports);
  expect(same.store).toBe(ports.store);
  expect(same.pool).toBe(ports.pool);
  expect(same.notifier).toBe(ports.notifier);
});

test('after-route stops once the pool has assigned, not when it queued', async () => {
  const { calls, stop, ports } = parts();
  const { pool } = withCrashAt(crashStep('after-route'), ports, stop);
  await pool.route('full');
  await pool.route('c1');
  expect(calls).toEqual(['route full', 'route c1', 'STOP']);
});

test('after-store-first-message and after-record-assignment stop right after their write', async () => {
  const first = parts();
  await withCrashAt('after-store-first-message', first.ports, first.stop).store.openConversationWith('v', 0, { clientId: 'x', text: 'hi' });
  expect(first.calls).toEqual(['open', 'STOP']);
  const record = parts();
  const { store } = withCrashAt('after-record-assignment', record.ports, record.stop);
  await store.assignWithEvent('c1', null, { type: 'requeued', fromAgentId: 'a', reason: 'agent_offline' }, 0);
  await store.assignWithEvent('c1', 'a', { type: 'assigned', agentId: 'a', agentName: 'A' }, 0);
  expect(record.calls).toEqual(['record null', 'record a', 'STOP']);
});

test('after-store-message stops when the stored visitor message is first delivered, and not before', async () => {
  const { calls, stop, ports } = parts();
  const { store, notifier } = withCrashAt('after-store-message', ports, stop);
  await store.appendMessage({ conversationId: 'c1', author: 'agent' } as never);
  notifier.agents({ agentIds: ['a'] }, 'message', stored(4) as never);
  await store.appendMessage({ conversationId: 'c1', author: 'visitor' } as never);
  expect(calls).toEqual(['append agent', 'agents message 4', 'append visitor']);
  notifier.visitor({ visitorId: 'v' }, 'message', stored(3) as never);
  expect(calls.slice(3)).toEqual(['STOP', 'visitor message 3']);
});

test('inside-report-step arms only the reports store\'s hook inside a step; the ports stay untouched', () => {
  const { calls, stop, ports } = parts();
  const step = crashStep('inside-report-step');
  const same = withCrashAt(step, ports, stop);
  expect(same.store).toBe(ports.store);
  expect(same.pool).toBe(ports.pool);
  expect(same.notifier).toBe(ports.notifier);
  expect(reportStepCrash(undefined, stop)).toBeUndefined();
  expect(reportStepCrash('after-route', stop)).toBeUndefined();
  reportStepCrash(step, stop)!();
  expect(calls).toEqual(['STOP']);
});
