/**
 * Complaints and follow-up tasks through a real server (REST with supertest, sockets with
 * socket.io-client) and a manual clock: a complaint registered by the conversation's agent is
 * due in 24 h and alerts the leads; each trigger (complaint, rating of 1 or 2, left message)
 * creates one follow-up due in 3 days; who may list and close them, with an outcome note.
 */
import request from 'supertest';
import type { ComplaintView } from '../../shared/rest';
import { chattingVisitor, next, ok, onlineAgent, type TestServer } from '../helpers/chat';
import { useTestServer } from '../helpers/suite';

jest.setTimeout(90_000);
const t = useTestServer({ clock: 'manual' });
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

beforeEach(async () => {
  await t().sql.query('DELETE FROM settings');
  await t().sql.query('DELETE FROM follow_ups');
});

const api = (server: TestServer, token: string) => ({
  get: (path: string) => request(server.server.app).get(`/api/v1${path}`).set({ authorization: `Bearer ${token}` }),
  post: (path: string, body: object) => request(server.server.app).post(`/api/v1${path}`).set({ authorization: `Bearer ${token}` }).send(body),
});

test('a complaint: registered by its agent, due in 24 h, leads alerted, with a follow-up due in 3 days; once per conversation', async () => {
  const leadUser = await t().createUser({ role: 'lead', name: 'Lena' });
  const lead = await t().agent(leadUser.token);
  await ok(lead, 'session:sync', {});
  const ana = await onlineAgent(t(), { name: 'Ana' });
  const v = await chattingVisitor(t(), 'The parcel arrived broken');
  const alerted = next(lead, 'complaint:registered', (c: ComplaintView) => c.conversationId === v.conversationId);
  const now = t.clock.now();

  const r = await api(t(), ana.token).post('/complaints', { conversationId: v.conversationId, category: 'damaged goods', severity: 'high' }).expect(201);
  expect(r.body.complaint).toMatchObject({ conversationId: v.conversationId, category: 'damaged goods', severity: 'high', ownerId: ana.id, createdBy: ana.id, createdAt: now, dueAt: now + 24 * HOUR });
  expect(r.body.followUp).toMatchObject({ source: 'complaint', sourceId: r.body.complaint.id, assigneeId: ana.id, visitorId: v.visitorId, dueAt: now + 3 * DAY, closedAt: null });
  expect(await alerted).toEqual(r.body.complaint);

  expect((await api(t(), ana.token).post('/complaints', { conversationId: v.conversationId, category: 'again', severity: 'low' }).expect(400)).body.error.code).toBe('VALIDATION_FAILED');
  const bo = await t().createUser({ name: 'Bo' });
  expect((await api(t(), bo.token).post('/complaints', { conversationId: v.conversationId, category: 'x', severity: 'low' }).expect(404)).body.error.code).toBe('CONVERSATION_NOT_FOUND');
  expect((await api(t(), ana.token).post('/complaints', { conversationId: v.conversationId, category: 'x', severity: 'urgent' }).expect(400)).body.error.code).toBe('VALIDATION_FAILED');
  expect((await api(t(), ana.token).get('/complaints').expect(403)).body.error.code).toBe('FORBIDDEN');
  const list = await api(t(), leadUser.token).get('/complaints').expect(200);
  expect(list.body.complaints.filter((c: ComplaintView) => c.conversationId === v.conversationId)).toEqual([r.body.complaint]);
  expect((await api(t(), ana.token).get('/follow-ups').expect(200)).body.followUps).toEqual([r.body.followUp]);
});

test('ratings of 1 or 2 create one follow-up for the agent (re-rating adds none); 3 and above none', async () => {
  const ana = await onlineAgent(t(), { name: 'Ana' });
  const low = await chattingVisitor(t(), 'Hello');
  const fine = await chattingVisitor(t(), 'Hi');
  for (const v of [low, fine]) await ok(ana.socket, 'conversation:close', { conversationId: v.conversationId });
  const now = t.clock.now();
  await ok(low.socket, 'conversation:rate', { conversationId: low.conversationId, score: 1, comment: 'Too slow' });
  await ok(low.socket, 'conversation:rate', { conversationId: low.conversationId, score: 2 });
  await ok(fine.socket, 'conversation:rate', { conversationId: fine.conversationId, score: 4 });
  await t().server.chat.idle();
  const open = (await api(t(), ana.token).get('/follow-ups').expect(200)).body.followUps;
  expect(open).toEqual([
    expect.objectContaining({ source: 'rating', sourceId: low.conversationId, conversationId: low.conversationId, assigneeId: ana.id, subject: '1★ Too slow', dueAt: now + 3 * DAY }),
  ]);
});

test('a left message creates an unassigned follow-up any agent sees; closed once with an outcome; others\' tasks are not theirs', async () => {
  const visitor = await t().visitor();
  await ok(visitor, 'session:sync', {});
  const now = t.clock.now();
  const left = await ok(visitor, 'offline:message', { name: 'Li Wei', email: 'li@example.com', text: '请回电，订单 A-1234 少了一件' });
  await t().server.chat.idle();
  const ana = await t().createUser({ name: 'Ana' });
  const [task] = (await api(t(), ana.token).get('/follow-ups').expect(200)).body.followUps;
  expect(task).toMatchObject({ source: 'left_message', sourceId: left.id, conversationId: null, assigneeId: null, subject: '请回电，订单 A-1234 少了一件', dueAt: now + 3 * DAY });

  expect((await api(t(), ana.token).post(`/follow-ups/${task.id}/close`, { outcome: '  ' }).expect(400)).body.error.code).toBe('VALIDATION_FAILED');
  t.clock.advance(HOUR);
  const closed = await api(t(), ana.token).post(`/follow-ups/${task.id}/close`, { outcome: 'Called back; the missing item ships today' }).expect(200);
  expect(closed.body.followUp).toMatchObject({ id: task.id, closedAt: now + HOUR, outcome: 'Called back; the missing item ships today' });
  expect((await api(t(), ana.token).post(`/follow-ups/${task.id}/close`, { outcome: 'again' }).expect(400)).body.error.code).toBe('VALIDATION_FAILED');
  expect((await api(t(), ana.token).get('/follow-ups').expect(200)).body.followUps).toEqual([]);
  expect((await api(t(), ana.token).get('/follow-ups?status=closed').expect(200)).body.followUps).toEqual([closed.body.followUp]);

  // A complaint follow-up assigned to Bo: Ana neither sees nor closes it; a lead does both.
  const bo = await onlineAgent(t(), { name: 'Bo' });
  const v = await chattingVisitor(t(), 'Complaint');
  const { followUp } = (await api(t(), bo.token).post('/complaints', { conversationId: v.conversationId, category: 'rude', severity: 'medium' }).expect(201)).body;
  expect((await api(t(), ana.token).get('/follow-ups').expect(200)).body.followUps).toEqual([]);
  expect((await api(t(), ana.token).post(`/follow-ups/${followUp.id}/close`, { outcome: 'not mine' }).expect(404)).body.error.code).toBe('NOT_FOUND');
  const lead = await t().createUser({ role: 'lead' });
  expect((await api(t(), lead.token).get('/follow-ups').expect(200)).body.followUps.map((f: { id: string }) => f.id)).toEqual([followUp.id]);
  await api(t(), lead.token).post(`/follow-ups/${followUp.id}/close`, { outcome: 'Apologised, voucher sent' }).expect(200);
});
