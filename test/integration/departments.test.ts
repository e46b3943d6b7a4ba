/**
 * Departments through a real server and a manual clock: a lead manages them and each agent's
 * membership over REST (agents may only list them); a shopper's conversation goes to the
 * least-loaded agent of the department their host page named, waits for it, and after the
 * configured wait goes to any agent; an agent transfers a chat to a department, and a refused
 * transfer (PGlite and PostgreSQL) leaves its department and holder as they were; the widget's
 * session offers the departments when the lead turned the choice on.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { DepartmentView } from '../../shared/rest';
import { call, collect, next, ok, openTestStore, startTestServer, until, type TestServer, type TestStore } from '../helpers/chat';
import { interleaved, type Interleaved } from '../helpers/interleave';
import { createTestDatabase } from '../helpers/postgres';
import { useTestServer } from '../helpers/suite';

jest.setTimeout(120_000);
const t = useTestServer({ clock: 'manual', limits: { visitorMessagesPerSecond: 50 } });

beforeEach(async () => {
  await t().sql.query('DELETE FROM agent_departments');
  await t().sql.query('DELETE FROM departments');
  await t().sql.query('DELETE FROM settings');
});

const api = (token: string, server: () => TestServer = t) => {
  const auth = { authorization: `Bearer ${token}` };
  const app = () => server().server.app;
  return {
    get: (path: string) => request(app()).get(`/api/v1${path}`).set(auth),
    post: (path: string, body: object) => request(app()).post(`/api/v1${path}`).set(auth).send(body),
    patch: (path: string, body: object) => request(app()).patch(`/api/v1${path}`).set(auth).send(body),
    put: (path: string, body: object) => request(app()).put(`/api/v1${path}`).set(auth).send(body),
    delete: (path: string) => request(app()).delete(`/api/v1${path}`).set(auth),
  };
};

/** An agent connected and online, with every `conversation:assigned` collected from before they went online. */
async function agentOnline(server: TestServer, name: string, capacity = 5) {
  const user = await server.createUser({ name, capacity });
  const socket = await server.agent(user.token);
  const assigned = collect(socket, 'conversation:assigned');
  await ok(socket, 'session:sync', {});
  await ok(socket, 'agent:status', { status: 'online' });
  return { ...user, socket, assigned };
}

/** A shopper whose host page named `department` before their first message. */
async function shopperFor(server: TestServer, department: string | null, text = '你好，我想咨询一下') {
  const socket = await server.visitor();
  const session = await ok(socket, 'session:sync', {});
  if (department) await ok(socket, 'visitor:profile', { department });
  const routed = next(socket, 'message', (m) => m.event?.type === 'queued' || m.event?.type === 'assigned');
  const ack = await ok(socket, 'message:send', { clientId: randomUUID(), text });
  await routed;
  return { socket, session, conversationId: ack.conversationId };
}

async function departments(lead: string, server: () => TestServer = t) {
  const sales = (await api(lead, server).post('/departments', { name: '售前 Pre-sales' }).expect(201)).body.department as DepartmentView;
  const care = (await api(lead, server).post('/departments', { name: '售后 After-sales' }).expect(201)).body.department as DepartmentView;
  return { sales, care };
}

