/**
 * /api/v1/settings: defaults, a lead's save round-trips (and survives a restart of the server on
 * the same database), validation, roles, and the two settings that act at once: the close
 * categories an agent may use, and whether a visitor's draft reaches agents while they type.
 */
import request from 'supertest';
import { DEFAULT_SETTINGS } from '../../server/domain/settings';
import { BUILT_IN_CATEGORIES } from '../../shared/settings';
import { callRaw, chattingVisitor, next, ok, onlineAgent, startTestServer } from '../helpers/chat';
import { useTestServer } from '../helpers/suite';

const t = useTestServer();
let lead: { id: string; token: string };
let agent: { id: string; token: string };

beforeEach(async () => {
  // One database for the file: each test starts from the defaults.
  await t().sql.query('DELETE FROM settings');
  lead = await t().createUser({ role: 'lead' });
  agent = await t().createUser({ name: 'Ann' });
});

const auth = (token: string) => ({ authorization: `Bearer ${token}` });
const api = () => request(t().server.app);
const put = (token: string, body: unknown) => api().put('/api/v1/settings').set(auth(token)).send(body as object);

/** The built-in categories given, in this order (the others are kept by the server as removed). */
const only = (...ids: string[]) => ids.map((id) => BUILT_IN_CATEGORIES.find((c) => c.id === id)!);
const removed = (...ids: string[]) => only(...ids).map((c) => ({ ...c, removed: true }));

const saved = {
  greeting: { en: 'Hello from the shop!', 'zh-CN': '欢迎光临小店！' },
  businessHours: {
    timeZone: 'Europe/Berlin',
    days: { mon: { open: '08:30', close: '17:00' }, tue: null, wed: null, thu: null, fri: { open: '10:00', close: '12:00' }, sat: null, sun: null },
  },
  businessHoursOn: true,
  waitingThresholdSeconds: 90,
  typingPreview: false,
  closeCategories: [...only('order', 'complaint'), ...removed('inquiry', 'after_sales', 'other')],
  routines: { ...DEFAULT_SETTINGS.routines, idlePromptMinutes: 4, greeting: { en: 'Hi {visitor.name}!', 'zh-CN': '{visitor.name}您好！' } },
  preChat: { name: 'required', email: 'optional', department: 'off', question: 'optional' },
  departments: { offerChoice: true, overflowSeconds: 120 },
  quality: { ...DEFAULT_SETTINGS.quality, unresolved: { enabled: false, points: 5 }, forbiddenWords: { enabled: true, points: 50, words: ['滚', 'shut up'] } },
};

test('defaults, then a lead saves everything and every user reads it back, also after a restart', async () => {
  expect((await api().get('/api/v1/settings').set(auth(agent.token)).expect(200)).body).toEqual({ settings: DEFAULT_SETTINGS });
  expect((await put(lead.token, saved).expect(200)).body).toEqual({ settings: saved });
  expect((await api().get('/api/v1/settings').set(auth(agent.token)).expect(200)).body).toEqual({ settings: saved });

  // A partial save replaces only the settings given.
  const r = await put(lead.token, { waitingThresholdSeconds: 30 }).expect(200);
  expect(r.body.settings).toEqual({ ...saved, waitingThresholdSeconds: 30 });

  // Stored, not cached: a second server on the same database reads the same values.
  const other = await startTestServer({ store: t.db });
  try {
    const again = await request(other.server.app).get('/api/v1/settings').set(auth(agent.token)).expect(200);
    expect(again.body.settings).toEqual({ ...saved, waitingThresholdSeconds: 30 });
  } finally {
    await other.close();
  }
});

test('roles: no token 401, an agent may read but not save (403), and nothing changes', async () => {
  expect((await api().get('/api/v1/settings').expect(401)).body.error.code).toBe('UNAUTHENTICATED');
  expect((await put(agent.token, { typingPreview: false }).expect(403)).body.error.code).toBe('FORBIDDEN');
  const visitorToken = (await ok(await t().visitor(), 'session:sync', {})).token;
  expect((await api().get('/api/v1/settings').set(auth(visitorToken)).expect(403)).body.error.code).toBe('FORBIDDEN');
  expect((await api().get('/api/v1/settings').set(auth(lead.token)).expect(200)).body.settings).toEqual(DEFAULT_SETTINGS);
});

