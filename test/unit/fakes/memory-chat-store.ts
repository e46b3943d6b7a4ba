/**
 * The domain's ChatStore kept in memory, for the domain's unit tests: the same outcomes as
 * the SQL store (one active conversation per visitor, seqs gap-free per conversation, a
 * re-sent clientId stored once, nothing appended to a closed conversation), no I/O.
 * `failNext(method)` makes the next call of a method reject once: a fault at a named step.
 */
import { randomUUID } from 'node:crypto';
import type { AgentStatus } from '../../../shared/protocol';
import type { ChatStore } from '../../../server/domain/ports/chat-store';
import type { ComplaintView, FollowUpView } from '../../../shared/rest';
import type {
  ConversationRecord,
  LeftMessageRecord,
  RatingRecord,
  StoredMessage,
  UserRecord,
  VisitorRecord,
} from '../../../server/domain/ports/records';

export type MemoryChatStore = ChatStore & {
  failNext(method: keyof ChatStore): void;
  messages(conversationId: string): StoredMessage[];
};

export function createMemoryChatStore(): MemoryChatStore {
  const users = new Map<string, UserRecord & { passwordHash: string }>();
  const visitors = new Map<string, VisitorRecord>();
  const conversations = new Map<string, ConversationRecord>();
  // Wrap-ups: the due time while pending, null once filed or expired.
  const wrapUps = new Map<string, number | null>();
  const complaints = new Map<string, ComplaintView>();
  const followUps = new Map<string, FollowUpView>();
  const newFollowUp = (f: Omit<FollowUpView, 'id' | 'closedAt' | 'outcome'>): FollowUpView | null => {
    if ([...followUps.values()].some((x) => x.source === f.source && x.sourceId === f.sourceId)) return null;
    const v = { ...f, id: randomUUID(), closedAt: null, outcome: null };
    followUps.set(v.id, v);
    return v;
  };
  const messages = new Map<string, StoredMessage[]>();
  const byClientId = new Map<string, StoredMessage>();
  const ratings = new Map<string, RatingRecord>();
  const left: LeftMessageRecord[] = [];
  const failing = new Set<string>();
  const chosen = new Map<string, AgentStatus>();

  const copy = <T>(x: T): T => structuredClone(x);
  const touch = (id: string, at: number) => {
    const v = visitors.get(id) ?? { id, name: null, email: null, context: null, userAgent: null, createdAt: at, lastSeenAt: at, presence: null, departmentId: null };
    v.lastSeenAt = Math.max(v.lastSeenAt, at);
    visitors.set(id, v);
    return v;
  };
  const append = (c: ConversationRecord, m: Omit<StoredMessage, 'seq'>): StoredMessage => {
    const stored = { ...m, seq: ++c.lastSeq };
    messages.get(c.id)!.push(stored);
    if (m.clientId !== null) byClientId.set(`${m.authorId}\n${m.clientId}`, stored);
    return stored;
  };
  const active = (visitorId: string) => [...conversations.values()].find((c) => c.visitorId === visitorId && c.status !== 'closed') ?? null;

  const departments = new Map<string, { id: string; name: string }>();
  const memberships = new Map<string, Set<string>>();
  const departmentOf = (d: { id: string; name: string }) => ({
    ...d,
    agentIds: [...memberships].filter(([, ids]) => ids.has(d.id)).map(([u]) => u).sort(),
  });

  const store: ChatStore = {
    async createUser(u) {
      if ([...users.values()].some((x) => x.email === u.email.toLowerCase())) return { status: 'email_taken' };
      const user = { id: randomUUID(), email: u.email.toLowerCase(), displayName: u.displayName, role: u.role, capacity: u.capacity, active: u.active ?? true, languages: u.languages ?? [], createdAt: 0, sessionsValidAfter: null as number | null, passwordHash: u.passwordHash };
      users.set(user.id, user);
      const { passwordHash: _h, ...record } = user;
      return { status: 'created', user: record };
    },
    async upsertUser(u) {
      const existing = [...users.values()].find((x) => x.email === u.email.toLowerCase());
      if (existing) {
        Object.assign(existing, { passwordHash: u.passwordHash, role: u.role });
        const { passwordHash: _h, ...record } = existing;
        return record;
      }
      const r = await store.createUser(u);
      if (r.status !== 'created') throw new Error('unreachable');
      return r.user;
    },
    async getUser(id) {
      const u = users.get(id);
      if (!u) return null;
      const { passwordHash: _h, ...record } = u;
      return copy(record);
    },
    async findUserByEmail(email) {
      return copy([...users.values()].find((u) => u.email === email.toLowerCase()) ?? null);
    },
    async listUsers() {
      return [...users.values()].map(({ passwordHash: _h, ...u }) => copy(u));
    },
    async setUserCapacity(id, capacity) {
      const u = users.get(id);
      if (!u) return null;
      u.capacity = capacity;
      return store.getUser(id);
    },
    async setChosenStatus(id, status) {
      chosen.set(id, status);
    },
    async chosenStatuses(ids) {
      return new Map(ids.flatMap((id) => (chosen.has(id) ? [[id, chosen.get(id)!] as const] : [])));
    },
    async updateUser(id, patch) {
      const u = users.get(id);
      if (!u) return null;
      if (patch.displayName !== undefined) u.displayName = patch.displayName;
      if (patch.role !== undefined) u.role = patch.role;
      if (patch.languages !== undefined) u.languages = patch.languages;
      if (patch.active !== undefined) u.active = patch.active;
      return store.getUser(id);
    },
    async setPassword(id, passwordHash, at) {
      const u = users.get(id);
      if (!u) return null;
      Object.assign(u, { passwordHash, sessionsValidAfter: at });
      return store.getUser(id);
    },
    async createInvitation() {},
    async getInvitation() {
      return null;
    },
    async acceptInvitation() {
      return { outcome: 'invalid' };
    },

    async setVisitorProfile(id, p, at) {
      const v = touch(id, at);
      if (p.name !== undefined) v.name = p.name;
      if (p.email !== undefined) v.email = p.email;
      if (p.departmentId !== undefined) v.departmentId = p.departmentId;
    },
    async setVisitorContext(id, context, userAgent, at) {
      const v = touch(id, at);
      v.context = context;
      if (userAgent !== null) v.userAgent = userAgent;
    },
    async getVisitor(id) {
      return copy(visitors.get(id) ?? null);
    },
    async setVisitorPresence(id, state, at, graceMs) {
      if ((visitors.get(id)?.lastSeenAt ?? at) > at) return null;
      const v = touch(id, at);
      const old = v.presence;
      const returned =
        state === 'left' ? old?.state === 'left' && old.returned : old?.state === 'left' && at - old.since >= graceMs ? true : (old?.returned ?? false);
      v.presence = { state, since: old?.state === state ? old.since : at, returned };
      return copy(v.presence);
    },
    async addLeftMessage(m) {
      const r = { id: randomUUID(), visitorId: m.visitorId, name: m.name, email: m.email, text: m.text, context: visitors.get(m.visitorId)?.context ?? null, createdAt: m.at, handled: false };
      left.push(r);
      return copy(r);
    },
    // Answers are written by the SQL inbox only (test/integration/inbox.test.ts).
    async answerToShow() {
      return null;
    },
    async upsertRating(r) {
      const rating = { conversationId: r.conversationId, visitorId: r.visitorId, score: r.score, comment: r.comment, createdAt: r.at };
      ratings.set(r.conversationId, rating);
      return copy(rating);
    },
    async getRating(id) {
      return copy(ratings.get(id) ?? null);
    },

    async openConversationWith(visitorId, at, first) {
      if (active(visitorId) || byClientId.has(`${visitorId}\n${first.clientId}`)) return null;
      const c: ConversationRecord = {
        id: randomUUID(), visitorId, status: 'queued', agentId: null, openedAt: at, firstResponseAt: null,
        closedAt: null, closedBy: null, closeCategory: null, closeSummary: null, lastSeq: 0,
        // Tiers of visitors are not kept here: every conversation opens at priority 0.
        priority: 0, departmentId: visitors.get(visitorId)?.departmentId ?? null,
      };
      conversations.set(c.id, c);
      messages.set(c.id, []);
      const v = touch(visitorId, at);
      const opened = append(c, { conversationId: c.id, clientId: null, author: 'system', authorId: null, kind: 'event', text: '', event: { type: 'opened' }, at });
      const message = append(c, { conversationId: c.id, clientId: first.clientId, author: 'visitor', authorId: visitorId, kind: 'text', text: first.text, at });
      return copy({ conversation: c, visitorName: v.name, opened, message });
    },
    async raisePriority(id, bits) {
      const c = conversations.get(id);
      if (!c || c.status === 'closed') return null;
      c.priority |= bits;
      return c.priority;
    },
    async setConversationDepartment(id, departmentId) {
      const c = conversations.get(id);
      if (!c || c.status === 'closed') return false;
      c.departmentId = departmentId;
      return true;
    },

    async listDepartments() {
      return [...departments.values()].sort((a, b) => a.name.localeCompare(b.name)).map(departmentOf);
    },
    async getDepartment(id) {
      const d = departments.get(id);
      return d ? departmentOf(d) : null;
    },
    async createDepartment({ name }) {
      if ([...departments.values()].some((d) => d.name === name)) return { status: 'name_taken' };
      const d = { id: randomUUID(), name };
      departments.set(d.id, d);
      return { status: 'created', department: departmentOf(d) };
    },
    async renameDepartment(id, name) {
      const d = departments.get(id);
      if (!d) return { status: 'not_found' };
      if ([...departments.values()].some((o) => o.name === name && o.id !== id)) return { status: 'name_taken' };
      d.name = name;
      return { status: 'renamed', department: departmentOf(d) };
    },
    async deleteDepartment(id) {
      if (!departments.delete(id)) return null;
      const members = [...memberships].filter(([, ids]) => ids.delete(id)).map(([u]) => u);
      for (const c of conversations.values()) if (c.departmentId === id) c.departmentId = null;
      for (const v of visitors.values()) if (v.departmentId === id) v.departmentId = null;
      return members;
    },
    async agentDepartments(userIds) {
      return new Map(userIds.filter((u) => memberships.get(u)?.size).map((u) => [u, [...memberships.get(u)!].sort()]));
    },
    async setAgentDepartments(userId, ids) {
      if (ids.some((id) => !departments.has(id))) return 'unknown_department';
      memberships.set(userId, new Set(ids));
      return 'set';
    },

    async assignWithEvent(id, agentId, event, at) {
      const c = conversations.get(id);
      if (!c || c.status === 'closed') return null;
      c.agentId = agentId;
      c.status = agentId ? 'open' : 'queued';
      return copy(append(c, { conversationId: id, clientId: null, author: 'system', authorId: null, kind: 'event', text: '', event, at }));
    },
    async closeWithEvent(id, by, byId, at, filing) {
      const c = conversations.get(id);
      if (!c || c.status === 'closed') return null;
      Object.assign(c, { status: 'closed', closedAt: at, closedBy: by, closeCategory: filing?.category ?? null, closeSummary: filing?.summary ?? null });
      const event = append(c, { conversationId: id, clientId: null, author: 'system', authorId: null, kind: 'event', text: '', event: { type: 'closed', by, byId, ...(filing?.reason ? { reason: filing.reason } : {}) }, at });
      return copy({ conversation: c, event });
    },
    async getConversation(id) {
      return copy(conversations.get(id) ?? null);
    },
    async findActiveConversation(visitorId) {
      return copy(active(visitorId));
    },
    async listActiveConversations() {
      return copy([...conversations.values()].filter((c) => c.status !== 'closed').sort((a, b) => a.openedAt - b.openedAt));
    },
    async setAssignment(id, agentId) {
      const c = conversations.get(id);
      if (!c || c.status === 'closed') return;
      c.agentId = agentId;
      c.status = agentId ? 'open' : 'queued';
    },
    async markFirstResponse(id, at) {
      const c = conversations.get(id);
      if (c && c.firstResponseAt === null) c.firstResponseAt = at;
    },
    async listVisitorConversations(visitorId, limit) {
      return copy([...conversations.values()].filter((c) => c.visitorId === visitorId).sort((a, b) => b.openedAt - a.openedAt).slice(0, limit));
    },
    async listConversations(f) {
      const agentName = (id: string | null) => (id ? users.get(id)?.displayName ?? null : null);
      return copy(
        [...conversations.values()]
          .filter((c) => (f.status === undefined || c.status === f.status) && (f.agentId === undefined || c.agentId === f.agentId))
          .sort((a, b) => b.openedAt - a.openedAt)
          .slice(0, f.limit)
          .map((c) => ({ ...c, visitorName: visitors.get(c.visitorId)?.name ?? null, agentName: agentName(c.agentId) })),
      );
    },

    async appendMessage(m) {
      const original = m.clientId === null ? undefined : byClientId.get(`${m.authorId}\n${m.clientId}`);
      if (original) return { status: 'duplicate', message: copy(original) };
      const c = conversations.get(m.conversationId);
      if (!c || c.status === 'closed') return { status: 'not_open' };
      return { status: 'stored', message: copy(append(c, m)) };
    },
    async addComplaint(c, f) {
      if ([...complaints.values()].some((x) => x.conversationId === c.conversationId)) return { status: 'exists' as const };
      const complaint = { ...c, id: randomUUID() };
      complaints.set(complaint.id, complaint);
      const followUp = newFollowUp({ ...f, source: 'complaint', sourceId: complaint.id })!;
      return copy({ status: 'created' as const, complaint, followUp });
    },
    async listComplaints(limit) {
      return copy([...complaints.values()].reverse().slice(0, limit));
    },
    async addFollowUp(f) {
      return copy(newFollowUp(f));
    },
    async listFollowUps(q) {
      return copy(
        [...followUps.values()]
          .filter((f) => (f.closedAt === null) === q.open && (q.assigneeOrUnassigned === undefined || f.assigneeId === null || f.assigneeId === q.assigneeOrUnassigned))
          .sort((a, b) => a.dueAt - b.dueAt)
          .slice(0, q.limit),
      );
    },
    async getFollowUp(id) {
      return copy(followUps.get(id) ?? null);
    },
    async closeFollowUp(id, outcome, at) {
      const f = followUps.get(id);
      if (!f || f.closedAt !== null) return null;
      Object.assign(f, { closedAt: at, outcome });
      return copy(f);
    },
    async startWrapUp(id, dueAt) {
      const c = conversations.get(id);
      if (!c || c.status !== 'closed' || !c.agentId || wrapUps.has(id)) return false;
      wrapUps.set(id, dueAt);
      return true;
    },
    async fileWrapUp(id, filing) {
      const c = conversations.get(id);
      if (!c || !wrapUps.get(id)) return null;
      wrapUps.set(id, null);
      Object.assign(c, { closeCategory: filing.category, closeSummary: filing.summary });
      return { agentId: c.agentId! };
    },
    async expireWrapUps(at) {
      const due = [...wrapUps].filter(([, d]) => d !== null && d <= at).map(([id]) => id);
      due.forEach((id) => wrapUps.set(id, null));
      return due.map((id) => ({ conversationId: id, agentId: conversations.get(id)!.agentId! }));
    },
    async wrapUpDue(id) {
      return wrapUps.get(id) ?? null;
    },
    async hasClientId(id, clientId) {
      return (messages.get(id) ?? []).some((m) => m.clientId === clientId);
    },
    async findMessageByClientId(authorId, clientId) {
      return copy(byClientId.get(`${authorId}\n${clientId}`) ?? null);
    },
    async messagesAfter(id, afterSeq, o) {
      return copy(
        (messages.get(id) ?? []).filter((m) => m.seq > afterSeq && (o?.includeNotes === true || m.kind !== 'note')).slice(0, o?.limit ?? 500),
      );
    },
    async messagesBefore(id, beforeSeq, o) {
      const earlier = (messages.get(id) ?? []).filter((m) => (beforeSeq === null || m.seq < beforeSeq) && (o?.includeNotes === true || m.kind !== 'note'));
      return copy(earlier.slice(Math.max(0, earlier.length - (o?.limit ?? 500))));
    },
  };

  // Every method can be made to fail once, at the call a test names.
  const wrapped = Object.fromEntries(
    Object.entries(store).map(([name, fn]) => [
      name,
      (...args: unknown[]) => {
        if (failing.delete(name)) return Promise.reject(new Error(`injected failure: store.${name}`));
        return (fn as (...a: unknown[]) => unknown)(...args);
      },
    ]),
  ) as unknown as ChatStore;

  return {
    ...wrapped,
    failNext: (method) => void failing.add(method),
    messages: (id) => copy(messages.get(id) ?? []),
  };
}
