/**
 * The widget's chat logic (widget/src/chat.ts) in Node against a real server:
 * the outbox of pending messages, resume after a reconnect, lost acks.
 */
import { randomUUID } from 'node:crypto';
import { io } from 'socket.io-client';
import { PAGE_MESSAGES } from '../../shared/protocol';
import { createChat, type ChatState, type KeyValue } from '../../widget/src/chat';
import { ok, onlineAgent, until, WAIT_MS } from '../helpers/chat';
import { useTestServer } from '../helpers/suite';

const t = useTestServer({ limits: { visitorMessagesPerSecond: 100 } });

/** A Map standing in for the browser's localStorage (same three methods). */
function memoryStorage(): KeyValue & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v), removeItem: (k) => void data.delete(k) };
}

function widgetChat(url: string, storage: KeyValue, ackTimeoutMs?: number) {
  const chat = createChat({
    connect: (auth) => io(`${url}/visitor`, { auth, transports: ['websocket'], reconnectionDelay: 50, reconnectionDelayMax: 200 }),
    storage,
    storageKey: 'test',
    ackTimeoutMs,
  });
  const states: ChatState[] = [];
  chat.subscribe((s) => states.push(s));
  return { chat, states };
}

const texts = (s: ChatState) => s.messages.filter((m) => m.kind === 'text').map((m) => m.text);

test('messages typed before the connection is up are sent in order, once, and the outbox empties', async () => {
  await onlineAgent(t());
  const { chat } = widgetChat(t().url, memoryStorage());
  for (const text of ['one', 'two', 'three']) chat.send(text);
  expect(chat.state.outbox.map((p) => [p.text, p.state])).toEqual([['one', 'sending'], ['two', 'sending'], ['three', 'sending']]);
  await until(() => chat.state.outbox.length === 0, WAIT_MS, 'outbox to drain');
  expect(texts(chat.state)).toEqual(['one', 'two', 'three']);
  const stored = await t.db.store.messagesAfter(chat.state.conversation!.id, 0);
  expect(stored.filter((m) => m.kind === 'text').map((m) => m.text)).toEqual(['one', 'two', 'three']);
  chat.stop();
});

test('the outbox survives a reload while the server is unreachable and is sent when it is reachable', async () => {
  const storage = memoryStorage();
  const down = widgetChat('http://127.0.0.1:9', storage); // nothing listens on the discard port
  down.chat.send('typed offline');
  down.chat.send('and again');
  expect(JSON.parse(storage.data.get('test:outbox')!).map((p: any) => p.text)).toEqual(['typed offline', 'and again']);
  down.chat.stop();

  // "Reload" with the same storage, now reaching the server.
  const up = widgetChat(t().url, storage);
  expect(up.chat.state.outbox.map((p) => p.text)).toEqual(['typed offline', 'and again']);
  up.chat.start();
  await until(() => up.chat.state.outbox.length === 0, WAIT_MS, 'outbox to drain');
  expect(texts(up.chat.state)).toEqual(['typed offline', 'and again']);
  expect(storage.data.has('test:outbox')).toBe(false);
  expect(storage.data.get('test:token')).toBeTruthy();
  up.chat.stop();
});

test('after a dropped connection the widget resumes: missed agent messages arrive once, in order', async () => {
  const agent = await onlineAgent(t());
  const { chat } = widgetChat(t().url, memoryStorage());
  chat.send('hello');
  await until(() => chat.state.conversation?.status === 'open', WAIT_MS, 'assignment');
  const conversationId = chat.state.conversation!.id;
  const seen: string[] = [];
  chat.subscribe((s) => s.connection === 'offline' && seen.push('offline'));
  // Cut the transport under the client (as a network drop would): it reconnects by itself.
  for (const s of t().server.io.of('/visitor').sockets.values()) s.conn.close();
  await until(() => seen.includes('offline'), WAIT_MS, 'disconnect');
  for (const text of ['missed 1', 'missed 2']) {
    await ok(agent.socket, 'message:send', { conversationId, clientId: randomUUID(), text });
  }
  chat.send('while reconnecting');
  await until(() => texts(chat.state).length === 4 && chat.state.outbox.length === 0, WAIT_MS, 'resume');
  expect(texts(chat.state)).toEqual(['hello', 'missed 1', 'missed 2', 'while reconnecting']);
  const seqs = chat.state.messages.map((m) => m.seq);
  expect(new Set(seqs).size).toBe(seqs.length);
  chat.stop();
});

test('a reply stored by a process that died before fanning it out reaches the widget in its resume, though a later one came live', async () => {
  const agent = await onlineAgent(t());
  const { chat } = widgetChat(t().url, memoryStorage());
  chat.send('hello');
  await until(() => chat.state.conversation?.status === 'open', 5000, 'assignment');
  const conversationId = chat.state.conversation!.id;
  // Stored, never fanned out (what a crash between the store and the fan-out leaves).
  await t.db.store.appendMessage({ conversationId, clientId: null, author: 'agent', authorId: agent.id, kind: 'text', text: 'never sent live', at: Date.now() });
  await ok(agent.socket, 'message:send', { conversationId, clientId: randomUUID(), text: 'sent live' });
  await until(() => texts(chat.state).includes('sent live'), 5000, 'the later reply, live');
  expect(texts(chat.state)).not.toContain('never sent live');
  for (const s of t().server.io.of('/visitor').sockets.values()) s.conn.close();
  await until(() => texts(chat.state).includes('never sent live'), 8000, 'the resume');
  expect(texts(chat.state)).toEqual(['hello', 'never sent live', 'sent live']);
  chat.stop();
});