test('a lead manages departments and memberships; agents only list them; bad input changes nothing', async () => {
  const lead = await t().createUser({ role: 'lead' });
  const agent = await t().createUser({ name: 'Ana' });
  const { sales, care } = await departments(lead.token);
  expect(sales).toMatchObject({ name: '售前 Pre-sales', agentIds: [] });
  expect((await api(lead.token).post('/departments', { name: '售前 Pre-sales' }).expect(409)).body.error.code).toBe('DEPARTMENT_NAME_TAKEN');
  expect((await api(lead.token).post('/departments', { name: '  ' }).expect(400)).body.error.code).toBe('VALIDATION_FAILED');
  expect((await api(agent.token).post('/departments', { name: 'Mine' }).expect(403)).body.error.code).toBe('FORBIDDEN');
  expect((await api(agent.token).put(`/users/${agent.id}/departments`, { departmentIds: [sales.id] }).expect(403)).body.error.code).toBe('FORBIDDEN');
  expect((await api(agent.token).delete(`/departments/${sales.id}`).expect(403)).body.error.code).toBe('FORBIDDEN');

  expect((await api(lead.token).put(`/users/${agent.id}/departments`, { departmentIds: [care.id, sales.id, care.id] }).expect(200)).body).toEqual({
    departmentIds: [care.id, sales.id].sort(),
  });
  expect((await api(lead.token).put(`/users/${agent.id}/departments`, { departmentIds: [sales.id, 'nope'] }).expect(404)).body.error.code).toBe('DEPARTMENT_NOT_FOUND');
  expect((await api(lead.token).put('/users/nobody/departments', { departmentIds: [] }).expect(404)).body.error.code).toBe('USER_NOT_FOUND');

  expect((await api(lead.token).patch(`/departments/${care.id}`, { name: '售后服务' }).expect(200)).body.department).toEqual({ id: care.id, name: '售后服务', agentIds: [agent.id] });
  expect((await api(lead.token).patch(`/departments/${care.id}`, { name: '售前 Pre-sales' }).expect(409)).body.error.code).toBe('DEPARTMENT_NAME_TAKEN');
  const listed = (await api(agent.token).get('/departments').expect(200)).body.departments as DepartmentView[];
  expect(listed).toEqual([
    { id: sales.id, name: '售前 Pre-sales', agentIds: [agent.id] },
    { id: care.id, name: '售后服务', agentIds: [agent.id] },
  ]);

  await api(lead.token).delete(`/departments/${sales.id}`).expect(204);
  expect((await api(lead.token).delete(`/departments/${sales.id}`).expect(404)).body.error.code).toBe('DEPARTMENT_NOT_FOUND');
  expect((await api(agent.token).get('/departments').expect(200)).body.departments).toEqual([{ id: care.id, name: '售后服务', agentIds: [agent.id] }]);
});

test("a department's chats go to its least-loaded member, wait for one, and overflow to anyone after the configured wait", async () => {
  const lead = await t().createUser({ role: 'lead' });
  const { sales, care } = await departments(lead.token);
  await api(lead.token).put('/settings', { departments: { offerChoice: false, overflowSeconds: 90 } }).expect(200);
  const ana = await agentOnline(t(), 'Ana');
  const bo = await agentOnline(t(), 'Bo');
  const cy = await agentOnline(t(), 'Cy', 2);
  await api(lead.token).put(`/users/${ana.id}/departments`, { departmentIds: [care.id] }).expect(200);
  await api(lead.token).put(`/users/${cy.id}/departments`, { departmentIds: [care.id, sales.id] }).expect(200);

  // Both 售后 members are idle: Ana (0/5) and Cy (0/2) tie, so the one never assigned first; then
  // Ana (1/5 < 1/2 after one each). Bo, idle and in no department, gets none of them.
  const c1 = await shopperFor(t(), care.id);
  const c2 = await shopperFor(t(), care.id);
  const c3 = await shopperFor(t(), care.id);
  await until(() => ana.assigned.length + cy.assigned.length === 3);
  expect(bo.assigned).toEqual([]);
  expect(ana.assigned.length).toBe(2);
  expect([...ana.assigned, ...cy.assigned].map((a) => a.conversation.id).sort()).toEqual([c1, c2, c3].map((c) => c.conversationId).sort());
  expect(ana.assigned[0].conversation.department).toEqual({ id: care.id, name: '售后 After-sales' });

  // The 售后 members go away: the next one waits, although Bo is free; a chat for nobody's department goes to Bo.
  await ok(ana.socket, 'agent:status', { status: 'away' });
  await ok(cy.socket, 'agent:status', { status: 'away' });
  const waiting = await shopperFor(t(), care.id, '退货怎么办？');
  const plain = await shopperFor(t(), null);
  await until(() => bo.assigned.length === 1);
  expect(bo.assigned[0].conversation.id).toBe(plain.conversationId);
  expect(await t().pool.queue()).toEqual([waiting.conversationId]);

  t.clock.advance(89_999);
  await t().server.chat.sweepOverflow();
  expect(await t().pool.queue()).toEqual([waiting.conversationId]);
  t.clock.advance(1);
  await t().server.chat.sweepOverflow();
  await until(() => bo.assigned.length === 2);
  expect(bo.assigned[1].conversation).toMatchObject({ id: waiting.conversationId, department: { id: care.id } });
});

