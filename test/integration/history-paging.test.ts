/**
 * Paged replies (issue 13): no reply carries more than one page of a conversation
 * (PAGE_MESSAGES messages, PAGE_TEXT_BYTES of text); `hasMore` and
 * `conversation:history` let a client fetch the rest, every message once, in order, in
 * both namespaces, each reader only what they may read.
 */
import { randomUUID } from 'node:crypto';
import { PAGE_MESSAGES, PAGE_TEXT_BYTES, type Page } from '../../shared/protocol';
import { call, callRaw, chattingVisitor, next, ok, onlineAgent, type AgentClient, type VisitorClient } from '../helpers/chat';
import { useTestServer } from '../helpers/suite';

const t = useTestServer({
  limits: { maxMessageLength: 4000, visitorMessagesPerSecond: 10_000, agentMessagesPerSecond: 10_000, ipMessagesPerSecond: 10_000 },
});

/** A reply's size on the wire (its JSON), in bytes. */
const bytes = (reply: unknown) => Buffer.byteLength(JSON.stringify(reply));
/** One page's worst case: its text in JSON (quotes and backslashes escape to 2 bytes) plus each message's other fields. */
const PAGE_BOUND = 2 * PAGE_TEXT_BYTES + PAGE_MESSAGES * 600;

/** `n` messages into the conversation, `make(i)` each; sent 20 at a time. */
async function fill(n: number, make: (i: number) => Promise<unknown>) {
  for (let i = 0; i < n; i += 20) await Promise.all(Array.from({ length: Math.min(20, n - i) }, (_, k) => make(i + k)));
}

/** Pages forward with `conversation:history` from `afterSeq` until `hasMore` is false; returns every page. */
async function pageForward<M extends { seq: number }>(socket: AgentClient | VisitorClient, conversationId: string, first: Page<M>) {
  const pages: Page<M>[] = [first];
  while (pages.at(-1)!.hasMore) {
    const afterSeq = pages.at(-1)!.messages.at(-1)!.seq;
    // Both maps declare the same query and page shape; the visitor's messages are a subset.
    pages.push((await ok(socket as AgentClient, 'conversation:history', { conversationId, afterSeq })) as unknown as Page<M>);
    expect(pages.length).toBeLessThan(100);
  }
  return pages;
}

/** A visitor in a conversation with an agent, holding 1 + 150 visitor texts + 60 agent texts + 40 notes. */
async function longConversation() {
  const agent = await onlineAgent(t(), { name: 'Mei' });
  const assigned = next(agent.socket, 'conversation:assigned');
  const v = await chattingVisitor(t(), 'message 0');
  await assigned;
  const conversationId = v.conversationId;
  await fill(150, (i) => ok(v.socket, 'message:send', { clientId: randomUUID(), text: `visitor ${i + 1}` }));
  await fill(100, (i) =>
    ok(agent.socket, 'message:send', { conversationId, clientId: randomUUID(), text: i < 60 ? `agent ${i}` : `note ${i}`, note: i >= 60 }),
  );
  const all = await t().store.messagesAfter(conversationId, 0, { includeNotes: true, limit: 10_000 });
  return { agent, v, conversationId, all };
}

