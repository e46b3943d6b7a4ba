/**
 * One ChatStore suite, run against embedded PGlite (in memory; in its worker thread, as
 * the product runs it, and on the calling thread) and a real PostgreSQL (a fresh
 * database per run).
 */
import { randomUUID } from 'node:crypto';
import { createChatStore } from '../../server/store/sql/chat-store';
import { createPgliteClient, createPostgresClient } from '../../server/store/sql/client';
import { MIGRATIONS, migrate } from '../../server/store/sql/migrations';
import type { AppendOutcome, NewMessage, SqlChatStore, SqlClient, StoredMessage, UserRecord } from '../../server/store/sql/types';
import { createTestDatabase } from '../helpers/postgres';

interface Backend {
  name: 'pglite (worker thread)' | 'pglite (main thread)' | 'postgres';
  /** A new, empty database; `connect()` opens another client on the same database (postgres only). */
  create(): Promise<{ sql: SqlClient; connect?: () => Promise<SqlClient>; drop(): Promise<void> }>;
}

const pglite = (thread: 'worker' | 'main'): Backend => ({
  name: `pglite (${thread} thread)`,
  async create() {
    const sql = await createPgliteClient({ thread });
    return { sql, drop: () => sql.close() };
  },
});

const backends: Backend[] = [
  pglite('worker'),
  pglite('main'),
  {
    name: 'postgres',
    async create() {
      const db = await createTestDatabase();
      const clients: SqlClient[] = [];
      const connect = async () => {
        const c = await createPostgresClient({ connectionString: db.url, max: 4 });
        clients.push(c);
        return c;
      };
      const sql = await connect();
      return {
        sql,
        connect,
        async drop() {
          await Promise.all(clients.map((c) => c.close()));
          await db.drop();
        },
      };
    },
  },
];

/** Wraps a client to count the statements sent through it. */
function counting(inner: SqlClient): SqlClient & { statements: number } {
  const c = {
    statements: 0,
    kind: inner.kind,
    query: ((text: string, params?: unknown[]) => {
      c.statements++;
      return inner.query(text, params);
    }) as SqlClient['query'],
    transaction: inner.transaction.bind(inner),
    close: () => inner.close(),
  };
  return c;
}

const T0 = 1_700_000_000_123; // exact ms round trip is part of the contract

function text(conversationId: string, clientId: string | null, extra: Partial<NewMessage> = {}): NewMessage {
  return {
    conversationId,
    clientId,
    author: 'visitor',
    // Each conversation has its own visitor unless a test says otherwise (client ids are per author).
    authorId: `v-${conversationId}`,
    kind: 'text',
    text: `hello ${clientId}`,
    at: T0,
    ...extra,
  };
}

/** The message an append acknowledged (stored or the original of a re-send); fails the test for `not_open`. */
function stored(o: AppendOutcome): StoredMessage {
  if (o.status === 'not_open') throw new Error('not open');
  return o.message;
}

/** The user `createUser` created; fails the test for `email_taken`. */
function createdUser(o: { status: 'created'; user: UserRecord } | { status: 'email_taken' }): UserRecord {
  if (o.status !== 'created') throw new Error(o.status);
  return o.user;
}

function expectStrictlyIncreasing(seqs: number[]) {
  for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBeGreaterThan(seqs[i - 1]);
}