test('an agent transfers a chat to a department; its member takes it; a lead sees the department', async () => {
  const leadUser = await t().createUser({ role: 'lead' });
  const lead = await t().agent(leadUser.token);
  await ok(lead, 'session:sync', {});
  const { care } = await departments(leadUser.token);
  const bo = await agentOnline(t(), 'Bo');
  const shopper = await shopperFor(t(), null);
  await until(() => bo.assigned.length === 1);
  const ana = await agentOnline(t(), 'Ana');
  await api(leadUser.token).put(`/users/${ana.id}/departments`, { departmentIds: [care.id] }).expect(200);

  expect(await call(bo.socket, 'conversation:transfer', { conversationId: shopper.conversationId, toAgentId: null, toDepartmentId: 'nope' })).toMatchObject({
    ok: false,
    error: { code: 'DEPARTMENT_NOT_FOUND' },
  });
  expect(await call(bo.socket, 'conversation:transfer', { conversationId: shopper.conversationId, toAgentId: ana.id, toDepartmentId: care.id })).toMatchObject({
    ok: false,
    error: { code: 'VALIDATION_FAILED' },
  });
  // Only the conversation's agent (or a lead) moves it: Ana, in the department, may not pull it to herself.
  const stolen = await call(ana.socket, 'conversation:transfer', { conversationId: shopper.conversationId, toAgentId: null, toDepartmentId: care.id });
  expect(stolen).toMatchObject({ ok: false, error: { code: 'NOT_ASSIGNED' } });
  expect(await t().pool.assignmentOf(shopper.conversationId)).toBe(bo.id);
  expect(await t().store.getConversation(shopper.conversationId)).toMatchObject({ departmentId: null });

  const seen = next(lead, 'conversation:updated', (v) => v.id === shopper.conversationId && v.department?.id === care.id);
  const event = next(shopper.socket, 'message', (m) => m.event?.type === 'transferred');
  const r = await ok(bo.socket, 'conversation:transfer', { conversationId: shopper.conversationId, toAgentId: null, toDepartmentId: care.id });
  expect(r).toEqual({ conversationId: shopper.conversationId, agentId: ana.id });
  expect((await event).event).toEqual({ type: 'transferred' }); // the shopper learns no names
  const stored = (await t().store.messagesAfter(shopper.conversationId, 0)).find((m) => m.event?.type === 'transferred');
  expect(stored?.event).toEqual({ type: 'transferred', fromAgentId: bo.id, toAgentId: null, toDepartment: { id: care.id, name: '售后 After-sales' } });
  await until(() => ana.assigned.length === 1);
  expect(ana.assigned[0].conversation.id).toBe(shopper.conversationId);
  expect(await seen).toMatchObject({ department: { id: care.id, name: '售后 After-sales' } });
  expect(await t().store.getConversation(shopper.conversationId)).toMatchObject({ departmentId: care.id });
});

/**
 * Two refused transfers to a department, on `db`: Bo's, when a lead moved his chat after his
 * request was authorized (the lead's step runs just before the pool's move), and a lead's, when
 * the pool has lost the chat (as a Redis that came back empty before the repair ran). Neither
 * writes the department, moves the chat or records a `transferred` event.
 */
async function refusedTransfersChangeNothing(db: TestStore) {
  let pool: Interleaved | undefined;
  const server = await startTestServer({ store: db, wrapPool: (p) => (pool = interleaved(p)) });
  const s = () => server;
  try {
    const leadUser = await server.createUser({ role: 'lead' });
    const lead = await server.agent(leadUser.token);
    await ok(lead, 'session:sync', {});
    const { care } = await departments(leadUser.token, s);
    const bo = await agentOnline(server, 'Bo');
    const shopper = await shopperFor(server, null);
    await until(() => bo.assigned.length === 1);
    const ana = await agentOnline(server, 'Ana');
    await api(leadUser.token, s).put(`/users/${ana.id}/departments`, { departmentIds: [care.id] }).expect(200);
    const cy = await agentOnline(server, 'Cy');
    const id = shopper.conversationId;
    const transfers = async () =>
      (await server.store.messagesAfter(id, 0)).filter((m) => m.event?.type === 'transferred').map((m) => m.event);

    pool!.beforeTransfer(
      (c, _to, o) => c === id && o?.expectedFrom === bo.id,
      () => ok(lead, 'conversation:transfer', { conversationId: id, toAgentId: cy.id }),
    );
    expect(await call(bo.socket, 'conversation:transfer', { conversationId: id, toAgentId: null, toDepartmentId: care.id })).toMatchObject({
      ok: false,
      error: { code: 'NOT_ASSIGNED' },
    });
    await until(() => cy.assigned.length === 1);
    expect(await server.store.getConversation(id)).toMatchObject({ departmentId: null, agentId: cy.id });
    expect(await server.pool.assignmentOf(id)).toBe(cy.id);
    expect(await transfers()).toEqual([{ type: 'transferred', fromAgentId: bo.id, toAgentId: cy.id }]);
    expect(ana.assigned).toEqual([]);

    await server.pool.release(id);
    expect(await call(lead, 'conversation:transfer', { conversationId: id, toAgentId: null, toDepartmentId: care.id })).toMatchObject({
      ok: false,
      error: { code: 'CONVERSATION_NOT_FOUND' },
    });
    expect(await server.store.getConversation(id)).toMatchObject({ departmentId: null, agentId: cy.id, status: 'open' });
    expect([await server.pool.assignmentOf(id), await server.pool.queuePosition(id)]).toEqual([null, null]);
    expect(await transfers()).toHaveLength(1);
    expect(ana.assigned).toEqual([]);
  } finally {
    await server.close();
  }
}