test.each([
  ['an empty body', {}, 'body'],
  ['an unknown setting', { colour: 'red' }, ''],
  ['a threshold out of range', { waitingThresholdSeconds: 5 }, 'waitingThresholdSeconds'],
  ['a threshold that is not a whole number', { waitingThresholdSeconds: 60.5 }, 'waitingThresholdSeconds'],
  ['an unknown time zone', { businessHours: { ...saved.businessHours, timeZone: 'Mars/Olympus' } }, 'businessHours.timeZone'],
  ['a day missing', { businessHours: { timeZone: 'UTC', days: { mon: null } } }, 'businessHours.days'],
  ['a badly written time', { businessHours: { ...saved.businessHours, days: { ...saved.businessHours.days, mon: { open: '8:30', close: '17:00' } } } }, 'businessHours.days.mon.open'],
  ['closing before opening', { businessHours: { ...saved.businessHours, days: { ...saved.businessHours.days, mon: { open: '18:00', close: '09:00' } } } }, 'businessHours.days.mon'],
  ['a greeting with a NUL', { greeting: { en: 'Hi\u0000', 'zh-CN': '您好' } }, 'greeting.en'],
  ['a greeting for one language only', { greeting: { en: 'Hi' } }, 'greeting'],
  ['no close category', { closeCategories: [] }, 'closeCategories'],
  ['only removed close categories', { closeCategories: removed('order') }, 'closeCategories'],
  ['a close category without a name', { closeCategories: [{ name: { en: ' ', 'zh-CN': '' } }] }, 'closeCategories.0.name'],
  ['a close category id with a space', { closeCategories: [{ id: 'a b', name: { en: 'Refund', 'zh-CN': '' } }] }, 'closeCategories.0.id'],
  ['a close category name too long', { closeCategories: [{ name: { en: 'x'.repeat(61), 'zh-CN': '' } }] }, 'closeCategories.0.name.en'],
  ['a close category twice', { closeCategories: only('order', 'order') }, 'closeCategories'],
  ['a close category in the old form', { closeCategories: ['order'] }, 'closeCategories.0'],
  ['a quality rule worth more than 100 points', { quality: { ...DEFAULT_SETTINGS.quality, courtesy: { ...DEFAULT_SETTINGS.quality.courtesy, points: 101 } } }, 'quality.courtesy.points'],
  ['a blank forbidden word', { quality: { ...DEFAULT_SETTINGS.quality, forbiddenWords: { enabled: true, points: 10, words: [' '] } } }, 'quality.forbiddenWords.words.0'],
  ['typing preview not a boolean', { typingPreview: 'yes' }, 'typingPreview'],
  ['a department wait out of range', { departments: { offerChoice: false, overflowSeconds: 3601 } }, 'departments.overflowSeconds'],
  ['the department choice alone', { departments: { offerChoice: true } }, 'departments.overflowSeconds'],
])('refused with VALIDATION_FAILED: %s; nothing stored', async (_what, body, field) => {
  const r = await put(lead.token, body).expect(400);
  expect(r.body.error.code).toBe('VALIDATION_FAILED');
  expect(r.body.error.message.startsWith(field)).toBe(true);
  expect((await api().get('/api/v1/settings').set(auth(lead.token)).expect(200)).body.settings).toEqual(DEFAULT_SETTINGS);
});

test('an agent can close only with a category the team has enabled', async () => {
  const a = await onlineAgent(t(), { name: 'Closer' });
  await put(lead.token, { closeCategories: only('order', 'other') }).expect(200);
  const first = await chattingVisitor(t(), 'Where is my parcel?');

  const refused = await callRaw(a.socket, 'conversation:close', { conversationId: first.conversationId, category: 'complaint' });
  expect(refused).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
  expect((await t().store.getConversation(first.conversationId))!.status).toBe('open');

  await ok(a.socket, 'conversation:close', { conversationId: first.conversationId, category: 'order' });
  expect((await t().store.getConversation(first.conversationId))!).toMatchObject({ status: 'closed', closeCategory: 'order' });

  // Without a category is always allowed.
  const second = await chattingVisitor(t(), 'Another question');
  await ok(a.socket, 'conversation:close', { conversationId: second.conversationId });
  expect((await t().store.getConversation(second.conversationId))!).toMatchObject({ status: 'closed', closeCategory: null });
});

test('typing preview: agents get the draft while it is on, and only "is typing" once a lead turns it off', async () => {
  const a = await onlineAgent(t(), { name: 'Reader' });
  const v = await chattingVisitor(t(), 'Hi');

  let seen = next(a.socket, 'typing', (p) => p.typing);
  await callRaw(v.socket, 'typing', { typing: true, text: 'My order number is A-12' });
  expect(await seen).toEqual({ conversationId: v.conversationId, typing: true, text: 'My order number is A-12' });

  // A long draft: only its end is forwarded.
  seen = next(a.socket, 'typing', (p) => p.typing);
  await callRaw(v.socket, 'typing', { typing: true, text: `${'x'.repeat(2000)}END` });
  const long = await seen;
  expect(long.text).toHaveLength(500);
  expect(long.text!.endsWith('END')).toBe(true);

  await put(lead.token, { typingPreview: false }).expect(200);
  seen = next(a.socket, 'typing', (p) => p.typing);
  await callRaw(v.socket, 'typing', { typing: true, text: 'My card number is 4111' });
  const hidden = await seen;
  expect(hidden).toEqual({ conversationId: v.conversationId, typing: true });
  expect('text' in hidden).toBe(false);

  // Invalid draft text is refused like any text field.
  expect(await callRaw(v.socket, 'typing', { typing: true, text: 'a\u0000b' })).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
});
