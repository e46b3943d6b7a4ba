/**
 * Type-level test (checked by `tsc --noEmit`, never run): both clients' calls bind to the
 * event maps of shared/protocol.ts. Each `@ts-expect-error` must stay an error; if a change
 * makes one compile, tsc fails with "Unused '@ts-expect-error' directive".
 */
import type { ConsoleSession } from '../../agent-console/src/state/session';
import type { Chat as WidgetChat } from '../../widget/src/chat';

declare const session: ConsoleSession;
declare const widget: WidgetChat;

export async function consoleCalls() {
  const ok = await session.call('agent:status', { status: 'away' });
  if (ok.ok) {
    const capacity: number = ok.data.capacity;
    void capacity;
  } else {
    const code: string = ok.error.code;
    void code;
  }

  // @ts-expect-error wrong event name
  await session.call('agent:statuz', { status: 'away' });
  // @ts-expect-error wrong payload
  await session.call('agent:status', { status: 42 });
  // @ts-expect-error a missing field of the payload
  await session.call('message:send', { conversationId: 'c', text: 'hi' });
  // @ts-expect-error an event without an ack is emitted, not called
  await session.call('typing', { conversationId: 'c', typing: true });

  const sync = await session.call('session:sync', { since: {} });
  // @ts-expect-error the result is a union: `data` only after checking `ok`
  void sync.data.me;
  if (sync.ok) {
    // @ts-expect-error wrong use of the ack's data (conversations is an array of ConversationWithMessages)
    void sync.data.conversations[0].id;
    void sync.data.conversations[0].conversation.id;
  }
  const page = await session.call('conversation:history', { conversationId: 'c', beforeSeq: 10, limit: 50 });
  if (page.ok) {
    const more: boolean = page.data.hasMore;
    void more;
  }
  // @ts-expect-error a page is read forward (afterSeq) or backward (beforeSeq), not both
  await session.call('conversation:history', { conversationId: 'c', afterSeq: 1, beforeSeq: 10 });
  // @ts-expect-error the history ack is a Page, not a bare list
  if (page.ok) void page.data.length;
  const sent = await session.call('message:send', { conversationId: 'c', clientId: 'x', text: 'hi', note: true });
  // @ts-expect-error seq is a number
  if (sent.ok) sent.data.seq.toUpperCase();
}

export function consolePushes() {
  return session.on('floor:figures', (f) => {
    // @ts-expect-error `counting` is null once every chat is counted: check it first
    void f.counting.done;
    if (f.counting) void (f.counting.done / f.counting.total);
  });
}

export async function widgetCalls() {
  const r = await widget.call('message:send', { clientId: 'x', text: 'hi' });
  if (r.ok) {
    const seq: number = r.data.seq;
    void seq;
  }

  // @ts-expect-error wrong event name
  await widget.call('message:sendd', { clientId: 'x', text: 'hi' });
  // @ts-expect-error wrong payload (the visitor map has no conversationId on message:send)
  await widget.call('message:send', { clientId: 'x', text: 'hi', conversationId: 'c' });
  // @ts-expect-error wrong payload type
  await widget.call('conversation:rate', { conversationId: 'c', score: '5' });
  // @ts-expect-error an agent event is not in the visitor map
  await widget.call('agent:status', { status: 'away' });

  const s = await widget.call('session:sync', { afterSeq: 0 });
  // @ts-expect-error the result is a union: `data` only after checking `ok`
  void s.data.token;
  if (s.ok) {
    // @ts-expect-error wrong use of the ack's data (visitorId is a string)
    const n: number = s.data.visitorId;
    void n;
  }
  // The visitor map has its own history read, and the sync says whether more follow.
  const history = await widget.call('conversation:history', { conversationId: 'c', afterSeq: 3 });
  if (history.ok && s.ok) void [history.data.hasMore, s.data.hasMore];
  // @ts-expect-error the visitor's history needs the conversation id
  await widget.call('conversation:history', { afterSeq: 3 });
  const left = await widget.leaveMessage({ name: 'a', email: 'a@b.c', text: 'hi' });
  // @ts-expect-error offline:message acks with { id }
  if (left.ok) void left.data.messageId;
}