test('a lost ack marks the message failed; the re-send after a reload is not stored twice', async () => {
  await onlineAgent(t());
  const storage = memoryStorage();
  // The ack cannot arrive in time: the database is held (an open PGlite transaction blocks every
  // other query) while the widget waits 1 ms. Once released, the message is stored unacknowledged.
  const hasty = widgetChat(t().url, storage, 1);
  hasty.chat.start();
  await until(() => hasty.chat.state.connection === 'online', WAIT_MS, 'sync');
  let release!: () => void;
  const held = t.db.sql.transaction(() => new Promise<void>((resolve) => (release = resolve)));
  hasty.chat.send('maybe lost');
  await until(() => hasty.chat.state.outbox[0]?.state === 'failed', WAIT_MS, 'failure');
  release();
  await held;
  const { clientId } = hasty.chat.state.outbox[0];
  await until(async () => !!(await t.db.store.findMessageByClientId(hasty.chat.state.visitorId!, clientId)), WAIT_MS, 'storage');
  hasty.chat.stop();

  // Reload with the same storage: the failed message is sent again with the same clientId.
  const patient = widgetChat(t().url, storage);
  patient.chat.start();
  await until(() => patient.chat.state.outbox.length === 0 && texts(patient.chat.state).length === 1, WAIT_MS, 'resend');
  const stored = await t.db.store.messagesAfter(patient.chat.state.conversation!.id, 0);
  expect(stored.filter((m) => m.text === 'maybe lost')).toHaveLength(1);
  patient.chat.stop();
});

test('resume after a reconnect that missed several pages: every message arrives once, in order', async () => {
  await t.restart({ limits: { agentMessagesPerSecond: 10_000 } });
  const agent = await onlineAgent(t());
  const { chat } = widgetChat(t().url, memoryStorage());
  chat.send('hello');
  await until(() => chat.state.conversation?.status === 'open', 5000, 'assignment');
  const conversationId = chat.state.conversation!.id;
  chat.stop();
  // 2.5 pages written while the widget is away.
  const missed = Array.from({ length: Math.round(2.5 * PAGE_MESSAGES) }, (_, i) => `missed ${i}`);
  for (let i = 0; i < missed.length; i += 25) {
    await Promise.all(missed.slice(i, i + 25).map((text) => ok(agent.socket, 'message:send', { conversationId, clientId: randomUUID(), text })));
  }
  const stored = (await t.db.store.messagesAfter(conversationId, 0, { limit: 1000 })).map((m) => m.seq);
  chat.start();
  await until(() => chat.state.connection === 'online', 10_000, 'resume');
  expect(chat.state.messages.map((m) => m.seq)).toEqual(stored);
  expect(texts(chat.state).slice(1).sort()).toEqual([...missed].sort());
  chat.stop();
});

test('a message the server refuses for good leaves the outbox and is not sent again after a reconnect; the limit comes from the session', async () => {
  await t.restart({ limits: { maxMessageLength: 50 } });
  const storage = memoryStorage();
  const { chat } = widgetChat(t().url, storage);
  chat.start();
  await until(() => chat.state.connection === 'online', 5000, 'sync');
  expect(chat.state.max).toBe(50);
  chat.send('x'.repeat(51)); // MESSAGE_TOO_LONG
  chat.send('bell \u0007'); // a control character: VALIDATION_FAILED
  chat.send('fine');
  await until(() => chat.state.outbox.length === 0 && chat.state.refused.length === 2, 5000, 'refusals');
  expect(chat.state.refused.map((p) => [p.text, p.state])).toEqual([['x'.repeat(51), 'refused'], ['bell \u0007', 'refused']]);
  expect(texts(chat.state)).toEqual(['fine']);
  expect(JSON.parse(storage.data.get('test:outbox') ?? '[]')).toEqual([]);

  // A reconnect sends nothing again: only 'fine' was ever stored, and nothing else is attempted.
  const conversationId = chat.state.conversation!.id;
  for (const s of t().server.io.of('/visitor').sockets.values()) s.conn.close();
  await until(() => chat.state.connection !== 'online', 5000, 'disconnect');
  await until(() => chat.state.connection === 'online', 5000, 'reconnect');
  chat.send('after');
  await until(() => texts(chat.state).includes('after'), 5000, 'a later message');
  const all = await t.db.store.messagesAfter(conversationId, 0);
  expect(all.filter((m) => m.kind === 'text').map((m) => m.text)).toEqual(['fine', 'after']);
  expect(chat.state.refused).toHaveLength(2);
  chat.stop();
});
