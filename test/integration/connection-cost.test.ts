/**
 * What one client may cost the server (issue 13): every event is rate-limited; a socket
 * that stops reading is disconnected before its unsent output grows without bound; new
 * conversations per IP and per visitor, and connections per IP, are capped.
 */
import { randomUUID } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { PAGE_TEXT_BYTES } from '../../shared/protocol';
import { call, callRaw, chattingVisitor, ok, onlineAgent, until, type AgentClient, WAIT_MS } from '../helpers/chat';
import { useTestServer } from '../helpers/suite';

describe('rate limits on every event', () => {
  const t = useTestServer({
    clock: 'manual',
    limits: { syncPerMinute: 3, ipSyncPerMinute: 100, agentReadsPerSecond: 2, agentActionsPerSecond: 2, visitorMessagesPerSecond: 2 },
  });

  test('visitor session:sync: the (N+1)th in a minute is refused, the socket still works, and the next window serves it', async () => {
    const v = await t().visitor();
    for (let i = 0; i < 3; i++) await ok(v, 'session:sync', {});
    const refused = await call(v, 'session:sync', {});
    expect(refused).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    // Other events are counted on their own keys.
    await ok(v, 'visitor:profile', { name: 'Ada' });
    t.clock.advance(60_000);
    await ok(v, 'session:sync', {});
  });

  test('visitor session:sync is also counted per IP, across visitors', async () => {
    await t.restart({ limits: { syncPerMinute: 100, ipSyncPerMinute: 2 } });
    const a = await t().visitor();
    const b = await t().visitor();
    await ok(a, 'session:sync', {});
    await ok(b, 'session:sync', {});
    expect(await call(a, 'session:sync', {})).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    t.clock.advance(60_000);
    await ok(b, 'session:sync', {});
  });

  test('visitor conversation:close is limited per visitor', async () => {
    const v = await t().visitor();
    // Nothing to close: NO_CONVERSATION, but each call is counted first.
    for (let i = 0; i < 2; i++) expect(await call(v, 'conversation:close', {})).toMatchObject({ error: { code: 'NO_CONVERSATION' } });
    expect(await call(v, 'conversation:close', {})).toMatchObject({ error: { code: 'RATE_LIMITED' } });
    t.clock.advance(1000);
    expect(await call(v, 'conversation:close', {})).toMatchObject({ error: { code: 'NO_CONVERSATION' } });
  });

  test('agent session:sync is limited per agent per minute', async () => {
    const user = await t().createUser();
    const a = await t().agent(user.token);
    for (let i = 0; i < 3; i++) await ok(a, 'session:sync', {});
    expect(await call(a, 'session:sync', {})).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    await ok(a, 'agent:status', { status: 'online' });
    t.clock.advance(60_000);
    await ok(a, 'session:sync', {});
  });

  // Each agent event: two calls in a second are served (whatever their outcome), the third is
  // RATE_LIMITED, and after a second it is served again.
  type AgentCall = (a: AgentClient, ctx: { conversationId: string; agentId: string }) => ReturnType<typeof callRaw>;
  const agentEvents: [string, AgentCall][] = [
    ['agent:status', (a) => call(a, 'agent:status', { status: 'online' })],
    ['conversation:history', (a, c) => call(a, 'conversation:history', { conversationId: c.conversationId })],
    ['visitor:info', (a, c) => call(a, 'visitor:info', { conversationId: c.conversationId })],
    ['conversation:transfer', (a, c) => call(a, 'conversation:transfer', { conversationId: c.conversationId, toAgentId: c.agentId })],
    ['agent:handover', (a, c) => call(a, 'agent:handover', { toAgentId: c.agentId })],
    ['conversation:close', (a) => call(a, 'conversation:close', { conversationId: 'no-such-conversation' })],
    ['conversation:watch', (a, c) => call(a, 'conversation:watch', { conversationId: c.conversationId })],
    ['conversation:unwatch', (a, c) => call(a, 'conversation:unwatch', { conversationId: c.conversationId })],
    ['lead:snapshot', (a) => call(a, 'lead:snapshot', {})],
    ['agent:capacity', (a, c) => call(a, 'agent:capacity', { agentId: c.agentId, capacity: 4 })],
    ['agent:set-status', (a, c) => call(a, 'agent:set-status', { agentId: c.agentId, status: 'online' })],
    ['floor:watch', (a) => call(a, 'floor:watch', {})],
    ['floor:unwatch', (a) => call(a, 'floor:unwatch', {})],
    ['conversation:takeover', (a, c) => call(a, 'conversation:takeover', { conversationId: c.conversationId })],
  ];

  test.each(agentEvents)('agent %s: the third call in a second is RATE_LIMITED, the socket still works, the next second serves it', async (_event, send) => {
    const lead = await onlineAgent(t(), { role: 'lead' });
    const v = await chattingVisitor(t());
    const ctx = { conversationId: v.conversationId, agentId: lead.id };
    t.clock.advance(1000); // onlineAgent's own agent:status is in the past window
    for (let i = 0; i < 2; i++) {
      const r = await send(lead.socket, ctx);
      expect(r.ok || r.error.code).not.toBe('RATE_LIMITED');
    }
    expect(await send(lead.socket, ctx)).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    // Another event has its own key.
    await ok(lead.socket, 'message:send', { conversationId: v.conversationId, clientId: randomUUID(), text: 'still here', note: true });
    t.clock.advance(1000);
    const again = await send(lead.socket, ctx);
    expect(again.ok || again.error.code).not.toBe('RATE_LIMITED');
  });
});

