/**
 * A message is acknowledged as soon as it is stored; routing and delivery follow. Through a
 * real server and sockets, on both presence pools: a step after the write fails once (fault
 * injected into the real pool), the sender still has its ack, and the re-send or the
 * periodic repair leaves the conversation routed and the message delivered.
 */
import { randomUUID } from 'node:crypto';
import type { PresencePool } from '../../server/domain/ports/presence';
import { next, ok, onlineAgent, startTestServer, until, type TestServer, WAIT_MS } from '../helpers/chat';
import { faulty, type Faulty } from '../helpers/faults';
import { useRedisServer, useTestStore } from '../helpers/suite';

const redis = useRedisServer();

describe.each([
  ['in-process pool', false],
  ['redis pool', true],
])('after the ack, with the %s', (_name, withRedis) => {
  // A store of its own: the repair would rightly route another block's open conversations.
  const db = useTestStore();
  let t: TestServer;
  let pool: Faulty<PresencePool>;

  async function start(repairMs: number) {
    t = await startTestServer({
      store: db(),
      redisUrl: withRedis ? redis().url : undefined,
      repairMs,
      wrapPool: (p) => (pool = faulty(p)),
    });
  }
  afterEach(async () => {
    await t?.close();
  });

  test('routing fails after the ack: the repair routes it, and the agent gets the message with the assignment', async () => {
    await start(100);
    const agent = await onlineAgent(t);
    const visitor = await t.visitor();
    await ok(visitor, 'session:sync', {});
    pool.failNext('route');
    const assigned = next(agent.socket, 'conversation:assigned');
    const ack = await ok(visitor, 'message:send', { clientId: randomUUID(), text: '我想退货' });
    expect(ack).toMatchObject({ seq: 2, duplicate: false });
    const { conversation, messages } = await assigned;
    expect(conversation.id).toBe(ack.conversationId);
    expect(messages.find((m) => m.seq === ack.seq)?.text).toBe('我想退货');
    expect(await t.pool.assignmentOf(ack.conversationId)).toBe(agent.id);
    expect(await t.store.getConversation(ack.conversationId)).toMatchObject({ status: 'open', agentId: agent.id });
    // Counted once the repair pass that delivered it ends.
    const counted = async () => /livesupport_repairs_total\{kind="unrouted"\} 1\n/.test(await (await fetch(`${t.url}/metrics`)).text());
    await until(counted, WAIT_MS, 'the repair counted');
  });

  test('routing fails after the ack: a re-send with the same clientId routes at once and takes no seq', async () => {
    await start(3_600_000); // no repair during this test
    const agent = await onlineAgent(t);
    const visitor = await t.visitor();
    await ok(visitor, 'session:sync', {});
    pool.failNext('route');
    const clientId = randomUUID();
    const first = await ok(visitor, 'message:send', { clientId, text: 'hello' });
    await t.server.chat.idle();
    expect(await t.pool.assignmentOf(first.conversationId)).toBeNull();

    const assigned = next(agent.socket, 'conversation:assigned');
    const event = next(agent.socket, 'message', (m) => m.event?.type === 'assigned');
    const again = await ok(visitor, 'message:send', { clientId, text: 'hello' });
    expect(again).toEqual({ ...first, duplicate: true });
    const { messages } = await assigned;
    // opened, the message, then (told, then recorded) the assigned event: 1, 2, 3 without a gap.
    expect(messages.map((m) => m.seq)).toEqual([1, 2]);
    expect((await event).seq).toBe(3);
    expect((await t.store.getConversation(first.conversationId))!.lastSeq).toBe(3);
  });

  test('delivery of a later message fails: a re-send delivers it to the agent', async () => {
    await start(3_600_000);
    const agent = await onlineAgent(t);
    const visitor = await t.visitor();
    await ok(visitor, 'session:sync', {});
    const assigned = next(agent.socket, 'conversation:assigned');
    await ok(visitor, 'message:send', { clientId: randomUUID(), text: 'hello' });
    await assigned;

    pool.failNext('assignmentOf');
    const clientId = randomUUID();
    const second = await ok(visitor, 'message:send', { clientId, text: 'anyone there?' });
    await t.server.chat.idle();
    const live = next(agent.socket, 'message', (m) => m.seq === second.seq);
    expect(await ok(visitor, 'message:send', { clientId, text: 'anyone there?' })).toEqual({ ...second, duplicate: true });
    expect((await live).text).toBe('anyone there?');
  });
});
