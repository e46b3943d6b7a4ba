/**
 * The widget's side events end to end through a real server: profile, page context,
 * leave-a-message and ratings. Each stores exactly what it acknowledges, read back
 * through the store; a refused payload stores nothing.
 */
import { randomUUID } from 'node:crypto';
import { io as connect } from 'socket.io-client';
import { call, callRaw, chattingVisitor, ok, type VisitorClient } from '../helpers/chat';
import { useTestServer } from '../helpers/suite';

// One PGlite for the file; a fresh server, pool, limiter and manual clock per test (stored
// times and rate windows move only when a test advances the clock).
const t = useTestServer({ limits: { maxMessageLength: 200, visitorMessagesPerSecond: 50 }, clock: 'manual' });

/** A connected visitor who has synced (so we know their id) but stored nothing yet. */
async function freshVisitor(token?: string) {
  const socket = await t().visitor(token);
  const session = await ok(socket, 'session:sync', {});
  return { socket, visitorId: session.visitorId as string, token: session.token as string };
}

const failed = (code: string) => ({ ok: false, error: { code } });
const leftBy = async (visitorId: string) =>
  (await t().store.listLeftMessages({ limit: 1000 })).filter((m) => m.visitorId === visitorId);

describe('visitor:profile', () => {
  test('creates the visitor row, then updates only the fields given', async () => {
    const v = await freshVisitor();
    expect(await t().store.getVisitor(v.visitorId)).toBeNull();

    expect(await ok(v.socket, 'visitor:profile', { name: '  Li Wei ', email: 'li.wei@example.com' })).toEqual({ visitorId: v.visitorId });
    const first = await t().store.getVisitor(v.visitorId);
    expect(first).toMatchObject({ id: v.visitorId, name: 'Li Wei', email: 'li.wei@example.com', context: null, userAgent: null });
    expect(first!.lastSeenAt).toBeGreaterThanOrEqual(first!.createdAt);

    await ok(v.socket, 'visitor:profile', { email: 'Wei.Li@Example.com' });
    expect(await t().store.getVisitor(v.visitorId)).toMatchObject({ name: 'Li Wei', email: 'Wei.Li@Example.com' });
    await ok(v.socket, 'visitor:profile', { name: '李伟' });
    expect(await t().store.getVisitor(v.visitorId)).toMatchObject({ name: '李伟', email: 'Wei.Li@Example.com', createdAt: first!.createdAt });
  });

  test('updates the row a conversation already created', async () => {
    const v = await chattingVisitor(t());
    await ok(v.socket, 'visitor:profile', { name: 'Ana' });
    expect(await t().store.getVisitor(v.visitorId)).toMatchObject({ name: 'Ana', email: null });
  });

  test.each([
    ['no field', {}],
    ['an unknown field', { name: 'Ana', phone: '123' }],
    ['a blank name', { name: '   ' }],
    ['a name over 100 characters', { name: 'x'.repeat(101) }],
    ['a bad email', { email: 'not-an-email' }],
    ['an email over 254 characters', { email: `${'a'.repeat(64)}@${'b'.repeat(186)}.com` }],
    ['a null field', { name: null }],
    ['not an object', 'Ana'],
  ])('refuses %s and stores nothing', async (_what, payload) => {
    const v = await freshVisitor();
    expect(await callRaw(v.socket, 'visitor:profile', payload)).toMatchObject(failed('VALIDATION_FAILED'));
    expect(await t().store.getVisitor(v.visitorId)).toBeNull();
  });
});

