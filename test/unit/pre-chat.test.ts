/**
 * The pre-chat form's domain rules (server/domain/chat/pre-chat.ts) on the in-memory store: the
 * session asks the fields switched on less the profile's (the department whenever departments
 * are offered), and a first message is refused while a required name, email or department is missing, with nothing stored; the form's settings are read at
 * each call, so a lead's change applies to the next one.
 */
import pino from 'pino';
import { DEFAULT_LIMITS } from '../../server/config';
import { createChatService } from '../../server/domain/chat/service';
import { DEFAULT_SETTINGS } from '../../server/domain/settings';
import { createMemoryPresencePool } from '../../server/store/presence/memory';
import type { DepartmentSettings, PreChatSettings } from '../../shared/settings';
import { createMemoryChatStore } from './fakes/memory-chat-store';
import { createRecordingNotifier, manualClock } from './fakes/recording-notifier';

function setup(form: PreChatSettings, departments: DepartmentSettings = DEFAULT_SETTINGS.departments) {
  const store = createMemoryChatStore();
  let current = form;
  let offer = departments;
  const chat = createChatService({
    store,
    pool: createMemoryPresencePool({ defaultCapacity: 3 }),
    notifier: createRecordingNotifier().notifier,
    clock: manualClock(),
    logger: pino({ level: 'silent' }),
    limits: DEFAULT_LIMITS,
    preChat: async () => current,
    departments: async () => offer,
  });
  return { store, chat, change: (f: PreChatSettings) => (current = f), offer: (d: DepartmentSettings) => (offer = d) };
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

test('offered departments are asked (required, unless the form says optional) and a first message needs one; never asked when not offered', async () => {
  const { store, chat, change, offer } = setup({ ...off, department: 'required' });
  const send = (clientId: string) => chat.visitorSend('v1', { clientId, text: '退货怎么办？' });
  // Not offered: the form's department is not asked, nor required.
  expect(await chat.visitorSession('v1', 'tok')).not.toHaveProperty('preChat');
  offer({ offerChoice: true, overflowSeconds: 60 });
  change(off);
  // Offered but none exist yet: nothing to choose.
  const none = await chat.visitorSession('v1', 'tok');
  expect(none).not.toHaveProperty('preChat');
  expect(none.departments).toEqual([]);

  const created = await store.createDepartment({ name: '售后', at: 0 });
  if (created.status !== 'created') throw new Error('not created');
  const care = { id: created.department.id, name: '售后' };
  // The form's department off: asked, and required.
  expect(await chat.visitorSession('v1', 'tok')).toMatchObject({ preChat: { department: 'required' }, departments: [care] });
  change({ ...off, department: 'optional' });
  expect((await chat.visitorSession('v1', 'tok')).preChat).toEqual({ department: 'optional' });
  change({ ...off, department: 'required', question: 'optional' });
  await expect(send('c1')).rejects.toMatchObject({ code: 'PRE_CHAT_REQUIRED', message: 'Required before the first message: department' });
  expect(await store.findActiveConversation('v1')).toBeNull();
  expect(await store.findMessageByClientId('v1', 'c1')).toBeNull();

  await expect(chat.setVisitorProfile('v1', { department: 'nope' })).rejects.toMatchObject({ code: 'DEPARTMENT_NOT_FOUND' });
  await chat.setVisitorProfile('v1', { department: care.id });
  // Still asked (a new conversation's need may differ), but the profile's choice satisfies it.
  expect((await chat.visitorSession('v1', 'tok')).preChat).toEqual({ department: 'required', question: 'optional' });
  const ack = await send('c1');
  expect(await store.getConversation(ack.conversationId)).toMatchObject({ departmentId: care.id });
});
