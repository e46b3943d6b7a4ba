/**
 * The console session without a server: a fake socket with the few socket.io-client
 * methods the session uses, driven by the test.
 */
import { messageSoundOn, setMessageSound } from '../../agent-console/src/account/sounds';
import type { ConversationView, Message, Result } from '../../shared/protocol';
import { createConsoleSession, type AgentSocket, type ConsoleState } from '../../agent-console/src/state/session';

type Handler = (...args: any[]) => void;

/** Calls the session made, answered by the test (`reply`) or left pending. */
interface Sent {
  event: string;
  payload: any;
  resolve(r: Result<unknown>): void;
  reject(e: Error): void;
}

function fakeSocket() {
  const handlers = new Map<string, Handler[]>();
  const sent: Sent[] = [];
  const emitted: [string, unknown][] = [];
  const socket = {
    connected: false,
    on(event: string, fn: Handler) {
      handlers.set(event, [...(handlers.get(event) ?? []), fn]);
      return socket;
    },
    emit(event: string, payload: unknown) {
      emitted.push([event, payload]);
      return socket;
    },
    timeout(_ms: number) {
      return {
        emitWithAck: (event: string, payload: unknown) =>
          new Promise<Result<unknown>>((resolve, reject) => sent.push({ event, payload, resolve, reject })),
      };
    },
    connect() {
      socket.connected = true;
      fire('connect');
      return socket;
    },
    disconnect() {
      socket.connected = false;
      fire('disconnect', 'io client disconnect');
      return socket;
    },
  };
  const fire = (event: string, ...args: unknown[]) => handlers.get(event)?.forEach((fn) => fn(...args));
  /** The oldest unanswered call of this event. */
  const take = (event: string) => {
    const i = sent.findIndex((s) => s.event === event);
    if (i < 0) throw new Error(`no ${event} call pending (${sent.map((s) => s.event).join(', ')})`);
    return sent.splice(i, 1)[0];
  };
  return { socket, fire, sent, emitted, take };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

const view = (id: string): ConversationView => ({
  id,
  visitorId: `visitor-${id}`,
  visitorName: null,
  status: 'open',
  agent: { id: 'me', name: 'Me' },
  queuePosition: null,
  openedAt: 1,
  firstResponseAt: null,
  closedAt: null,
  closeCategory: null,
  closeSummary: null,
  lastSeq: 0,
});

const msg = (conversationId: string, seq: number, author: Message['author'] = 'visitor', clientId: string | null = null): Message => ({
  conversationId,
  seq,
  clientId,
  author,
  authorId: author === 'system' ? null : `${author}-1`,
  authorName: null,
  kind: 'text',
  text: `${author} ${seq}`,
  at: seq * 1000,
});

const me = { id: 'me', name: 'Me', email: 'me@example.com', role: 'agent' as const, status: 'online' as const, capacity: 5, load: 1 };

function setup() {
  const fake = fakeSocket();
  let ids = 0;
  const auth: { token: string }[] = [];
  const session = createConsoleSession({
    // The fake implements only what the session calls.
    connect: (a) => {
      auth.push(a);
      return fake.socket as unknown as AgentSocket;
    },
    token: 'tok',
    newId: () => `client-${++ids}`,
  });
  const states: ConsoleState[] = [];
  session.subscribe((s) => states.push(s));
  /** Connects and answers the first sync with these conversations. */
  const connect = async (conversations: { id: string; messages: Message[] }[]) => {
    fake.socket.connect();
    const sync = fake.take('session:sync');
    sync.resolve({ ok: true, data: { me, conversations: conversations.map((c) => ({ conversation: view(c.id), messages: c.messages })) } });
    await tick();
    return sync;
  };
  return { fake, session, states, auth, connect };
}

test('connects with the token and syncs on connect: me, my conversations, online', async () => {
  const { session, auth, connect, states } = setup();
  expect(auth).toEqual([{ token: 'tok' }]);
  expect(session.state.connection).toBe('connecting');
  const sync = await connect([{ id: 'a', messages: [msg('a', 1), msg('a', 2)] }]);
  expect(sync.payload).toEqual({ since: {} });
  expect(session.state.connection).toBe('online');
  expect(session.state.me).toEqual(me);
  expect(session.state.chats.a.messages.map((m) => m.seq)).toEqual([1, 2]);
  expect(states.at(-1)).toBe(session.state);
});

test('a resync asks from the last seq and merges by seq, in order, without duplicates', async () => {
  const { fake, session, connect } = setup();
  await connect([{ id: 'a', messages: [msg('a', 1), msg('a', 3)] }]);
  fake.fire('message', msg('a', 3)); // a duplicate broadcast
  fake.fire('message', msg('a', 2)); // late, out of order
  expect(session.state.chats.a.messages.map((m) => m.seq)).toEqual([1, 2, 3]);

  fake.socket.disconnect();
  expect(session.state.connection).toBe('offline');
  fake.socket.connect();
  const sync = fake.take('session:sync');
  expect(sync.payload).toEqual({ since: { a: 3 } });
  sync.resolve({ ok: true, data: { me, conversations: [{ conversation: view('a'), messages: [msg('a', 3), msg('a', 5), msg('a', 4)] }] } });
  await tick();
  expect(session.state.chats.a.messages.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
});

test('a resync asks from before a hole, not from the highest seq: a message whose fan-out died is fetched', async () => {
  const { fake, session, connect } = setup();
  await connect([{ id: 'a', messages: [msg('a', 1), msg('a', 2)] }]);
  // Seq 3 was stored by a process that died before fanning it out; seq 4 arrived live.
  fake.fire('message', msg('a', 4));
  fake.socket.disconnect();
  fake.socket.connect();
  const sync = fake.take('session:sync');
  expect(sync.payload).toEqual({ since: { a: 2 } });
  sync.resolve({ ok: true, data: { me, conversations: [{ conversation: view('a'), messages: [msg('a', 3), msg('a', 4)] }] } });
  await tick();
  expect(session.state.chats.a.messages.map((m) => m.seq)).toEqual([1, 2, 3, 4]);
});

test('a reply whose ack timed out stays in the outbox as failed; a retry sends it with the same clientId, stored once', async () => {
  const { fake, session, connect } = setup();
  await connect([{ id: 'a', messages: [msg('a', 1)] }]);
  session.send('a', '  hello  ', false);
  expect(session.state.chats.a.outbox).toEqual([{ clientId: 'client-1', text: 'hello', note: false, state: 'sending' }]);

  const first = fake.take('message:send');
  expect(first.payload).toEqual({ conversationId: 'a', clientId: 'client-1', text: 'hello' });
  first.reject(new Error('operation has timed out'));
  await tick();
  expect(session.state.chats.a.outbox[0].state).toBe('failed');
  expect(session.state.chats.a.messages).toHaveLength(1);

  session.retry('a', 'client-1');
  const again = fake.take('message:send');
  expect(again.payload).toEqual(first.payload);
  // The server had stored the first send: it answers with the original ack.
  again.resolve({ ok: true, data: { conversationId: 'a', seq: 2, at: 2000, duplicate: true } });
  await tick();
  expect(session.state.chats.a.outbox).toEqual([]);
  expect(session.state.chats.a.messages.map((m) => [m.seq, m.clientId, m.author, m.text])).toEqual([
    [1, null, 'visitor', 'visitor 1'],
    [2, 'client-1', 'agent', 'hello'],
  ]);
  // The broadcast of the same message adds nothing.
  fake.fire('message', { ...msg('a', 2, 'agent', 'client-1'), text: 'hello' });
  expect(session.state.chats.a.messages).toHaveLength(2);
});

test('a send refused for good leaves the outbox with its code; replies are sent one at a time, in order; notes are flagged', async () => {
  const { fake, session, connect } = setup();
  await connect([{ id: 'a', messages: [] }]);
  session.send('a', 'one', false);
  session.send('a', 'two', true);
  expect(fake.sent.filter((s) => s.event === 'message:send')).toHaveLength(1);
  fake.take('message:send').resolve({ ok: false, error: { code: 'CONVERSATION_CLOSED', message: 'closed' } });
  await tick();
  const second = fake.take('message:send');
  expect(second.payload).toEqual({ conversationId: 'a', clientId: 'client-2', text: 'two', note: true });
  second.resolve({ ok: true, data: { conversationId: 'a', seq: 7, at: 7000, duplicate: false } });
  await tick();
  expect(session.state.chats.a.outbox).toEqual([]);
  expect(session.state.chats.a.refused.map((p) => [p.clientId, p.state, p.error])).toEqual([['client-1', 'refused', 'CONVERSATION_CLOSED']]);
  expect(session.state.chats.a.messages.map((m) => m.kind)).toEqual(['note']);
  // A reconnect does not send it again.
  fake.socket.disconnect();
  fake.socket.connect();
  fake.take('session:sync').resolve({ ok: true, data: { me, conversations: [{ conversation: view('a'), messages: [], hasMore: false }] } });
  await tick();
  expect(fake.sent.filter((s) => s.event === 'message:send')).toHaveLength(0);
  expect(session.state.chats.a.refused).toHaveLength(1);
});

test('a reply that failed (RATE_LIMITED) stays and is sent again after a reconnect, with the same clientId', async () => {
  const { fake, session, connect } = setup();
  await connect([{ id: 'a', messages: [] }]);
  session.send('a', 'busy', false);
  fake.take('message:send').resolve({ ok: false, error: { code: 'RATE_LIMITED', message: '' } });
  await tick();
  expect(session.state.chats.a.outbox.map((p) => p.state)).toEqual(['failed']);
  fake.socket.disconnect();
  fake.socket.connect();
  fake.take('session:sync').resolve({ ok: true, data: { me, conversations: [{ conversation: view('a'), messages: [], hasMore: false }] } });
  await tick();
  expect(fake.take('message:send').payload).toMatchObject({ clientId: 'client-1', text: 'busy' });
});

test('a resync that has more pages reads them in order; a drop mid-way resumes after the last page, not after live messages', async () => {
  const { fake, session, connect } = setup();
  await connect([{ id: 'a', messages: [msg('a', 1), msg('a', 2)] }]);
  fake.socket.disconnect();
  fake.socket.connect();
  const sync = fake.take('session:sync');
  expect(sync.payload).toEqual({ since: { a: 2 } });
  sync.resolve({ ok: true, data: { me, conversations: [{ conversation: view('a'), messages: [msg('a', 3), msg('a', 4)], hasMore: true }] } });
  await tick();
  expect(session.state.chats.a.behind).toBe(4);
  const page = fake.take('conversation:history');
  expect(page.payload).toEqual({ conversationId: 'a', afterSeq: 4 });
  // A live message ahead of the pages arrives meanwhile.
  fake.fire('message', msg('a', 9));
  page.resolve({ ok: true, data: { messages: [msg('a', 5), msg('a', 6)], hasMore: true } });
  await tick();
  expect(fake.take('conversation:history').payload).toEqual({ conversationId: 'a', afterSeq: 6 });
  // The connection drops before that page's ack: the next sync asks after 6, not after 9.
  fake.socket.disconnect();
  fake.socket.connect();
  const again = fake.take('session:sync');
  expect(again.payload).toEqual({ since: { a: 6 } });
  again.resolve({ ok: true, data: { me, conversations: [{ conversation: view('a'), messages: [msg('a', 7), msg('a', 8), msg('a', 9)], hasMore: false }] } });
  await tick();
  expect(session.state.chats.a.messages.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  expect(session.state.chats.a.behind).toBeUndefined();
  // Caught up: no further page is asked for.
  expect(fake.sent.filter((s) => s.event === 'conversation:history')).toHaveLength(0);
});

test('loadEarlier reads back the page before the first message held', async () => {
  const { fake, session, connect } = setup();
  await connect([{ id: 'a', messages: [msg('a', 101), msg('a', 102)] }]);
  const loading = session.loadEarlier('a');
  const read = fake.take('conversation:history');
  expect(read.payload).toEqual({ conversationId: 'a', beforeSeq: 101 });
  read.resolve({ ok: true, data: { messages: [msg('a', 99), msg('a', 100)], hasMore: true } });
  expect(await loading).toBe(true);
  expect(session.state.chats.a.messages.map((m) => m.seq)).toEqual([99, 100, 101, 102]);
  // Nothing earlier than seq 1 (or no such chat): no call.
  expect(await session.loadEarlier('none')).toBe(false);
  expect(fake.sent).toHaveLength(0);
});

test('a reply sent while offline waits, and goes out after the next sync', async () => {
  const { fake, session, connect } = setup();
  await connect([{ id: 'a', messages: [] }]);
  fake.socket.disconnect();
  session.send('a', 'later', false);
  expect(fake.sent).toHaveLength(0);
  fake.socket.connect();
  fake.take('session:sync').resolve({ ok: true, data: { me, conversations: [{ conversation: view('a'), messages: [] }] } });
  await tick();
  expect(fake.take('message:send').payload).toMatchObject({ clientId: 'client-1', text: 'later' });
});

test('visitor messages count as unread unless their conversation is on screen', async () => {
  const { fake, session, connect } = setup();
  await connect([
    { id: 'a', messages: [] },
    { id: 'b', messages: [] },
  ]);
  session.setActive('a');
  fake.fire('message', msg('a', 1));
  fake.fire('message', msg('b', 1));
  fake.fire('message', msg('b', 1)); // duplicate: not counted twice
  fake.fire('message', msg('b', 2, 'agent'));
  fake.fire('message', msg('b', 3));
  expect(session.state.chats.a.unread).toBe(0);
  expect(session.state.chats.b.unread).toBe(2);
  session.setActive('b');
  expect(session.state.chats.b.unread).toBe(0);
});

test('a conversation removed leaves the state; one assigned joins it and is announced', async () => {
  const fake = fakeSocket();
  const assigned: string[] = [];
  const session = createConsoleSession({
    connect: () => fake.socket as unknown as AgentSocket,
    token: 't',
    onAssigned: (c) => assigned.push(c.conversation.id),
  });
  fake.socket.connect();
  fake.take('session:sync').resolve({ ok: true, data: { me, conversations: [{ conversation: view('a'), messages: [] }] } });
  await tick();
  fake.fire('conversation:assigned', { conversation: view('b'), messages: [msg('b', 1)] });
  expect(assigned).toEqual(['b']);
  expect(Object.keys(session.state.chats).sort()).toEqual(['a', 'b']);
  fake.fire('conversation:removed', { conversationId: 'a', reason: 'transferred' });
  expect(Object.keys(session.state.chats)).toEqual(['b']);
  // A sync drops chats that left me while I was away.
  fake.socket.disconnect();
  fake.socket.connect();
  fake.take('session:sync').resolve({ ok: true, data: { me, conversations: [] } });
  await tick();
  expect(session.state.chats).toEqual({});
});

test('a refused connect is reported and not retried', () => {
  const { fake, session } = setup();
  fake.fire('connect_error', Object.assign(new Error('TOKEN_EXPIRED'), { data: { code: 'TOKEN_EXPIRED' } }));
  expect(session.state.refused).toBe('TOKEN_EXPIRED');
  expect(session.state.connection).toBe('offline');
});

test('signed out by the server, the session connects again (and a refusal then ends it); a client disconnect does not', () => {
  const { fake, session } = setup();
  fake.socket.connect();
  fake.socket.connected = false;
  fake.fire('disconnect', 'io server disconnect');
  expect(fake.socket.connected).toBe(true);
  fake.socket.connected = false;
  fake.fire('connect_error', Object.assign(new Error('ACCOUNT_DISABLED'), { data: { code: 'ACCOUNT_DISABLED' } }));
  expect(session.state.refused).toBe('ACCOUNT_DISABLED');
  fake.socket.connect();
  fake.socket.disconnect();
  expect(fake.socket.connected).toBe(false);
});

test('a snapshot handed to a subscriber never changes afterwards', async () => {
  const fake = fakeSocket();
  const session = createConsoleSession({ connect: () => fake.socket as unknown as AgentSocket, token: 't', newId: () => 'c1' });
  let first: ConsoleState | undefined;
  let firstCopy: ConsoleState | undefined;
  const all: { state: ConsoleState; copy: ConsoleState }[] = [];
  session.subscribe((s) => {
    if (!first) {
      first = s;
      firstCopy = structuredClone(s);
    }
    all.push({ state: s, copy: structuredClone(s) });
  });
  fake.socket.connect();
  fake.take('session:sync').resolve({ ok: true, data: { me, conversations: [{ conversation: view('a'), messages: [msg('a', 1)] }] } });
  await tick();
  // Every kind of change after that.
  fake.fire('message', msg('a', 2));
  fake.fire('typing', { conversationId: 'a', typing: true });
  fake.fire('conversation:updated', { ...view('a'), visitorName: 'Mei' });
  session.send('a', 'hi', false);
  fake.take('message:send').reject(new Error('timeout'));
  await tick();
  session.retry('a', 'c1');
  fake.take('message:send').resolve({ ok: true, data: { conversationId: 'a', seq: 3, at: 3000, duplicate: false } });
  await tick();
  fake.fire('conversation:assigned', { conversation: view('b'), messages: [msg('b', 1)] });
  session.setActive('b');
  fake.fire('agent:state', { ...me, load: 2 });
  fake.fire('conversation:removed', { conversationId: 'a', reason: 'closed' });
  fake.socket.disconnect();

  expect(all.length).toBeGreaterThan(10);
  expect(first).toEqual(firstCopy);
  for (const { state, copy } of all) expect(state).toEqual(copy);
  // And the changes did arrive, as new objects.
  expect(session.state.chats.a).toBeUndefined();
  expect(session.state.me?.load).toBe(2);
});

test('a reconnect that finds presence rebuilt (server restarted) says so until dismissed; an ordinary one does not', async () => {
  const { fake, session } = setup();
  const syncWith = async (presenceEpoch: string | null) => {
    fake.socket.connect();
    fake.take('session:sync').resolve({ ok: true, data: { me, conversations: [{ conversation: view('a'), messages: [] }], presenceEpoch } });
    await tick();
  };
  await syncWith('e1');
  expect(session.state.restarted).toBe(false);
  fake.socket.disconnect();
  await syncWith('e1'); // same server life: a plain reconnect
  expect(session.state.restarted).toBe(false);
  fake.socket.disconnect();
  await syncWith('e2');
  expect(session.state).toMatchObject({ restarted: true, connection: 'online' });
  expect(Object.keys(session.state.chats)).toEqual(['a']);
  session.dismissRestarted();
  expect(session.state.restarted).toBe(false);
});

test('each new visitor message in a chat of mine is announced once (the message sound); agent messages and duplicates are not', async () => {
  const fake = fakeSocket();
  const heard: string[] = [];
  createConsoleSession({
    connect: () => fake.socket as unknown as AgentSocket,
    token: 't',
    onVisitorMessage: (m) => heard.push(`${m.conversationId}:${m.seq}`),
  });
  fake.socket.connect();
  fake.take('session:sync').resolve({ ok: true, data: { me, conversations: [{ conversation: view('a'), messages: [] }] } });
  await tick();
  fake.fire('message', msg('a', 1));
  fake.fire('message', msg('a', 1));
  fake.fire('message', msg('a', 2, 'agent'));
  fake.fire('message', msg('x', 1)); // not mine
  fake.fire('message', msg('a', 3));
  expect(heard).toEqual(['a:1', 'a:3']);
});

test('the message sound is on unless this browser turned it off', () => {
  const store = new Map<string, string>();
  const storage = { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) };
  expect(messageSoundOn(storage)).toBe(true);
  setMessageSound(false, storage);
  expect(messageSoundOn(storage)).toBe(false);
  setMessageSound(true, storage);
  expect(messageSoundOn(storage)).toBe(true);
});