describe('visitor:context', () => {
  const sockets: VisitorClient[] = [];
  afterEach(() => sockets.splice(0).forEach((s) => s.disconnect()));

  /** A visitor whose handshake carries these headers (the test helper's sockets send none). */
  const visitorWithHeaders = (headers: Record<string, string>) =>
    new Promise<VisitorClient>((resolve, reject) => {
      const s: VisitorClient = connect(`${t().url}/visitor`, {
        transports: ['websocket'],
        extraHeaders: headers,
        forceNew: true,
        reconnection: false,
      });
      sockets.push(s);
      s.once('connect', () => resolve(s));
      s.once('connect_error', reject);
    });

  const context = {
    url: 'https://shop.example/orders/A-1234?x=1',
    title: '我的订单',
    referrer: '',
    language: 'zh-CN',
    timeZone: 'Asia/Shanghai',
    data: { orderNumber: 'A-1234', plan: 'gold' },
  };

  test('stores the context and the handshake User-Agent, and replaces both on the next report', async () => {
    const socket = await visitorWithHeaders({ 'user-agent': 'Mozilla/5.0 (X11; Linux) Firefox/140.0' });
    const { visitorId } = await ok(socket, 'session:sync', {});
    expect(await ok(socket, 'visitor:context', context)).toEqual({ visitorId });
    const first = await t().store.getVisitor(visitorId);
    expect(first).toMatchObject({ context, userAgent: 'Mozilla/5.0 (X11; Linux) Firefox/140.0', name: null });

    // Replaced, not merged: fields left out are gone.
    t.clock.advance(5);
    await ok(socket, 'visitor:context', { url: 'https://shop.example/cart' });
    const second = await t().store.getVisitor(visitorId);
    expect(second!.context).toEqual({ url: 'https://shop.example/cart' });
    expect(second!.lastSeenAt).toBeGreaterThan(first!.lastSeenAt);
    await ok(socket, 'visitor:context', {});
    expect((await t().store.getVisitor(visitorId))!.context).toEqual({});
  });

  test('keeps the profile, and cuts a long User-Agent to 500 characters', async () => {
    const ua = `Mozilla/5.0 ${'x'.repeat(700)}`;
    const socket = await visitorWithHeaders({ 'user-agent': ua });
    const { visitorId } = await ok(socket, 'session:sync', {});
    await ok(socket, 'visitor:profile', { name: 'Ana' });
    await ok(socket, 'visitor:context', { language: 'pt-BR' });
    expect(await t().store.getVisitor(visitorId)).toMatchObject({ name: 'Ana', context: { language: 'pt-BR' }, userAgent: ua.slice(0, 500) });
  });

  test('accepts values at every limit', async () => {
    const v = await freshVisitor();
    const atLimits = {
      url: 'u'.repeat(2000),
      title: 't'.repeat(300),
      referrer: 'r'.repeat(2000),
      language: 'l'.repeat(35),
      timeZone: 'z'.repeat(64),
      data: Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`${i}`.padEnd(50, 'k'), 'v'.repeat(200)])),
    };
    await ok(v.socket, 'visitor:context', atLimits);
    expect((await t().store.getVisitor(v.visitorId))!.context).toEqual(atLimits);
  });

  test.each([
    ['an unknown field', { url: 'https://shop.example', userAgent: 'spoofed' }],
    ['a url over 2000 characters', { url: 'u'.repeat(2001) }],
    ['a referrer over 2000 characters', { referrer: 'r'.repeat(2001) }],
    ['a title over 300 characters', { title: 't'.repeat(301) }],
    ['a language over 35 characters', { language: 'l'.repeat(36) }],
    ['a time zone over 64 characters', { timeZone: 'z'.repeat(65) }],
    ['more than 20 data keys', { data: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, 'v'])) }],
    ['a data key over 50 characters', { data: { ['k'.repeat(51)]: 'v' } }],
    ['an empty data key', { data: { '': 'v' } }],
    ['a data value over 200 characters', { data: { k: 'v'.repeat(201) } }],
    ['a data value that is not a string', { data: { k: 1 } }],
    ['nested data', { data: { k: { deep: 'v' } } }],
    ['a url that is not a string', { url: 42 }],
  ])('refuses %s and stores nothing', async (_what, payload) => {
    const v = await freshVisitor();
    expect(await callRaw(v.socket, 'visitor:context', payload)).toMatchObject(failed('VALIDATION_FAILED'));
    expect(await t().store.getVisitor(v.visitorId)).toBeNull();
  });

  test('is rate limited per visitor', async () => {
    await t.restart({ limits: { visitorMessagesPerSecond: 3 } });
    const v = await freshVisitor();
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => call(v.socket, 'visitor:context', { title: `page ${i}` })));
    expect(results.filter((r) => r.ok)).toHaveLength(3);
    expect(results.flatMap((r) => (r.ok ? [] : [r.error.code]))).toEqual(Array(5).fill('RATE_LIMITED'));
  });
});