test.each(['PGlite', 'PostgreSQL'])('a refused transfer to a department leaves its department and holder as they were (%s)', async (backend) => {
  if (backend === 'PGlite') return refusedTransfersChangeNothing(t.db);
  const pg = await createTestDatabase();
  const db = await openTestStore(pg.url);
  try {
    await refusedTransfersChangeNothing(db);
  } finally {
    await db.store.close();
    await db.sql.close();
    await pg.drop();
  }
});

test("the widget's session offers the departments when the lead turns the choice on; an unknown one is refused", async () => {
  const lead = await t().createUser({ role: 'lead' });
  const { sales, care } = await departments(lead.token);
  const socket = await t().visitor();
  const first = await ok(socket, 'session:sync', {});
  expect(first.departments).toBeUndefined();
  await api(lead.token).put('/settings', { departments: { offerChoice: true, overflowSeconds: 60 } }).expect(200);
  t.clock.advance(2000); // past the settings cache
  expect((await ok(socket, 'session:sync', {})).departments).toEqual([
    { id: sales.id, name: '售前 Pre-sales' },
    { id: care.id, name: '售后 After-sales' },
  ]);
  expect(await call(socket, 'visitor:profile', { name: 'Wang', department: 'nope' })).toMatchObject({ ok: false, error: { code: 'DEPARTMENT_NOT_FOUND' } });
  expect(await t().store.getVisitor(first.visitorId)).toBeNull();
  await ok(socket, 'visitor:profile', { department: sales.id });
  await ok(socket, 'message:send', { clientId: randomUUID(), text: '这个有货吗？' });
  await until(async () => (await t().store.findActiveConversation(first.visitorId))?.departmentId === sales.id);
});

test('with the choice on, the session asks every shopper for a department; a first message without one is refused; the chosen one routes it', async () => {
  const lead = await t().createUser({ role: 'lead' });
  const { sales, care } = await departments(lead.token);
  // The pre-chat form stays off: turning the choice on is enough to ask (required).
  await api(lead.token).put('/settings', { departments: { offerChoice: true, overflowSeconds: 60 } }).expect(200);
  t.clock.advance(2000); // past the settings cache
  const ana = await agentOnline(t(), 'Ana', 2);
  const bo = await agentOnline(t(), 'Bo', 5); // more free capacity, in no department
  await api(lead.token).put(`/users/${ana.id}/departments`, { departmentIds: [care.id] }).expect(200);

  const socket = await t().visitor();
  const session = await ok(socket, 'session:sync', {});
  expect(session.preChat).toEqual({ department: 'required' });
  expect(session.departments).toEqual([{ id: sales.id, name: '售前 Pre-sales' }, { id: care.id, name: '售后 After-sales' }]);

  const refused = await call(socket, 'message:send', { clientId: randomUUID(), text: '收到的商品有质量问题' });
  expect(refused).toMatchObject({ ok: false, error: { code: 'PRE_CHAT_REQUIRED', message: expect.stringContaining('department') } });
  expect(await t().store.findActiveConversation(session.visitorId)).toBeNull();
  expect((await t().sql.query('SELECT 1 FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE c.visitor_id = $1', [session.visitorId])).rows).toEqual([]);
  expect(await call(socket, 'visitor:profile', { department: 'nope' })).toMatchObject({ ok: false, error: { code: 'DEPARTMENT_NOT_FOUND' } });
  expect(await t().store.getVisitor(session.visitorId)).toBeNull();

  await ok(socket, 'visitor:profile', { department: care.id });
  const ack = await ok(socket, 'message:send', { clientId: randomUUID(), text: '收到的商品有质量问题' });
  await until(() => ana.assigned.length === 1);
  expect(ana.assigned[0].conversation).toMatchObject({ id: ack.conversationId, department: { id: care.id, name: '售后 After-sales' } });
  expect(bo.assigned).toEqual([]);
  expect(await t().pool.assignmentOf(ack.conversationId)).toBe(ana.id);
});
