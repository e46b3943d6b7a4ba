/** The console's chat list order: who waits for an answer, and since when. */
import type { ConversationView, Message } from '../../shared/protocol';
import { ordered, waitingSince, type Chat } from '../../agent-console/src/state/chats';

let seq = 0;
const msg = (author: Message['author'], at: number, kind: Message['kind'] = 'text'): Message => ({
  conversationId: 'c',
  seq: ++seq,
  clientId: null,
  author,
  authorId: null,
  authorName: null,
  kind,
  text: `${author} at ${at}`,
  at,
});

const chat = (id: string, openedAt: number, messages: Message[]): Chat => ({
  view: { id, openedAt } as ConversationView,
  messages,
  unread: 0,
  outbox: [],
  refused: [],
  visitorTyping: false,
});

test('a chat waits from the first visitor text after the last agent text; events and notes do not answer', () => {
  expect(waitingSince(chat('a', 0, []))).toBeNull();
  expect(waitingSince(chat('a', 0, [msg('visitor', 10), msg('visitor', 20)]))).toBe(10);
  expect(waitingSince(chat('a', 0, [msg('visitor', 10), msg('agent', 20)]))).toBeNull();
  expect(waitingSince(chat('a', 0, [msg('visitor', 10), msg('agent', 20), msg('visitor', 30), msg('system', 35, 'event'), msg('visitor', 40)]))).toBe(30);
  expect(waitingSince(chat('a', 0, [msg('visitor', 10), msg('agent', 15, 'note')]))).toBe(10);
  // A long history before the last answer does not matter.
  const long = Array.from({ length: 500 }, (_, i) => msg(i % 2 ? 'agent' : 'visitor', i));
  expect(waitingSince(chat('a', 0, [...long, msg('visitor', 1000)]))).toBe(1000);
});

test('the longest-waiting chat comes first, then the others by latest activity', () => {
  const answered = chat('answered', 0, [msg('visitor', 10), msg('agent', 50)]);
  const waitingLong = chat('waiting-long', 0, [msg('visitor', 20)]);
  const waitingShort = chat('waiting-short', 0, [msg('visitor', 40)]);
  const quiet = chat('quiet', 60, []);
  const order = ordered({ answered, waitingShort, quiet, waitingLong }).map((c) => c.view.id);
  expect(order).toEqual(['waiting-long', 'waiting-short', 'quiet', 'answered']);
});