describe('visitor', () => {
  test('a sync returns one page and hasMore; conversation:history pages through every message once, in order, without notes', async () => {
    const { v, conversationId, all } = await longConversation();
    const visible = all.filter((m) => m.kind !== 'note').map((m) => m.seq);
    expect(visible.length).toBeGreaterThan(2 * PAGE_MESSAGES);

    // A fresh tab (a reload): it knows nothing and resumes from 0.
    const tab = await t().visitor(v.token);
    const session = await ok(tab, 'session:sync', { afterSeq: 0 });
    expect(session.messages).toHaveLength(PAGE_MESSAGES);
    expect(session.hasMore).toBe(true);
    expect(bytes(session)).toBeLessThan(PAGE_BOUND);

    const pages = await pageForward(tab, conversationId, session);
    for (const p of pages) expect(bytes(p)).toBeLessThan(PAGE_BOUND);
    const seqs = pages.flatMap((p) => p.messages.map((m) => m.seq));
    expect(seqs).toEqual(visible);
    expect(pages.flatMap((p) => p.messages).some((m) => m.kind === 'note')).toBe(false);
    expect(pages.at(-1)!.hasMore).toBe(false);
  });

  test('resume after a reconnect: everything after afterSeq, over several pages', async () => {
    const { v, conversationId, all } = await longConversation();
    const afterSeq = 20;
    v.socket.disconnect();
    const again = await t().visitor(v.token);
    const first = await ok(again, 'session:sync', { afterSeq, conversationId });
    expect(first.messages[0].seq).toBeGreaterThan(afterSeq);
    const seqs = (await pageForward(again, conversationId, first)).flatMap((p) => p.messages.map((m) => m.seq));
    expect(seqs).toEqual(all.filter((m) => m.kind !== 'note' && m.seq > afterSeq).map((m) => m.seq));
  });

  test('an afterSeq of another conversation (conversationId) starts from the beginning of the active one', async () => {
    const v = await chattingVisitor(t(), 'first conversation');
    await ok(v.socket, 'conversation:close', {});
    await ok(v.socket, 'message:send', { clientId: randomUUID(), text: 'second conversation' });
    const s = await ok(v.socket, 'session:sync', { afterSeq: 50, conversationId: v.conversationId });
    expect(s.conversation!.id).not.toBe(v.conversationId);
    expect(s.messages[0].seq).toBe(1);
    expect(s.messages.map((m) => m.text)).toContain('second conversation');
  });

  test('reading back with beforeSeq, and the text budget: long messages make shorter pages', async () => {
    const v = await chattingVisitor(t(), 'x'.repeat(4000));
    await fill(39, (i) => ok(v.socket, 'message:send', { clientId: randomUUID(), text: `${i} ${'y'.repeat(3990)}` }));
    const s = await ok(v.socket, 'session:sync', {});
    // The review's 166 KB reply: now at most PAGE_TEXT_BYTES of text.
    expect(s.messages.reduce((n, m) => n + Buffer.byteLength(m.text), 0)).toBeLessThanOrEqual(PAGE_TEXT_BYTES);
    expect(s.messages.length).toBeLessThan(20);
    expect(s.hasMore).toBe(true);
    expect(bytes(s)).toBeLessThan(PAGE_TEXT_BYTES + 20 * 400);
    const forward = (await pageForward(v.socket, v.conversationId, s)).flatMap((p) => p.messages.map((m) => m.seq));

    // Backwards from the end: the newest page first, then earlier ones, each before the last one read.
    const backward: number[] = [];
    let beforeSeq = forward.at(-1)! + 1;
    while (beforeSeq > 1) {
      const page = await ok(v.socket, 'conversation:history', { conversationId: v.conversationId, beforeSeq });
      expect(page.messages.length).toBeGreaterThan(0);
      expect(page.hasMore).toBe(backward.length > 0); // what was read before follows this page
      backward.unshift(...page.messages.map((m) => m.seq));
      beforeSeq = page.messages[0].seq;
    }
    expect(backward).toEqual(forward);
  });

  test('Chinese text: a page is bounded in bytes, not characters', async () => {
    const v = await chattingVisitor(t(), '你好');
    await fill(30, (i) => ok(v.socket, 'message:send', { clientId: randomUUID(), text: `${i} ${'货'.repeat(3990)}` }));
    const s = await ok(v.socket, 'session:sync', {});
    expect(s.hasMore).toBe(true);
    expect(bytes(s)).toBeLessThan(PAGE_TEXT_BYTES + 20 * 400);
    const pages = await pageForward(v.socket, v.conversationId, s);
    for (const p of pages) expect(bytes(p)).toBeLessThan(PAGE_TEXT_BYTES + 20 * 400);
    expect(pages.flatMap((p) => p.messages).filter((m) => m.text.includes('货'))).toHaveLength(30);
  });

  test('a visitor pages only their own conversations (closed ones included); limit and the query are validated', async () => {
    const mine = await chattingVisitor(t(), 'mine');
    const other = await chattingVisitor(t(), 'theirs');
    expect(await call(mine.socket, 'conversation:history', { conversationId: other.conversationId })).toMatchObject({
      ok: false,
      error: { code: 'CONVERSATION_NOT_FOUND' },
    });
    expect(await call(mine.socket, 'conversation:history', { conversationId: 'no-such' })).toMatchObject({ error: { code: 'CONVERSATION_NOT_FOUND' } });
    await ok(mine.socket, 'conversation:close', {});
    const closed = await ok(mine.socket, 'conversation:history', { conversationId: mine.conversationId, limit: 2 });
    expect(closed.messages.map((m) => m.seq)).toEqual([1, 2]);
    expect(closed.hasMore).toBe(true);

    const bad = [
      { conversationId: mine.conversationId, limit: PAGE_MESSAGES + 1 },
      { conversationId: mine.conversationId, limit: 0 },
      { conversationId: mine.conversationId, afterSeq: 1, beforeSeq: 5 },
      { conversationId: mine.conversationId, beforeSeq: 0 },
      { conversationId: mine.conversationId, afterSeq: -1 },
    ];
    for (const payload of bad) {
      expect(await callRaw(mine.socket, 'conversation:history', payload)).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
    }
    // The connection stays usable.
    await ok(mine.socket, 'session:sync', {});
  });
});

