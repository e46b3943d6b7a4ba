/** Server events the agent console needs: close filing, visitor info, end-of-shift handover. */
import { randomUUID } from 'node:crypto';
import { call, callRaw, chattingVisitor, next, ok, onlineAgent } from '../helpers/chat';
import { useTestServer } from '../helpers/suite';

const t = useTestServer();

test('closing with a category and summary files the conversation; bad categories are refused', async () => {
  const a = await onlineAgent(t());
  const v = await chattingVisitor(t(), '快递三天没动了');
  // Not a category: sent untyped on purpose.
  expect(await callRaw(a.socket, 'conversation:close', { conversationId: v.conversationId, category: 'billing' })).toMatchObject({
    ok: false,
    error: { code: 'VALIDATION_FAILED' },
  });
  expect((await t().store.getConversation(v.conversationId))!.status).toBe('open');
  await ok(a.socket, 'conversation:close', { conversationId: v.conversationId, category: 'complaint', summary: '物流延误，已催件' });
  expect(await t().store.getConversation(v.conversationId)).toMatchObject({
    status: 'closed',
    closeCategory: 'complaint',
    closeSummary: '物流延误，已催件',
  });
});

test('visitor info shows the page context and earlier conversations, to the assigned agent only', async () => {
  const a = await onlineAgent(t(), { capacity: 1, name: 'A' });
  const first = await chattingVisitor(t(), 'first visit');
  await ok(first.socket, 'visitor:profile', { name: 'Ana' });
  await ok(first.socket, 'visitor:context', { url: 'https://shop.example/tea-set', title: 'Tea set', data: { orderNumber: 'A-42' } });
  await ok(a.socket, 'conversation:close', { conversationId: first.conversationId });
  const second = await ok(first.socket, 'message:send', { clientId: randomUUID(), text: 'back again' });
  const info = await ok(a.socket, 'visitor:info', { conversationId: second.conversationId });
  expect(info).toMatchObject({
    id: first.visitorId,
    name: 'Ana',
    context: { url: 'https://shop.example/tea-set', title: 'Tea set', data: { orderNumber: 'A-42' } },
    pastConversations: [{ id: first.conversationId, status: 'closed', agentName: 'A' }],
  });
  const b = await onlineAgent(t());
  expect(await call(b.socket, 'visitor:info', { conversationId: second.conversationId })).toMatchObject({ ok: false, error: { code: 'NOT_ASSIGNED' } });
});

test('handover at the end of a shift moves every chat to a colleague with the note, then goes offline', async () => {
  const a = await onlineAgent(t(), { capacity: 3 });
  const chats = [await chattingVisitor(t()), await chattingVisitor(t())];
  const b = await onlineAgent(t(), { capacity: 3 });
  const received = [next(b.socket, 'conversation:assigned'), next(b.socket, 'conversation:assigned', (c) => c.conversation.id === chats[1].conversationId)];
  const r = await ok(a.socket, 'agent:handover', { toAgentId: b.id, note: '交班：两位客户等待退款进度' });
  expect(r.handedOver.sort()).toEqual(chats.map((c) => c.conversationId).sort());
  await Promise.all(received);
  expect(await t().pool.agent(a.id)).toMatchObject({ status: 'offline', load: 0 });
  expect((await t().pool.agent(b.id))!.load).toBe(2);
  const { messages } = await ok(b.socket, 'conversation:history', { conversationId: chats[0].conversationId });
  expect(messages.find((m) => m.event?.type === 'transferred')?.event).toMatchObject({ type: 'transferred', note: '交班：两位客户等待退款进度' });
});

test('handover to the queue puts the chats at its front', async () => {
  const a = await onlineAgent(t(), { capacity: 2 });
  const mine = await chattingVisitor(t());
  await ok(a.socket, 'agent:status', { status: 'away' });
  const waiting = await chattingVisitor(t());
  await ok(a.socket, 'agent:handover', { toAgentId: null });
  expect(await t().pool.queue()).toEqual([mine.conversationId, waiting.conversationId]);
});
