/**
 * The pre-chat form's domain rules (server/domain/chat/pre-chat.ts) on the in-memory store: the
 * session asks the fields switched on less the profile's, and a first message is refused while
 * a required name or email is missing, with nothing stored; the form's settings are read at
 * each call, so a lead's change applies to the next one.
 */
import pino from 'pino';
import { DEFAULT_LIMITS } from '../../server/config';
import { createChatService } from '../../server/domain/chat/service';
import { DEFAULT_SETTINGS } from '../../server/domain/settings';
import { createMemoryPresencePool } from '../../server/store/presence/memory';
import type { PreChatSettings } from '../../shared/settings';
import { createMemoryChatStore } from './fakes/memory-chat-store';
import { createRecordingNotifier, manualClock } from './fakes/recording-notifier';

function setup(form: PreChatSettings) {
  const store = createMemoryChatStore();
  let current = form;
  const chat = createChatService({
    store,
    pool: createMemoryPresencePool({ defaultCapacity: 3 }),
    notifier: createRecordingNotifier().notifier,
    clock: manualClock(),
    logger: pino({ level: 'silent' }),
    limits: DEFAULT_LIMITS,
    preChat: async () => current,
  });
  return { store, chat, change: (f: PreChatSettings) => (current = f) };
}

const off = DEFAULT_SETTINGS.preChat;

test('the session asks what is on, less the profile; nothing when all is off or known', async () => {
  const { chat, change } = setup({ name: 'required', email: 'optional', department: 'off', question: 'optional' });
  expect((await chat.visitorSession('v1', 'tok')).preChat).toEqual({ name: 'required', email: 'optional', question: 'optional' });
  await chat.setVisitorProfile('v1', { email: 'li@example.com' });
  expect((await chat.visitorSession('v1', 'tok')).preChat).toEqual({ name: 'required', question: 'optional' });
  change({ ...off, name: 'required', email: 'required' });
  await chat.setVisitorProfile('v1', { name: '李雷' });
  expect(await chat.visitorSession('v1', 'tok')).not.toHaveProperty('preChat');
  change(off);
  expect(await chat.visitorSession('v2', 'tok')).not.toHaveProperty('preChat');
});

test('a first message without a required field is refused with nothing stored; with it, the chat opens', async () => {
  const { store, chat } = setup({ ...off, name: 'required', email: 'required' });
  const send = () => chat.visitorSend('v1', { clientId: 'c1', text: '在吗？' });
  await expect(send()).rejects.toMatchObject({ code: 'PRE_CHAT_REQUIRED', message: 'Required before the first message: name, email' });
  await chat.setVisitorProfile('v1', { name: 'Li' });
  await expect(send()).rejects.toMatchObject({ code: 'PRE_CHAT_REQUIRED', message: 'Required before the first message: email' });
  expect(await store.findActiveConversation('v1')).toBeNull();
  expect(await store.findMessageByClientId('v1', 'c1')).toBeNull();

  await chat.setVisitorProfile('v1', { email: 'li@example.com' });
  const ack = await send();
  expect(ack.duplicate).toBe(false);
  expect((await store.findActiveConversation('v1'))?.id).toBe(ack.conversationId);
});
