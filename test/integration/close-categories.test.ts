/**
 * Close categories as a lead setting: add (the server gives the id), rename, remove. An agent
 * closes only with an offered one; a removed one stays named in old transcripts and reports;
 * a save that leaves a category out keeps it as removed. Migration 22 names an older team's choice.
 */
import request from 'supertest';
import { createPgliteClient } from '../../server/store/sql/client';
import { MIGRATIONS, migrate } from '../../server/store/sql/migrations';
import { BUILT_IN_CATEGORIES, type CloseCategoryDef } from '../../shared/settings';
import { callRaw, chattingVisitor, ok, onlineAgent } from '../helpers/chat';
import { useTestServer } from '../helpers/suite';

const t = useTestServer();
// One database for the file: each test starts from the default categories.
beforeEach(() => t().sql.query('DELETE FROM settings'));
const auth = (token: string) => ({ authorization: `Bearer ${token}` });
const builtIn = (id: string) => BUILT_IN_CATEGORIES.find((c) => c.id === id)!;

test('a lead adds, renames and removes categories; closing, transcripts and reports follow, old chats keep their names', async () => {
  const lead = await t().createUser({ role: 'lead', name: 'Lena' });
  const agent = await onlineAgent(t(), { name: 'Ana' });
  const api = request(t().server.app);

  // Filed as a complaint while that category is still offered.
  const before = await chattingVisitor(t(), 'The parcel arrived broken');
  await ok(agent.socket, 'conversation:close', { conversationId: before.conversationId, category: 'complaint' });

  // Renamed "order", a new one named in Chinese only, "complaint" removed; the others left out.
  const put = await api.put('/api/v1/settings').set(auth(lead.token)).send({
    closeCategories: [
      { id: 'order', name: { en: 'Orders and delivery', 'zh-CN': '订单与配送' } },
      { name: { en: '', 'zh-CN': '退款申请' } },
      { ...builtIn('complaint'), removed: true },
    ],
  }).expect(200);
  const saved: CloseCategoryDef[] = put.body.settings.closeCategories;
  const refund = saved[1];
  expect(refund).toEqual({ id: expect.stringMatching(/^c-[0-9a-f]{8}$/), name: { en: '', 'zh-CN': '退款申请' }, removed: false });
  // Every category the team has had stays listed: those left out come back as removed.
  expect(saved.map((c) => [c.id, c.removed])).toEqual([
    ['order', false], [refund.id, false], ['complaint', true], ['inquiry', true], ['after_sales', true], ['other', true],
  ]);
  expect((await api.get('/api/v1/settings').set(auth(agent.token)).expect(200)).body.settings.closeCategories).toEqual(saved);

  // An agent closes with an offered category, by its id; a removed one is refused and nothing changes.
  const after = await chattingVisitor(t(), '我要退款');
  const refused = await callRaw(agent.socket, 'conversation:close', { conversationId: after.conversationId, category: 'complaint' });
  expect(refused).toMatchObject({ ok: false, error: { code: 'VALIDATION_FAILED' } });
  expect((await t().store.getConversation(after.conversationId))!.status).toBe('open');
  await ok(agent.socket, 'conversation:close', { conversationId: after.conversationId, category: refund.id });
  const third = await chattingVisitor(t(), 'Where is my order?');
  await ok(agent.socket, 'conversation:close', { conversationId: third.conversationId, category: 'order' });

  // Transcripts: the removed category still filters the chat filed under it, and so does the new one.
  const byCategory = async (category: string) =>
    (await api.get('/api/v1/transcripts').query({ category }).set(auth(lead.token)).expect(200)).body.transcripts.map((r: { id: string }) => r.id);
  expect(await byCategory('complaint')).toEqual([before.conversationId]);
  expect(await byCategory(refund.id)).toEqual([after.conversationId]);

  // Reports by category: the names in the asked language (the one-language name in both), removed included.
  const labels = async (lang: string) => {
    const r = await api.get('/api/v1/reports').query({ groupBy: 'category', lang }).set(auth(lead.token)).expect(200);
    return Object.fromEntries(r.body.rows.map((row: { key: string; label: string }) => [row.key, row.label]));
  };
  expect(await labels('en')).toEqual({ complaint: 'Complaint', order: 'Orders and delivery', [refund.id]: '退款申请' });
  expect(await labels('zh-CN')).toEqual({ complaint: '投诉', order: '订单与配送', [refund.id]: '退款申请' });
  const csv = (await api.get('/api/v1/reports').query({ groupBy: 'category', lang: 'zh-CN', format: 'csv' }).set(auth(lead.token)).expect(200)).text;
  expect(csv).toContain('订单与配送');

  // Restored: offered again, with its old id and name.
  const restored = await api.put('/api/v1/settings').set(auth(lead.token)).send({ closeCategories: [...saved.slice(0, 2), { ...builtIn('complaint'), removed: false }] }).expect(200);
  expect(restored.body.settings.closeCategories.find((c: CloseCategoryDef) => c.id === 'complaint')).toEqual(builtIn('complaint'));
  const fourth = await chattingVisitor(t(), 'Broken again');
  await ok(agent.socket, 'conversation:close', { conversationId: fourth.conversationId, category: 'complaint' });
});

test('an agent may read the categories but not change them', async () => {
  const agent = await t().createUser({ name: 'Ana' });
  const r = await request(t().server.app).put('/api/v1/settings').set(auth(agent.token)).send({ closeCategories: [{ name: { en: 'Mine', 'zh-CN': '' } }] }).expect(403);
  expect(r.body.error.code).toBe('FORBIDDEN');
  expect((await request(t().server.app).get('/api/v1/settings').set(auth(agent.token)).expect(200)).body.settings.closeCategories).toEqual(BUILT_IN_CATEGORIES);
});

test('migration 22: a team that had chosen some built-in categories keeps them, in its order, with names; the rest removed', async () => {
  const sql = await createPgliteClient({});
  try {
    await migrate(sql, MIGRATIONS.filter((m) => m.version <= 17));
    await sql.query(`INSERT INTO settings (key, value, updated_by, updated_at) VALUES ('closeCategories', '["other","order"]'::jsonb, 'u1', now())`);
    await migrate(sql);
    const { rows } = await sql.query<{ value: CloseCategoryDef[] }>(`SELECT value FROM settings WHERE key = 'closeCategories'`);
    expect(rows[0].value).toEqual([
      builtIn('other'), builtIn('order'),
      { ...builtIn('inquiry'), removed: true }, { ...builtIn('complaint'), removed: true }, { ...builtIn('after_sales'), removed: true },
    ]);
  } finally {
    await sql.close();
  }
});