describe('agent and lead', () => {
  test('sync with since pages forward over several pages; without since it carries the latest page', async () => {
    const { agent, conversationId, all } = await longConversation();
    const seqs = all.map((m) => m.seq);

    const fresh = await ok(agent.socket, 'session:sync', {});
    const latest = fresh.conversations.find((c) => c.conversation.id === conversationId)!;
    expect(latest.messages.map((m) => m.seq)).toEqual(seqs.slice(-PAGE_MESSAGES));
    expect(latest.hasMore).toBe(false);
    expect(bytes(fresh)).toBeLessThan(PAGE_BOUND + 2000);

    // Resume after seq 10: more than two pages missed.
    const resumed = await ok(agent.socket, 'session:sync', { since: { [conversationId]: 10 } });
    const first = resumed.conversations.find((c) => c.conversation.id === conversationId)!;
    expect(first.messages).toHaveLength(PAGE_MESSAGES);
    expect(first.hasMore).toBe(true);
    const pages = await pageForward(agent.socket, conversationId, first);
    expect(pages.length).toBeGreaterThanOrEqual(3);
    expect(pages.flatMap((p) => p.messages.map((m) => m.seq))).toEqual(seqs.filter((s) => s > 10));
    // Notes are the agent's to read.
    expect(pages.flatMap((p) => p.messages).filter((m) => m.kind === 'note')).toHaveLength(40);
  });

  test('"show earlier": beforeSeq reads back the newest page before it', async () => {
    const { agent, conversationId, all } = await longConversation();
    const page = await ok(agent.socket, 'conversation:history', { conversationId, beforeSeq: 150, limit: 30 });
    expect(page.messages.map((m) => m.seq)).toEqual(all.filter((m) => m.seq < 150).slice(-30).map((m) => m.seq));
    expect(page.hasMore).toBe(true);
    const oldest = await ok(agent.socket, 'conversation:history', { conversationId });
    expect(oldest.messages[0].seq).toBe(1);
    expect(oldest.messages).toHaveLength(PAGE_MESSAGES);
  });

  test('a conversation assigned with a long history carries its latest page; a watch too', async () => {
    const { agent, conversationId, all } = await longConversation();
    const other = await onlineAgent(t());
    const lead = await onlineAgent(t(), { role: 'lead', capacity: 0 });
    const assigned = next(other.socket, 'conversation:assigned', (c) => c.conversation.id === conversationId);
    const event = next(other.socket, 'message', (m) => m.conversationId === conversationId && m.event?.type === 'assigned');
    await ok(agent.socket, 'conversation:transfer', { conversationId, toAgentId: other.id });
    const got = await assigned;
    expect(got.messages).toHaveLength(PAGE_MESSAGES);
    expect(got.hasMore).toBe(false);
    // Told, then recorded (routing.ts): the page ends at `transferred`, the stored `assigned` follows live.
    expect(got.messages.at(-1)!.event?.type).toBe('transferred');
    expect(got.messages[0].seq).toBe(all.length + 1 - PAGE_MESSAGES + 1);
    expect((await event).seq).toBe(all.length + 2);

    const watched = await ok(lead.socket, 'conversation:watch', { conversationId });
    expect(watched.messages).toHaveLength(PAGE_MESSAGES);
    expect(watched.messages.at(-1)!.seq).toBe(all.length + 2);
  });

  test('an agent pages only conversations assigned to them; a lead pages any, closed ones included', async () => {
    const a = await onlineAgent(t());
    const assigned = next(a.socket, 'conversation:assigned');
    const v = await chattingVisitor(t());
    await assigned;
    const b = await onlineAgent(t());
    const lead = await onlineAgent(t(), { role: 'lead', capacity: 0 });
    expect(await call(b.socket, 'conversation:history', { conversationId: v.conversationId })).toMatchObject({ error: { code: 'NOT_ASSIGNED' } });
    expect(await call(b.socket, 'conversation:history', { conversationId: v.conversationId, beforeSeq: 3 })).toMatchObject({ error: { code: 'NOT_ASSIGNED' } });
    expect((await ok(a.socket, 'conversation:history', { conversationId: v.conversationId })).messages.length).toBeGreaterThan(0);
    await ok(a.socket, 'conversation:close', { conversationId: v.conversationId });
    expect(await call(a.socket, 'conversation:history', { conversationId: v.conversationId })).toMatchObject({ error: { code: 'CONVERSATION_NOT_FOUND' } });
    const read = await ok(lead.socket, 'conversation:history', { conversationId: v.conversationId, beforeSeq: 1000 });
    expect(read.messages.at(-1)!.event?.type).toBe('closed');
    expect(read.hasMore).toBe(false);
  });
});