describe('a socket that stops reading', () => {
  const t = useTestServer({
    limits: {
      maxMessageLength: 4000,
      visitorMessagesPerSecond: 100,
      syncPerMinute: 10_000,
      ipSyncPerMinute: 10_000,
      maxSocketBufferBytes: 1024 * 1024,
    },
  });

  test('is disconnected once its unsent output passes the limit, and the heap stays bounded', async () => {
    const gc = exposeGc();
    // About 40 long messages: each `session:sync` reply was ~166 KB for a ~30-byte request; it is
    // one page now (PAGE_TEXT_BYTES of text), still large enough to back up a stalled socket.
    const v = await chattingVisitor(t(), 'x'.repeat(4000));
    for (let i = 0; i < 39; i++) await ok(v.socket, 'message:send', { clientId: randomUUID(), text: `${i} ${'y'.repeat(3990)}` });
    const reply = await ok(v.socket, 'session:sync', {});
    expect(JSON.stringify(reply).length).toBeGreaterThan(60_000);
    expect(JSON.stringify(reply).length).toBeLessThan(PAGE_TEXT_BYTES + 10_000);

    const raw = await t().visitor(v.token);
    const serverSockets = t().server.io.of('/visitor').sockets;
    expect(serverSockets.has(raw.id!)).toBe(true);
    gc();
    const before = process.memoryUsage();
    // Stop reading: the server's writes back up into its kernel and then its user-space buffers.
    (raw.io.engine.transport as unknown as { ws: { _socket: { pause(): void } } }).ws._socket.pause();
    for (let i = 0; i < 300; i++) raw.emit('session:sync', { afterSeq: 0 }, () => {});

    await until(() => !serverSockets.has(raw.id!), 20_000, 'the server to drop the stalled socket');
    await t().server.chat.idle();
    gc();
    const after = process.memoryUsage();
    const grewMb = (after.heapUsed - before.heapUsed) / 2 ** 20;
    const externalMb = (after.external - before.external) / 2 ** 20;
    if (process.env.REPORT_HEAP) console.log(`heapUsed +${grewMb.toFixed(1)} MB, external +${externalMb.toFixed(1)} MB`);
    expect(grewMb).toBeLessThan(20);
    expect(externalMb).toBeLessThan(20);
    // The visitor's other socket is untouched.
    await ok(v.socket, 'session:sync', { afterSeq: 40 });
  }, 60_000);
});

/** `gc()` without starting node with --expose-gc. */
function exposeGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

describe('new conversations per IP and per visitor', () => {
  const t = useTestServer({ clock: 'manual', limits: { ipMessagesPerSecond: 1000, ipNewConversationsPerMinute: 10, newConversationsPerMinute: 3 } });

  test('the 11th fresh visitor from one IP in a minute is refused, nothing is stored, and the next minute lets it through', async () => {
    for (let i = 0; i < 10; i++) {
      const v = await t().visitor();
      await ok(v, 'message:send', { clientId: randomUUID(), text: `hello ${i}` });
    }
    const eleventh = await t().visitor();
    const { visitorId } = await ok(eleventh, 'session:sync', {});
    const clientId = randomUUID();
    const refused = await call(eleventh, 'message:send', { clientId, text: 'hello 11' });
    expect(refused).toEqual({ ok: false, error: { code: 'RATE_LIMITED', message: 'Too many new conversations; try again in a minute' } });
    expect(await t().store.findActiveConversation(visitorId)).toBeNull();
    expect(await t().store.findMessageByClientId(visitorId, clientId)).toBeNull();

    t.clock.advance(60_000);
    const ack = await ok(eleventh, 'message:send', { clientId, text: 'hello 11' });
    expect(ack.duplicate).toBe(false);
    expect((await t().store.findActiveConversation(visitorId))?.id).toBe(ack.conversationId);
  });

  test('a visitor may open 3 conversations a minute; later messages of an open one are not counted', async () => {
    const v = await t().visitor();
    for (let i = 0; i < 3; i++) {
      await ok(v, 'message:send', { clientId: randomUUID(), text: `first ${i}` });
      await ok(v, 'message:send', { clientId: randomUUID(), text: `second ${i}` });
      await ok(v, 'conversation:close', {});
      t.clock.advance(1000);
    }
    expect(await call(v, 'message:send', { clientId: randomUUID(), text: 'fourth' })).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    t.clock.advance(60_000);
    await ok(v, 'message:send', { clientId: randomUUID(), text: 'fourth' });
  });
});

describe('connections per IP', () => {
  const t = useTestServer({ limits: { maxConnectionsPerIp: 3 } });

  test('one over the cap is refused at the handshake with TOO_MANY_CONNECTIONS; a closed one makes room', async () => {
    const user = await t().createUser();
    const agent = await t().agent(user.token);
    const first = await t().visitor();
    await t().visitor();
    const refused = await t().visitor().then(
      () => undefined,
      (err: Error & { data?: unknown }) => err,
    );
    expect(refused?.message).toBe('TOO_MANY_CONNECTIONS');
    expect(refused?.data).toEqual({ code: 'TOO_MANY_CONNECTIONS', message: 'Too many connections from this address; close some and try again' });
    // The refused client closes its connection; until it has, a further one is refused at the HTTP level.
    const engine = t().server.io.engine;
    await until(() => engine.clientsCount === 3, WAIT_MS, 'the refused connection to close');
    await expect(t().agent(user.token)).rejects.toThrow('TOO_MANY_CONNECTIONS');

    first.disconnect();
    await until(() => engine.clientsCount === 2, WAIT_MS, 'the closed connections to be gone');
    await ok(await t().visitor(), 'session:sync', {});
    await ok(agent, 'session:sync', {});
  });
});