describe('offline:message', () => {
  test('stores the message with a copy of the visitor context at that time', async () => {
    const v = await freshVisitor();
    await ok(v.socket, 'visitor:context', { url: 'https://shop.example/p/1', data: { sku: 'P-1' } });
    const ack = await ok(v.socket, 'offline:message', { name: ' Ana ', email: 'ana@example.com', text: 'Do you ship to Hong Kong?' });
    expect(Object.keys(ack)).toEqual(['id']);
    // A later context does not change what was left.
    await ok(v.socket, 'visitor:context', { url: 'https://shop.example/p/2' });

    const [left] = await leftBy(v.visitorId);
    expect(left).toEqual({
      id: ack.id,
      visitorId: v.visitorId,
      name: 'Ana',
      email: 'ana@example.com',
      text: 'Do you ship to Hong Kong?',
      context: { url: 'https://shop.example/p/1', data: { sku: 'P-1' } },
      createdAt: expect.any(Number),
      handled: false,
    });
    // Not a chat: no conversation is opened.
    expect(await t().store.findActiveConversation(v.visitorId)).toBeNull();
  });

  test('works without any context, and lists newest first', async () => {
    const v = await freshVisitor();
    const a = await ok(v.socket, 'offline:message', { name: 'Bo', email: 'bo@example.com', text: 'first' });
    t.clock.advance(5);
    const b = await ok(v.socket, 'offline:message', { name: 'Bo', email: 'bo@example.com', text: 'second' });
    const mine = await leftBy(v.visitorId);
    expect(mine.map((m) => m.id)).toEqual([b.id, a.id]);
    expect(mine[1].context).toBeNull();
    const latest = await t().store.listLeftMessages({ limit: 1 });
    expect(latest.map((m) => m.id)).toEqual([b.id]);
  });

  test.each([
    ['a text over the message limit', { name: 'Ana', email: 'ana@example.com', text: 'x'.repeat(201) }, 'MESSAGE_TOO_LONG'],
    ['a blank text', { name: 'Ana', email: 'ana@example.com', text: ' \n ' }, 'VALIDATION_FAILED'],
    ['a bad email', { name: 'Ana', email: 'ana@', text: 'hi' }, 'VALIDATION_FAILED'],
    ['a missing email', { name: 'Ana', text: 'hi' }, 'VALIDATION_FAILED'],
    ['a missing name', { email: 'ana@example.com', text: 'hi' }, 'VALIDATION_FAILED'],
    ['a blank name', { name: ' ', email: 'ana@example.com', text: 'hi' }, 'VALIDATION_FAILED'],
    ['a name over 100 characters', { name: 'n'.repeat(101), email: 'ana@example.com', text: 'hi' }, 'VALIDATION_FAILED'],
    ['an unknown field', { name: 'Ana', email: 'ana@example.com', text: 'hi', phone: '1' }, 'VALIDATION_FAILED'],
  ])('refuses %s and stores nothing', async (_what, payload, code) => {
    const v = await freshVisitor();
    expect(await callRaw(v.socket, 'offline:message', payload)).toMatchObject(failed(code));
    expect(await leftBy(v.visitorId)).toEqual([]);
  });

  test('is rate limited per visitor and per IP address, per minute', async () => {
    await t.restart({ limits: { offlineMessagesPerMinute: 2, ipOfflineMessagesPerMinute: 3 } });
    const form = { name: 'Ana', email: 'ana@example.com', text: 'hello?' };
    const a = await freshVisitor();
    await ok(a.socket, 'offline:message', form);
    await ok(a.socket, 'offline:message', form);
    expect(await call(a.socket, 'offline:message', form)).toMatchObject(failed('RATE_LIMITED'));
    // A minute-long window: still refused a second later.
    t.clock.advance(1100);
    expect(await call(a.socket, 'offline:message', form)).toMatchObject(failed('RATE_LIMITED'));

    // Another visitor from the same address (all tests connect from 127.0.0.1) has the IP's last slot.
    const b = await freshVisitor();
    await ok(b.socket, 'offline:message', form);
    expect(await call(b.socket, 'offline:message', form)).toMatchObject(failed('RATE_LIMITED'));

    expect(await leftBy(a.visitorId)).toHaveLength(2);
    expect(await leftBy(b.visitorId)).toHaveLength(1);
  });
});

