/**
 * The embedded server (in-process pool, PGlite in DATA_DIR) is stopped and started again on
 * the same directory, as an upgrade does. The new process restores the queue and the
 * assignments from the database (main.ts calls `restoreQueue` at start) and gives agents a
 * grace period: a console that reconnects within it is back in the status the agent chose,
 * with the same chats, and is told the server restarted; queued shoppers are served as
 * agents free up.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../server/backends';
import { loadConfig } from '../../server/config';
import { chattingVisitor, ok, onlineAgent, startTestServer, next, type TestServer, type TestStore } from '../helpers/chat';
import { manualClock } from '../helpers/clock';

// A fresh PGlite runs initdb: 10-15 s on an idle machine, more on two busy cores.
jest.setTimeout(180_000);

const GRACE = 30_000;
let dir: string;
let db: TestStore | undefined;
let t: TestServer | undefined;

async function boot(clock = manualClock()) {
  await shutDown(); // never two PGlites on one directory
  db = await openDatabase(loadConfig({ DATA_DIR: dir }));
  t = await startTestServer({ store: db, clock, limits: { agentGraceMs: GRACE } });
  await t.server.chat.restoreQueue(); // what main.ts does before listening for clients
  return { t, clock };
}

async function shutDown(): Promise<void> {
  await t?.close(); // closes the server, its sockets and pool; the store is closed below
  await db?.store.close();
  await db?.sql.close();
  t = db = undefined;
}

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'embedded-restart-'));
});
afterAll(async () => {
  await shutDown();
  rmSync(dir, { recursive: true, force: true });
});

test('after a restart, agents who reconnect within grace are back in their status with the same chats; the queue is served', async () => {
  const { t: first, clock: firstClock } = await boot();
  const ana = await onlineAgent(first, { name: 'Ana', capacity: 2 });
  const bob = await onlineAgent(first, { name: 'Bob', capacity: 2 });
  await ok(bob.socket, 'agent:status', { status: 'away' });
  // Opened a millisecond apart: the restored order follows the opening order.
  const v1 = await chattingVisitor(first, '我的订单还没到');
  firstClock.advance(1);
  const v2 = await chattingVisitor(first, 'Where is my order?');
  firstClock.advance(1);
  const v3 = await chattingVisitor(first, 'Anyone there?'); // Ana is full, Bob away: queued
  expect(await first.pool.agentConversations(ana.id)).toEqual([v1.conversationId, v2.conversationId]);
  expect(await first.pool.queue()).toEqual([v3.conversationId]);
  const before = await ok(ana.socket, 'session:sync', {});

  await shutDown();
  const { t: second, clock } = await boot();

  // Restored before anyone reconnects: Ana keeps her chats for a grace period; the queue is as it was.
  expect(await second.pool.agent(ana.id)).toMatchObject({ status: 'online', load: 2, connections: 0 });
  expect((await second.pool.agent(ana.id))!.graceDeadline).toBe(clock.now() + GRACE);
  expect(await second.pool.agentConversations(ana.id)).toEqual([v1.conversationId, v2.conversationId]);
  expect(await second.pool.queue()).toEqual([v3.conversationId]);

  // Ana's console reconnects within grace (same token): online, same chats, and it can tell the server restarted.
  clock.advance(GRACE - 1000);
  const anaBack = await second.agent(ana.token);
  const after = await ok(anaBack, 'session:sync', {});
  expect(after.me).toMatchObject({ status: 'online', load: 2 });
  expect(after.conversations.map((c) => c.conversation.id)).toEqual([v1.conversationId, v2.conversationId]);
  expect(after.conversations[0].messages.map((m) => m.text)).toContain('我的订单还没到');
  expect(after.presenceEpoch).not.toBeNull();
  expect(after.presenceEpoch).not.toBe(before.presenceEpoch);
  clock.advance(2000); // past the deadline: nothing expires, she is connected
  await second.server.chat.sweepGrace();
  expect(await second.pool.agent(ana.id)).toMatchObject({ status: 'online', load: 2, connections: 1, graceDeadline: null });

  // Bob comes back away, as he chose; his status survived the restart too.
  const bobBack = await second.agent(bob.token);
  expect((await ok(bobBack, 'session:sync', {})).me).toMatchObject({ status: 'away' });

  // Replies work at once, and the queued shopper is served as Ana frees up.
  const v1Back = await second.visitor(v1.token);
  await ok(v1Back, 'session:sync', {});
  const heard = next(v1Back, 'message', (m) => m.text === 'Back again, sorry!');
  await ok(anaBack, 'message:send', { conversationId: v1.conversationId, clientId: randomUUID(), text: 'Back again, sorry!' });
  await heard;
  const served = next(anaBack, 'conversation:assigned', (p) => p.conversation.id === v3.conversationId, 15_000);
  await ok(anaBack, 'conversation:close', { conversationId: v1.conversationId, category: 'inquiry' });
  await served;
  expect(await second.store.getConversation(v3.conversationId)).toMatchObject({ status: 'open', agentId: ana.id });
});

test('restoring again changes nothing, and an agent who does not come back hands their chats back after grace', async () => {
  const { t: third, clock } = await boot();
  const ana = await third.store.listActiveConversations();
  expect(ana.every((c) => c.status === 'open')).toBe(true);
  await third.server.chat.restoreQueue();
  const agentId = ana[0].agentId!;
  expect(await third.pool.agentConversations(agentId)).toHaveLength(ana.length);
  clock.advance(GRACE + 1);
  await third.server.chat.sweepGrace();
  expect(await third.pool.agent(agentId)).toMatchObject({ status: 'offline', load: 0 });
  expect((await third.pool.queue()).sort()).toEqual(ana.map((c) => c.id).sort());
  expect((await third.store.listActiveConversations()).every((c) => c.status === 'queued' && c.agentId === null)).toBe(true);
});