describe.each(backends)('ChatStore on $name', (backend) => {
  let db: Awaited<ReturnType<Backend['create']>>;
  let sql: SqlClient & { statements: number };
  let store: SqlChatStore;

  beforeAll(async () => {
    db = await backend.create();
    sql = counting(db.sql);
    store = createChatStore({ sql });
    await store.migrate();
  });

  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  const newConversation = async () =>
    (await store.openConversation(`visitor-${randomUUID()}`, T0)).conversation.id;

  describe('migrations', () => {
    it('are idempotent', async () => {
      await store.migrate();
      await migrate(sql);
      const { rows } = await sql.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
      expect(rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
    });

    it('upgrade a database at version 7: duplicates stop taking seqs', async () => {
      const fresh = await backend.create();
      const old = createChatStore({ sql: fresh.sql });
      try {
        await migrate(fresh.sql, MIGRATIONS.filter((m) => m.version <= 7));
        // Opened as version 7 did: today's statement names columns later migrations add.
        const id = randomUUID();
        await fresh.sql.query(`INSERT INTO conversations (id, visitor_id, status, opened_at) VALUES ($1, 'visitor-upgrade', 'queued', to_timestamp($2::float8 / 1000))`, [id, T0]);
        await old.appendMessage(text(id, 'a'));
        await old.appendMessage(text(id, 'a'));
        await old.appendMessage(text(id, 'b'));
        // Version 7 burned seq 2 on the re-send: this is the database being upgraded.
        expect((await old.messagesAfter(id, 0)).map((m) => m.seq)).toEqual([1, 3]);

        await migrate(fresh.sql);
        const { rows } = await fresh.sql.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
        expect(rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
        expect((await old.appendMessage(text(id, 'b'))).status).toBe('duplicate');
        expect(stored(await old.appendMessage(text(id, 'c'))).seq).toBe(4);
        expect((await old.getConversation(id))?.lastSeq).toBe(4);
      } finally {
        await old.close();
        await fresh.drop();
      }
    });

    it('run once when several processes start at the same time', async () => {
      const fresh = await backend.create();
      try {
        // On postgres, separate pools: separate sessions racing for the advisory lock.
        const clients = fresh.connect
          ? [fresh.sql, await fresh.connect(), await fresh.connect()]
          : [fresh.sql, fresh.sql, fresh.sql];
        await Promise.all(clients.map((c) => migrate(c)));
        const { rows } = await fresh.sql.query<{ version: number }>('SELECT version FROM schema_migrations');
        expect(rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
      } finally {
        await fresh.drop();
      }
    });
  });

  describe('departments', () => {
    it('creates, renames, deletes them with their memberships; a visitor names one, and their next conversation opens with it and their VIP priority', async () => {
      const tag = randomUUID().slice(0, 8);
      const agent = createdUser(await store.createUser({ email: `d.${tag}@example.com`, displayName: 'D', role: 'agent', passwordHash: 'h', capacity: 3 }));
      const sales = await store.createDepartment({ name: `售前 ${tag}`, at: T0 });
      const care = await store.createDepartment({ name: `售后 ${tag}`, at: T0 });
      if (sales.status !== 'created' || care.status !== 'created') throw new Error('not created');
      expect(await store.createDepartment({ name: `售前 ${tag}`, at: T0 })).toEqual({ status: 'name_taken' });
      expect(await store.renameDepartment(care.department.id, `售前 ${tag}`)).toEqual({ status: 'name_taken' });
      expect(await store.renameDepartment('nope', 'x')).toEqual({ status: 'not_found' });

      expect(await store.setAgentDepartments(agent.id, [sales.department.id, 'nope'])).toBe('unknown_department');
      expect(await store.agentDepartments([agent.id])).toEqual(new Map());
      expect(await store.setAgentDepartments(agent.id, [sales.department.id, care.department.id])).toBe('set');
      expect(await store.agentDepartments([agent.id, 'other'])).toEqual(new Map([[agent.id, [sales.department.id, care.department.id].sort()]]));
      expect(await store.renameDepartment(care.department.id, `售后服务 ${tag}`)).toEqual({
        status: 'renamed',
        department: { id: care.department.id, name: `售后服务 ${tag}`, agentIds: [agent.id] },
      });

      const visitorId = `visitor-${randomUUID()}`;
      await store.setVisitorProfile(visitorId, { tier: { tier: 'vip', expiresAt: T0 + 1000 }, departmentId: care.department.id }, T0);
      expect(await store.getVisitor(visitorId)).toMatchObject({ departmentId: care.department.id });
      const opened = await store.openConversationWith(visitorId, T0 + 10, { clientId: randomUUID(), text: 'hi' });
      expect(opened?.conversation).toMatchObject({ priority: 1, departmentId: care.department.id });
      expect(await store.raisePriority(opened!.conversation.id, 2)).toBe(3);
      // Expired by the next opening: no VIP priority.
      await store.closeConversation(opened!.conversation.id, 'visitor', visitorId, T0 + 20);
      const later = await store.openConversationWith(visitorId, T0 + 2000, { clientId: randomUUID(), text: 'again' });
      expect(later?.conversation).toMatchObject({ priority: 0, departmentId: care.department.id });

      expect(await store.deleteDepartment(care.department.id)).toEqual([agent.id]);
      expect(await store.deleteDepartment(care.department.id)).toBeNull();
      expect(await store.getConversation(later!.conversation.id)).toMatchObject({ departmentId: null });
      expect(await store.getVisitor(visitorId)).toMatchObject({ departmentId: null });
      expect(await store.agentDepartments([agent.id])).toEqual(new Map([[agent.id, [sales.department.id]]]));
    });
  });

  describe('users', () => {
    it('creates, reads, lists and updates capacity', async () => {
      const tag = randomUUID().slice(0, 8);
      const u = createdUser(await store.createUser({
        email: `Alice.${tag}@Example.COM`,
        displayName: 'Alice',
        role: 'agent',
        passwordHash: 'h1',
        capacity: 3,
      }));
      expect(u).toMatchObject({ email: `alice.${tag}@example.com`, displayName: 'Alice', role: 'agent', capacity: 3, active: true });
      expect(typeof u.createdAt).toBe('number');
      expect(await store.getUser(u.id)).toEqual(u);
      expect(await store.findUserByEmail(`ALICE.${tag}@example.com`)).toEqual({ ...u, passwordHash: 'h1' });
      expect((await store.listUsers()).map((x) => x.id)).toContain(u.id);
      expect(await store.setUserCapacity(u.id, 7)).toEqual({ ...u, capacity: 7 });
      expect(await store.setUserCapacity('nobody', 7)).toBeNull();
      expect(await store.getUser('nobody')).toBeNull();
      expect(await store.findUserByEmail('nobody@example.com')).toBeNull();
    });

    it('refuses a second user with the same email in another case', async () => {
      const email = `bob.${randomUUID().slice(0, 8)}@example.com`;
      expect(await store.createUser({ email, displayName: 'Bob', role: 'agent', passwordHash: 'h', capacity: 5 })).toMatchObject({ status: 'created' });
      const again = await store.createUser({ email: email.toUpperCase(), displayName: 'B', role: 'lead', passwordHash: 'x', capacity: 1 });
      expect(again).toEqual({ status: 'email_taken' });
    });

    it('upserts by email: updates hash and role, keeps the rest', async () => {
      const email = `carol.${randomUUID().slice(0, 8)}@example.com`;
      const created = await store.upsertUser({ email, displayName: 'Carol', role: 'agent', passwordHash: 'h1', capacity: 4 });
      const updated = await store.upsertUser({ email: email.toUpperCase(), displayName: 'X', role: 'lead', passwordHash: 'h2', capacity: 9 });
      expect(updated).toEqual({ ...created, role: 'lead' });
      expect((await store.findUserByEmail(email))?.passwordHash).toBe('h2');
    });
  });

  describe('visitors', () => {
    it('records the first contact and refreshes last_seen_at, never backwards', async () => {
      const id = `visitor-${randomUUID()}`;
      await store.touchVisitor(id, T0);
      await store.touchVisitor(id, T0 + 5000);
      await store.touchVisitor(id, T0 + 1000);
      const { rows } = await sql.query<{ created_at: Date; last_seen_at: Date }>(
        'SELECT created_at, last_seen_at FROM visitors WHERE id = $1',
        [id],
      );
      expect(rows.map((r) => [r.created_at.getTime(), r.last_seen_at.getTime()])).toEqual([[T0, T0 + 5000]]);
      // It answers with the name the shopper gave, for the assignment it precedes.
      await store.setVisitorProfile(id, { name: '王小明' }, T0 + 6000);
      expect(await store.touchVisitor(id, T0 + 7000)).toEqual({ name: '王小明' });
    });

    it('sets the profile field by field, creating the row on first use', async () => {
      const id = `visitor-${randomUUID()}`;
      expect(await store.getVisitor(id)).toBeNull();
      await store.setVisitorProfile(id, { name: 'Ana' }, T0);
      expect(await store.getVisitor(id)).toEqual({
        id, name: 'Ana', email: null, context: null, userAgent: null, createdAt: T0, lastSeenAt: T0, presence: null, departmentId: null,
      });
      await store.setVisitorProfile(id, { email: 'ana@example.com' }, T0 + 10);
      await store.setVisitorProfile(id, { name: 'Ana Lima' }, T0 + 5);
      expect(await store.getVisitor(id)).toMatchObject({ name: 'Ana Lima', email: 'ana@example.com', createdAt: T0, lastSeenAt: T0 + 10 });
    });

    it('replaces the context, keeps the user agent when none is given, and round-trips jsonb', async () => {
      const id = `visitor-${randomUUID()}`;
      const context = { url: 'https://shop.example/?q="x"', title: '订单 \\ ok', data: { order: 'A-1', note: '{"not":"json"}' } };
      await store.setVisitorContext(id, context, 'UA/1', T0);
      expect(await store.getVisitor(id)).toEqual({
        id, name: null, email: null, context, userAgent: 'UA/1', createdAt: T0, lastSeenAt: T0, presence: null, departmentId: null,
      });
      await store.setVisitorProfile(id, { name: 'Bo' }, T0 + 1);
      await store.setVisitorContext(id, { language: 'en' }, null, T0 + 2);
      expect(await store.getVisitor(id)).toMatchObject({ name: 'Bo', context: { language: 'en' }, userAgent: 'UA/1', lastSeenAt: T0 + 2 });
      await store.setVisitorContext(id, {}, 'UA/2', T0 + 3);
      expect(await store.getVisitor(id)).toMatchObject({ context: {}, userAgent: 'UA/2' });
    });

    it('records presence: since moves on a change, coming back after the grace is "returned", leaving clears it, stale reports are ignored', async () => {
      const id = `visitor-${randomUUID()}`;
      const GRACE = 15_000;
      expect(await store.setVisitorPresence(id, 'on_page', T0, GRACE)).toEqual({ state: 'on_page', since: T0, returned: false });
      expect(await store.setVisitorPresence(id, 'on_page', T0 + 5, GRACE)).toEqual({ state: 'on_page', since: T0, returned: false });
      expect(await store.setVisitorPresence(id, 'left', T0 + 10, GRACE)).toEqual({ state: 'left', since: T0 + 10, returned: false });
      // A second "gone" (pagehide, then the socket closing) keeps when they went.
      expect(await store.setVisitorPresence(id, 'left', T0 + 20, GRACE)).toEqual({ state: 'left', since: T0 + 10, returned: false });
      // Back within the grace (the next page of the shop): not "returned".
      expect(await store.setVisitorPresence(id, 'on_page', T0 + 1000, GRACE)).toEqual({ state: 'on_page', since: T0 + 1000, returned: false });
      await store.setVisitorPresence(id, 'left', T0 + 2000, GRACE);
      expect(await store.setVisitorPresence(id, 'hidden', T0 + 2000 + GRACE, GRACE)).toEqual({ state: 'hidden', since: T0 + 2000 + GRACE, returned: true });
      expect(await store.setVisitorPresence(id, 'on_page', T0 + 40_000, GRACE)).toEqual({ state: 'on_page', since: T0 + 40_000, returned: true });
      // A report older than the visitor's last activity (a late "socket gone") changes nothing.
      expect(await store.setVisitorPresence(id, 'left', T0 + 39_000, GRACE)).toBeNull();
      expect((await store.getVisitor(id))?.presence).toEqual({ state: 'on_page', since: T0 + 40_000, returned: true });
      expect(await store.setVisitorPresence(id, 'left', T0 + 50_000, GRACE)).toEqual({ state: 'left', since: T0 + 50_000, returned: false });
      // The first report creates the visitor.
      const fresh = `visitor-${randomUUID()}`;
      await store.setVisitorPresence(fresh, 'hidden', T0, GRACE);
      expect(await store.getVisitor(fresh)).toMatchObject({ id: fresh, createdAt: T0, presence: { state: 'hidden', since: T0, returned: false } });
    });
  });

  describe('left messages', () => {
    it('copies the visitor context at the time, and lists newest first with a limit', async () => {
      const withContext = `visitor-${randomUUID()}`;
      await store.setVisitorContext(withContext, { url: 'https://shop.example/a' }, null, T0);
      // Later than anything else this suite stores, so these two are the newest.
      const a = await store.addLeftMessage({ visitorId: withContext, name: 'Ana', email: 'ana@example.com', text: 'hello', at: T0 + 1_000_000 });
      await store.setVisitorContext(withContext, { url: 'https://shop.example/b' }, null, T0 + 1);
      const b = await store.addLeftMessage({ visitorId: `visitor-${randomUUID()}`, name: 'Bo', email: 'bo@example.com', text: 'hi', at: T0 + 1_000_001 });
      expect(a).toEqual({
        id: a.id, visitorId: withContext, name: 'Ana', email: 'ana@example.com', text: 'hello',
        context: { url: 'https://shop.example/a' }, createdAt: T0 + 1_000_000, handled: false,
      });
      expect(b.context).toBeNull();
      expect(await store.listLeftMessages({ limit: 2 })).toEqual([b, a]);
      expect((await store.listLeftMessages()).slice(0, 2)).toEqual([b, a]);
    });
  });

  describe('ratings', () => {
    it('stores one rating per conversation, replacing on a second call', async () => {
      const id = await newConversation();
      expect(await store.getRating(id)).toBeNull();
      const first = await store.upsertRating({ conversationId: id, visitorId: 'v-1', score: 4, comment: 'good', at: T0 });
      expect(first).toEqual({ conversationId: id, visitorId: 'v-1', score: 4, comment: 'good', createdAt: T0 });
      expect(await store.getRating(id)).toEqual(first);
      const second = await store.upsertRating({ conversationId: id, visitorId: 'v-1', score: 1, comment: null, at: T0 + 5 });
      expect(second).toEqual({ conversationId: id, visitorId: 'v-1', score: 1, comment: null, createdAt: T0 + 5 });
      expect(await store.getRating(id)).toEqual(second);
    });

    it('rejects an unknown conversation and a score out of range', async () => {
      await expect(store.upsertRating({ conversationId: 'nope', visitorId: 'v', score: 3, comment: null, at: T0 }))
        .rejects.toMatchObject({ name: 'StoreError', reason: 'conversation_not_found' });
      const id = await newConversation();
      await expect(store.upsertRating({ conversationId: id, visitorId: 'v', score: 6, comment: null, at: T0 })).rejects.toThrow();
      expect(await store.getRating(id)).toBeNull();
    });
  });

  describe('conversations', () => {
    it('returns the same active conversation to concurrent callers, a new one after close', async () => {
      const visitorId = `visitor-${randomUUID()}`;
      const results = await Promise.all(Array.from({ length: 10 }, () => store.openConversation(visitorId, T0)));
      const ids = new Set(results.map((r) => r.conversation.id));
      expect(ids.size).toBe(1);
      expect(results.filter((r) => r.created)).toHaveLength(1);
      const [first] = results;
      expect(first.conversation).toEqual({
        id: first.conversation.id,
        visitorId,
        status: 'queued',
        agentId: null,
        openedAt: T0,
        firstResponseAt: null,
        closedAt: null,
        closedBy: null,
        closeCategory: null,
        closeSummary: null,
        lastSeq: 0,
        priority: 0,
        departmentId: null,
      });
      expect(await store.findActiveConversation(visitorId)).toEqual(first.conversation);

      expect(await store.closeConversation(first.conversation.id, 'visitor', visitorId, T0 + 10)).toMatchObject({ status: 'closed' });
      expect(await store.findActiveConversation(visitorId)).toBeNull();
      const next = await store.openConversation(visitorId, T0 + 20);
      expect(next.created).toBe(true);
      expect(next.conversation.id).not.toBe(first.conversation.id);
    });

    it('opens a conversation with its first message in one statement, once per visitor, never for a re-send', async () => {
      const visitorId = `visitor-${randomUUID()}`;
      await store.setVisitorProfile(visitorId, { name: 'Li Lei' }, T0 - 1000);
      const before = sql.statements;
      const opened = await store.openConversationWith(visitorId, T0, { clientId: 'first', text: '你好' });
      expect(sql.statements - before).toBe(1);
      expect(opened).toMatchObject({ visitorName: 'Li Lei', conversation: { visitorId, status: 'queued', lastSeq: 2, openedAt: T0 } });
      const id = opened!.conversation.id;
      expect(await store.messagesAfter(id, 0)).toEqual([opened!.opened, opened!.message]);
      expect(opened!.opened).toMatchObject({ seq: 1, author: 'system', kind: 'event', event: { type: 'opened' } });
      expect(opened!.message).toMatchObject({ seq: 2, clientId: 'first', author: 'visitor', authorId: visitorId, text: '你好', at: T0 });
      const { rows } = await sql.query<{ last_seen_at: Date }>('SELECT last_seen_at FROM visitors WHERE id = $1', [visitorId]);
      expect(rows[0].last_seen_at.getTime()).toBe(T0);

      // An active conversation exists: nothing is written.
      expect(await store.openConversationWith(visitorId, T0 + 1, { clientId: 'second', text: 'again' })).toBeNull();
      expect(await store.messagesAfter(id, 0)).toHaveLength(2);
      // After the close, a re-send of the first message opens nothing; a new message does.
      await store.closeConversation(id, 'visitor', visitorId, T0 + 2);
      expect(await store.openConversationWith(visitorId, T0 + 3, { clientId: 'first', text: '你好' })).toBeNull();
      expect(await store.listVisitorConversations(visitorId, 10)).toHaveLength(1);
      const next = await store.openConversationWith(visitorId, T0 + 4, { clientId: 'third', text: 'new topic' });
      expect(next?.conversation.id).not.toBe(id);

      // Many first messages at once (several tabs): one conversation, one opener.
      const other = `visitor-${randomUUID()}`;
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => store.openConversationWith(other, T0, { clientId: `tab-${i}`, text: 'hi' })),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await store.listVisitorConversations(other, 10)).toHaveLength(1);
    });

    it('assigns and requeues with the event in one statement; a closed conversation changes nothing', async () => {
      const agent = async (name: string) =>
        createdUser(await store.createUser({ email: `${name}.${randomUUID().slice(0, 8)}@example.com`, displayName: name, role: 'agent', passwordHash: 'h', capacity: 5 }));
      const [ana, bo] = [await agent('Ana'), await agent('Bo')];
      const { conversation } = (await store.openConversationWith(`visitor-${randomUUID()}`, T0, { clientId: 'c1', text: 'hi' }))!;
      const id = conversation.id;
      const assigned = await store.assignWithEvent(id, ana.id, { type: 'assigned', agentId: ana.id, agentName: 'Ana' }, T0 + 1);
      expect(assigned).toMatchObject({ seq: 3, author: 'system', event: { type: 'assigned', agentName: 'Ana' }, at: T0 + 1 });
      expect(await store.getConversation(id)).toMatchObject({ status: 'open', agentId: ana.id, lastSeq: 3 });
      // Interleaved with group-committed appends: seqs stay unique and increasing.
      const [a, requeued, b] = await Promise.all([
        store.appendMessage(text(id, 'm1', { authorId: conversation.visitorId })),
        store.assignWithEvent(id, null, { type: 'requeued', fromAgentId: ana.id, reason: 'agent_offline' }, T0 + 2),
        store.appendMessage(text(id, 'm2', { authorId: conversation.visitorId })),
      ]);
      expect(new Set([stored(a).seq, requeued!.seq, stored(b).seq]).size).toBe(3);
      expect(await store.getConversation(id)).toMatchObject({ status: 'queued', agentId: null, lastSeq: 6 });
      expect((await store.messagesAfter(id, 0)).map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6]);

      await store.closeWithEvent(id, 'agent', ana.id, T0 + 3);
      expect(await store.assignWithEvent(id, bo.id, { type: 'assigned', agentId: bo.id, agentName: 'Bo' }, T0 + 4)).toBeNull();
      expect(await store.getConversation(id)).toMatchObject({ status: 'closed', agentId: null, lastSeq: 7 });
    });

    it('closes with its event last, once', async () => {
      const { conversation } = (await store.openConversationWith(`visitor-${randomUUID()}`, T0, { clientId: 'c1', text: 'hi' }))!;
      const id = conversation.id;
      const closed = await store.closeWithEvent(id, 'visitor', conversation.visitorId, T0 + 5, { category: 'inquiry', summary: '已解决' });
      expect(closed?.conversation).toMatchObject({ id, status: 'closed', closedAt: T0 + 5, closedBy: 'visitor', closeCategory: 'inquiry', closeSummary: '已解决', lastSeq: 3 });
      expect(closed?.event).toMatchObject({ seq: 3, event: { type: 'closed', by: 'visitor', byId: conversation.visitorId } });
      expect((await store.messagesAfter(id, 0)).at(-1)).toEqual(closed!.event);
      expect(await store.closeWithEvent(id, 'agent', 'agent-1', T0 + 6)).toBeNull();
      expect(await store.closeWithEvent('missing', 'agent', 'agent-1', T0 + 6)).toBeNull();
      expect(await store.appendMessage(text(id, 'late', { authorId: conversation.visitorId }))).toEqual({ status: 'not_open' });
      expect((await store.messagesAfter(id, 0)).at(-1)).toEqual(closed!.event);
    });

    it('closes once', async () => {
      const id = await newConversation();
      expect(await store.closeConversation(id, 'agent', 'agent-1', T0 + 100)).toMatchObject({ id, status: 'closed', closedAt: T0 + 100, closedBy: 'agent' });
      expect(await store.closeConversation(id, 'system', null, T0 + 200)).toBeNull();
      expect(await store.closeConversation('nope', 'system', null, T0)).toBeNull();
      expect(await store.getConversation(id)).toMatchObject({ status: 'closed', closedAt: T0 + 100, closedBy: 'agent' });
      expect(await store.getConversation('nope')).toBeNull();
    });

    it('assigns, requeues, ignores closed ones, and records the first response once', async () => {
      const agent = createdUser(await store.createUser({
        email: `agent.${randomUUID().slice(0, 8)}@example.com`,
        displayName: 'Agent',
        role: 'agent',
        passwordHash: 'h',
        capacity: 5,
      }));
      const id = await newConversation();
      await store.setAssignment(id, agent.id);
      expect(await store.getConversation(id)).toMatchObject({ status: 'open', agentId: agent.id });
      // The port lists all active conversations (no agent filter any more): the agent's are those with its id.
      const activeFor = async (agentId: string) => (await store.listActiveConversations()).filter((c) => c.agentId === agentId);
      expect((await activeFor(agent.id)).map((c) => c.id)).toEqual([id]);
      expect((await store.listActiveConversations()).map((c) => c.id)).toContain(id);

      await store.markFirstResponse(id, T0 + 1);
      await store.markFirstResponse(id, T0 + 2);
      expect((await store.getConversation(id))?.firstResponseAt).toBe(T0 + 1);

      await store.setAssignment(id, null);
      expect(await store.getConversation(id)).toMatchObject({ status: 'queued', agentId: null });
      expect(await activeFor(agent.id)).toEqual([]);

      await store.setAssignment(id, agent.id);
      await store.closeConversation(id, 'agent', agent.id, T0 + 3);
      await store.setAssignment(id, null);
      expect(await store.getConversation(id)).toMatchObject({ status: 'closed', agentId: agent.id });
      expect((await store.listActiveConversations()).map((c) => c.id)).not.toContain(id);
    });
  });

  describe('messages', () => {
    it('allocates strictly increasing seqs and stores what it acknowledges', async () => {
      const id = await newConversation();
      const acks = [];
      for (let i = 0; i < 5; i++) acks.push(await store.appendMessage(text(id, `c${i}`, { at: T0 + i })));
      expect(acks.every((a) => a.status === 'stored')).toBe(true);
      expectStrictlyIncreasing(acks.map((a) => stored(a).seq));
      expect(await store.messagesAfter(id, 0)).toEqual(acks.map(stored));
      expect((await store.getConversation(id))?.lastSeq).toBe(stored(acks[4]).seq);
    });

    it('returns the original for a re-sent clientId and stores nothing new', async () => {
      const id = await newConversation();
      const first = await store.appendMessage(text(id, 'same'));
      const again = await store.appendMessage(text(id, 'same', { text: 'changed', at: T0 + 9 }));
      expect(again).toEqual({ status: 'duplicate', message: stored(first) });
      expect(await store.messagesAfter(id, 0)).toEqual([stored(first)]);
      // Another author's identical clientId is another message.
      const other = await newConversation();
      expect((await store.appendMessage(text(other, 'same'))).status).toBe('stored');
      // The same author re-sending into a later conversation gets the original back.
      const later = await newConversation();
      const resent = await store.appendMessage(text(later, 'same', { authorId: `v-${id}` }));
      expect(resent).toEqual({ status: 'duplicate', message: stored(first) });
      expect(await store.messagesAfter(later, 0)).toEqual([]);
      expect(await store.findMessageByClientId(`v-${id}`, 'same')).toEqual(stored(first));
    });

    it('dedupes a clientId repeated inside one batch', async () => {
      const id = await newConversation();
      // The first call is written at once; the next three wait and form one batch.
      const [, a, b, c] = await Promise.all([
        store.appendMessage(text(id, 'x')),
        store.appendMessage(text(id, 'dup')),
        store.appendMessage(text(id, 'dup', { text: 'second copy' })),
        store.appendMessage(text(id, 'x')),
      ]);
      expect(a.status).toBe('stored');
      expect(b).toEqual({ status: 'duplicate', message: stored(a) });
      expect(c.status).toBe('duplicate');
      expect((await store.messagesAfter(id, 0)).map((m) => m.clientId)).toEqual(['x', 'dup']);
    });

    it('gives a re-sent clientId no seq: seqs stay 1..n and last_seq is the newest', async () => {
      const id = await newConversation();
      for (let i = 0; i < 3; i++) {
        await store.appendMessage(text(id, `r${i}`));
        for (let k = 0; k < 4; k++) expect((await store.appendMessage(text(id, `r${i}`))).status).toBe('duplicate');
      }
      // Re-sends and new messages in one statement: only the new ones take seqs.
      const mixed = await store.appendMessages([text(id, 'r0'), text(id, 'n1'), text(id, 'r2'), text(id, 'n2')]);
      expect(mixed.map((a) => a.status)).toEqual(['duplicate', 'stored', 'duplicate', 'stored']);
      expect(mixed.map((a) => stored(a).seq)).toEqual([1, 4, 3, 5]);
      // A re-send into another conversation of the same author takes none there either.
      const later = await newConversation();
      expect((await store.appendMessage(text(later, 'r1', { authorId: `v-${id}` }))).status).toBe('duplicate');
      expect((await store.getConversation(later))?.lastSeq).toBe(0);

      const rows = await store.messagesAfter(id, 0);
      expect(rows.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
      expect(rows.map((m) => m.clientId)).toEqual(['r0', 'r1', 'r2', 'n1', 'n2']);
      expect((await store.getConversation(id))?.lastSeq).toBe(5);
    });

    it('append_messages skips pairs repeated within its input; NULL ids never collide', async () => {
      // The store collapses repeats before the statement; the function must not rely on it.
      const id = await newConversation();
      const n = 5;
      const { rows } = await sql.query<{ ord: number; seq: number | null; stored: boolean }>(
        `SELECT ord, seq, stored FROM append_messages($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::float8[])`,
        [
          [id, id, id, id, 'missing'],
          ['x', 'x', null, null, 'y'],
          ['visitor', 'visitor', 'system', 'system', 'visitor'],
          ['v', 'v', null, null, 'v'],
          ['text', 'text', 'note', 'note', 'text'],
          Array(n).fill('body'),
          Array(n).fill(null),
          Array(n).fill(T0),
        ],
      );
      expect(rows.sort((a, b) => a.ord - b.ord)).toEqual([
        { ord: 1, seq: 1, stored: true },
        { ord: 2, seq: null, stored: false },
        { ord: 3, seq: 2, stored: true },
        { ord: 4, seq: 3, stored: true },
      ]);
      expect((await store.getConversation(id))?.lastSeq).toBe(3);
    });

    it('refuses a message for a missing conversation without failing its batch', async () => {
      const id = await newConversation();
      // Promise.all: any rejection fails the test; each outcome says what happened to its message.
      const results = await Promise.all([
        store.appendMessage(text(id, 'first')),
        store.appendMessage(text('missing', 'a')),
        store.appendMessage(text(id, 'b')),
        store.appendMessage(text('missing', null)),
      ]);
      expect(results.map((r) => r.status)).toEqual(['stored', 'not_open', 'stored', 'not_open']);
      expect(results[1]).toEqual({ status: 'not_open' });
      expect(results[3]).toEqual({ status: 'not_open' });
      expect(await store.appendMessage(text('missing', 'alone'))).toEqual({ status: 'not_open' });
    });

    it('refuses messages for a closed conversation, even queued behind its close', async () => {
      const id = await newConversation();
      const last = stored(await store.appendMessage(text(id, 'before')));
      await store.closeConversation(id, 'agent', 'agent-1', T0 + 10);
      expect(await store.appendMessage(text(id, 'after'))).toEqual({ status: 'not_open' });
      const open = await newConversation();
      // In one batch with an open conversation's message: only the closed one is refused.
      const results = await Promise.all([
        store.appendMessage(text(open, 'first')),
        store.appendMessage(text(id, 'late')),
        store.appendMessage(text(open, 'second')),
      ]);
      expect(results.map((r) => r.status)).toEqual(['stored', 'not_open', 'stored']);
      expect(results[1]).toEqual({ status: 'not_open' });
      expect(await store.messagesAfter(id, 0)).toEqual([last]);
      expect((await store.getConversation(id))?.lastSeq).toBe(last.seq);
    });

    it('writes appends given together in one statement, in order', async () => {
      const id = await newConversation();
      const before = sql.statements;
      const [a, b, c] = await store.appendMessages([text(id, null, { text: '' }), text(id, 'm1'), text(id, 'm2')]);
      expect(sql.statements - before).toBe(1);
      expect([stored(a).seq, stored(b).seq, stored(c).seq]).toEqual([1, 2, 3]);
      expect((await store.messagesAfter(id, 0)).map((m) => m.clientId)).toEqual([null, 'm1', 'm2']);
    });

    it('rejects every promise of a batch whose statement fails', async () => {
      const id = await newConversation();
      const bad = { ...text(id, 'bad'), kind: 'bogus' as NewMessage['kind'] };
      const results = await Promise.allSettled([
        store.appendMessage(text(id, 'alone')),
        store.appendMessage(text(id, 'ok')),
        store.appendMessage(bad),
      ]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected']);
      // The store keeps working afterwards, also after a failure before any SQL is sent.
      expect((await store.appendMessage(text(id, 'ok'))).status).toBe('stored');
      const unserialisable = { ...text(id, 'big'), event: { type: 'queued', position: 1n } as never };
      await expect(store.appendMessage(unserialisable)).rejects.toThrow(TypeError);
      expect((await store.appendMessage(text(id, 'after'))).status).toBe('stored');
    });

    it('stores a burst of 200 appends over 20 conversations once each, in few statements', async () => {
      const ids = await Promise.all(Array.from({ length: 20 }, newConversation));
      const before = sql.statements;
      const acks = await Promise.all(
        Array.from({ length: 200 }, (_, i) => store.appendMessage(text(ids[i % 20], `burst-${i}`, { at: T0 + i }))),
      );
      const statements = sql.statements - before;
      console.info(`[${backend.name}] burst of 200 appends: ${statements} statements`);
      expect(statements).toBeLessThanOrEqual(5);
      expect(acks.every((a) => a.status === 'stored')).toBe(true);

      for (const [k, id] of ids.entries()) {
        const mine = acks.map(stored).filter((m) => m.conversationId === id);
        expectStrictlyIncreasing(mine.map((m) => m.seq)); // call order is seq order within a process
        const rows = await store.messagesAfter(id, 0);
        expect(rows).toEqual(mine);
        expect(rows.map((m) => m.clientId)).toEqual(Array.from({ length: 10 }, (_, j) => `burst-${k + 20 * j}`));
      }
    });

    it('splits a queue longer than maxBatch into several statements', async () => {
      const small = createChatStore({ sql, maxBatch: 50 });
      const id = await newConversation();
      const before = sql.statements;
      const acks = await Promise.all(Array.from({ length: 201 }, (_, i) => small.appendMessage(text(id, `s${i}`))));
      expect(sql.statements - before).toBe(1 + 4); // the first alone, then 4 × 50
      expectStrictlyIncreasing(acks.map((a) => stored(a).seq));
      expect(await store.messagesAfter(id, 0, { limit: 1000 })).toHaveLength(201);
      await small.close();
      await expect(small.appendMessage(text(id, 'late'))).rejects.toMatchObject({ reason: 'closed' });
    });

    it('filters notes, pages by seq and limit, and round-trips events', async () => {
      const id = await newConversation();
      const t = stored(await store.appendMessage(text(id, 'v1')));
      const note = stored(await store.appendMessage({ ...text(id, 'n1'), author: 'agent', authorId: 'a', kind: 'note', text: 'internal' }));
      const ev = stored(await store.appendMessage({
        conversationId: id,
        clientId: null,
        author: 'system',
        authorId: null,
        kind: 'event',
        text: '',
        event: { type: 'assigned', agentId: 'a', agentName: 'Ann' },
        at: T0 + 7,
      }));
      const all = [t, note, ev];
      expect(await store.messagesAfter(id, 0, { includeNotes: true })).toEqual(all);
      expect(await store.messagesAfter(id, 0, { includeNotes: false })).toEqual([t, ev]);
      expect(await store.messagesAfter(id, 0)).toEqual([t, ev]);
      expect(await store.messagesAfter(id, t.seq, { includeNotes: true })).toEqual(all.slice(1));
      expect(await store.messagesAfter(id, 0, { includeNotes: true, limit: 2 })).toEqual(all.slice(0, 2));
      expect(ev.event).toEqual({ type: 'assigned', agentId: 'a', agentName: 'Ann' });
      expect(ev.at).toBe(T0 + 7);
    });
  });

  if (backend.name === 'postgres') {
    it('gives unique increasing seqs when two processes append to the same conversations', async () => {
      const other = await db.connect!();
      const stores = [store, createChatStore({ sql: other })];
      const ids = await Promise.all(Array.from({ length: 5 }, newConversation));
      // 2 stores × 20 senders × 10 sequential messages, each to a random shared conversation:
      // many overlapping multi-conversation batches from both pools.
      const acks = await Promise.all(
        stores.flatMap((s, si) =>
          Array.from({ length: 20 }, async (_, w) => {
            const mine = [];
            for (let j = 0; j < 10; j++) {
              const conversationId = ids[Math.floor(Math.random() * ids.length)];
              mine.push(await s.appendMessage(text(conversationId, `p${si}-w${w}-${j}`)));
            }
            // One sender's messages, acknowledged in order, have increasing seqs per conversation.
            for (const id of ids) expectStrictlyIncreasing(mine.map(stored).filter((m) => m.conversationId === id).map((m) => m.seq));
            return mine;
          }),
        ),
      );
      const flat = acks.flat();
      expect(flat).toHaveLength(400);
      expect(flat.every((a) => a.status === 'stored')).toBe(true);

      let total = 0;
      for (const id of ids) {
        const rows = await store.messagesAfter(id, 0, { limit: 1000 });
        total += rows.length;
        expectStrictlyIncreasing(rows.map((r) => r.seq));
        const acked = flat.map(stored).filter((m) => m.conversationId === id);
        expect(new Map(rows.map((r) => [r.clientId, r.seq]))).toEqual(new Map(acked.map((m) => [m.clientId, m.seq])));
      }
      expect(total).toBe(400);
      await stores[1].close();
    });

    it('keeps seqs gap-free when two processes send overlapping clientIds into one conversation', async () => {
      const other = await db.connect!();
      const stores = [store, createChatStore({ sql: other })];
      const id = await newConversation();
      const pool = Array.from({ length: 60 }, (_, i) => `o${i}`);
      // 2 stores × 20 senders × 10 sequential sends, each a random clientId of 60, all by one
      // author: re-sends race with their originals in concurrent batches of both pools.
      const acks = (
        await Promise.all(
          stores.flatMap((s) =>
            Array.from({ length: 20 }, async () => {
              const mine = [];
              for (let j = 0; j < 10; j++) mine.push(await s.appendMessage(text(id, pool[Math.floor(Math.random() * pool.length)])));
              return mine;
            }),
          ),
        )
      ).flat();

      const rows = await store.messagesAfter(id, 0, { limit: 1000 });
      const sent = new Set(acks.map((a) => stored(a).clientId));
      expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: rows.length }, (_, i) => i + 1));
      expect(new Set(rows.map((r) => r.clientId))).toEqual(sent);
      expect(rows).toHaveLength(sent.size);
      expect((await store.getConversation(id))?.lastSeq).toBe(rows.length);
      // Every ack, first or re-send, names the one stored message of its clientId.
      const byClientId = new Map(rows.map((r) => [r.clientId, r]));
      for (const m of acks.map(stored)) expect(m).toEqual(byClientId.get(m.clientId));
      expect(acks.filter((a) => a.status === 'stored')).toHaveLength(sent.size);
      await stores[1].close();
    });
  }
});