describe('visitor history is rate-limited', () => {
  const limited = useTestServer({ clock: 'manual', limits: { visitorMessagesPerSecond: 1 } });

  test('the third call in a second is RATE_LIMITED, the socket still works, the next second serves it', async () => {
    const v = await chattingVisitor(limited());
    limited.clock.advance(1000);
    for (let i = 0; i < 2; i++) await ok(v.socket, 'conversation:history', { conversationId: v.conversationId });
    expect(await call(v.socket, 'conversation:history', { conversationId: v.conversationId })).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    await ok(v.socket, 'session:sync', {});
    limited.clock.advance(1000);
    await ok(v.socket, 'conversation:history', { conversationId: v.conversationId });
  });

  test('and per IP address, across visitors', async () => {
    await limited.restart({ limits: { visitorMessagesPerSecond: 100, ipMessagesPerSecond: 2 } });
    const a = await chattingVisitor(limited(), 'a');
    const b = await chattingVisitor(limited(), 'b');
    limited.clock.advance(1000);
    await ok(a.socket, 'conversation:history', { conversationId: a.conversationId });
    await ok(b.socket, 'conversation:history', { conversationId: b.conversationId });
    expect(await call(a.socket, 'conversation:history', { conversationId: a.conversationId })).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    limited.clock.advance(1000);
    await ok(a.socket, 'conversation:history', { conversationId: a.conversationId });
  });
});
