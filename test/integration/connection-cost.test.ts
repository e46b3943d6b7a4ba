/**
 * What one client may cost the server (issue 13): every event is rate-limited; a socket
 * that stops reading is disconnected before its unsent output grows without bound; new
 * conversations per IP and per visitor, and connections per IP, are capped.
 */
import { randomUUID } from 'node:crypto';
import { call, callRaw, chattingVisitor, ok, onlineAgent, type AgentClient } from '../helpers/chat';
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