describe('conversation:rate', () => {
  /** A visitor whose conversation has been closed. */
  async function closedConversation() {
    const v = await chattingVisitor(t());
    await ok(v.socket, 'conversation:close', {});
    return v;
  }

  test('rates a closed conversation; rating again replaces it; no transcript message', async () => {
    const v = await closedConversation();
    const transcript = await t().store.messagesAfter(v.conversationId, 0, { includeNotes: true });

    expect(await ok(v.socket, 'conversation:rate', { conversationId: v.conversationId, score: 4, comment: 'Quick and kind' }))
      .toEqual({ conversationId: v.conversationId, score: 4 });
    const first = await t().store.getRating(v.conversationId);
    expect(first).toEqual({ conversationId: v.conversationId, visitorId: v.visitorId, score: 4, comment: 'Quick and kind', createdAt: expect.any(Number) });

    t.clock.advance(5);
    expect(await ok(v.socket, 'conversation:rate', { conversationId: v.conversationId, score: 2 }))
      .toEqual({ conversationId: v.conversationId, score: 2 });
    const second = await t().store.getRating(v.conversationId);
    expect(second).toMatchObject({ score: 2, comment: null });
    expect(second!.createdAt).toBeGreaterThan(first!.createdAt);

    // A blank comment is no comment.
    await ok(v.socket, 'conversation:rate', { conversationId: v.conversationId, score: 5, comment: '   ' });
    expect(await t().store.getRating(v.conversationId)).toMatchObject({ score: 5, comment: null });
    expect(await t().store.messagesAfter(v.conversationId, 0, { includeNotes: true })).toEqual(transcript);
  });

  test('a past conversation can be rated from a reconnect, while a new one is open', async () => {
    const v = await closedConversation();
    const again = await t().visitor(v.token);
    await ok(again, 'message:send', { clientId: randomUUID(), text: 'one more thing' });
    await ok(again, 'conversation:rate', { conversationId: v.conversationId, score: 3 });
    expect(await t().store.getRating(v.conversationId)).toMatchObject({ score: 3, visitorId: v.visitorId });
  });

  test('an open conversation cannot be rated yet', async () => {
    const v = await chattingVisitor(t());
    expect(await call(v.socket, 'conversation:rate', { conversationId: v.conversationId, score: 5 }))
      .toMatchObject(failed('CONVERSATION_NOT_CLOSED'));
    expect(await t().store.getRating(v.conversationId)).toBeNull();
  });

  test("someone else's conversation, or an unknown one, is not found", async () => {
    const owner = await closedConversation();
    const other = await freshVisitor();
    expect(await call(other.socket, 'conversation:rate', { conversationId: owner.conversationId, score: 1 }))
      .toMatchObject(failed('CONVERSATION_NOT_FOUND'));
    expect(await call(other.socket, 'conversation:rate', { conversationId: randomUUID(), score: 1 }))
      .toMatchObject(failed('CONVERSATION_NOT_FOUND'));
    expect(await t().store.getRating(owner.conversationId)).toBeNull();
  });

  test.each([
    ['score 0', { score: 0 }],
    ['score 6', { score: 6 }],
    ['score 2.5', { score: 2.5 }],
    ['a score as a string', { score: '5' }],
    ['no score', {}],
    ['a comment over 1000 characters', { score: 5, comment: 'c'.repeat(1001) }],
    ['an unknown field', { score: 5, anonymous: true }],
  ])('refuses %s and stores nothing', async (_what, extra) => {
    const v = await closedConversation();
    expect(await callRaw(v.socket, 'conversation:rate', { conversationId: v.conversationId, ...extra }))
      .toMatchObject(failed('VALIDATION_FAILED'));
    expect(await t().store.getRating(v.conversationId)).toBeNull();
  });

  test('a refused re-rating keeps the earlier rating', async () => {
    const v = await closedConversation();
    await ok(v.socket, 'conversation:rate', { conversationId: v.conversationId, score: 4, comment: 'good' });
    expect(await call(v.socket, 'conversation:rate', { conversationId: v.conversationId, score: 6 })).toMatchObject(failed('VALIDATION_FAILED'));
    expect(await t().store.getRating(v.conversationId)).toMatchObject({ score: 4, comment: 'good' });
  });
});
