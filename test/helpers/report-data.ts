/**
 * A fixed, crafted data set for the reports (test/integration/reports.test.ts computes every
 * figure of it by hand; test/e2e/reports.test.ts shows it): rows inserted straight into the
 * store with chosen times, in the site time zone Asia/Shanghai (UTC+8), in two departments.
 */
import type { SqlClient } from '../../server/store/sql/types';

export const TZ = 'Asia/Shanghai';
/** An instant given as local time in Shanghai (UTC+8, no DST). */
export const local = (isoLocal: string) => Date.parse(`${isoLocal}+08:00`);

type Step =
  | [seconds: number, 'visitor']
  | [seconds: number, 'agent', agent: 'ann' | 'bob']
  | [seconds: number, 'queued']
  | [seconds: number, 'assigned', agent: 'ann' | 'bob']
  | [seconds: number, 'transferred', from: 'ann' | 'bob', to: 'ann' | 'bob']
  | [seconds: number, 'faq_offered' | 'faq_declined'];

export interface Chat {
  id: string;
  opened: string;
  agent: 'ann' | 'bob' | null;
  steps: Step[];
  /** Seconds after opening; absent: still open. */
  closed?: number;
  /** The `closed` event's reason (`faq_solved`: the FAQ answered while queued). */
  closeReason?: 'faq_solved';
  category?: string;
  rating?: number;
  /** The department it is in (`DEPARTMENTS`); absent: none. */
  department?: keyof typeof DEPARTMENTS;
}

/** The departments, by key: their ids and names. */
export const DEPARTMENTS = {
  sales: { id: 'dep-sales', name: 'Sales' },
  support: { id: 'dep-support', name: '售后' },
};

// Hand-computed figures for each chat (seconds): queue wait = first assigned - queued;
// first response = first agent text - opened; reaction = first agent text - the assignment in
// force then; handling = closed - first assigned; replies = each visitor run's first message to
// the next agent text. Rating offered: every closed chat an agent held, and every rated one.
export const CHATS: Chat[] = [
  // queue 5, first response 15, reaction 10, handling 195, replies [15, 40] (the run starts at 60, not 70 or 80);
  // the FAQ offered an answer while it waited, and the shopper still wanted a person
  {
    id: 'c1', opened: '2026-03-02T10:00:00', agent: 'ann', category: 'order', rating: 5, closed: 200, department: 'sales',
    steps: [[0, 'visitor'], [0, 'queued'], [1, 'faq_offered'], [2, 'faq_declined'], [5, 'assigned', 'ann'], [15, 'agent', 'ann'], [60, 'visitor'], [70, 'visitor'], [80, 'visitor'], [100, 'agent', 'ann']],
  },
  // transferred Ann -> Bob before any reply: queue 20, first response 50, reaction 20 (from Bob's assignment), handling 280, replies [50, 10]
  {
    id: 'c2', opened: '2026-03-02T11:00:00', agent: 'bob', category: 'product', rating: 3, closed: 300, department: 'support',
    steps: [[0, 'visitor'], [0, 'queued'], [20, 'assigned', 'ann'], [30, 'transferred', 'ann', 'bob'], [30, 'assigned', 'bob'], [50, 'agent', 'bob'], [55, 'visitor'], [65, 'agent', 'bob']],
  },
  // never answered, closed by the visitor: missed
  { id: 'c3', opened: '2026-03-02T12:00:00', agent: null, closed: 90, steps: [[0, 'visitor'], [0, 'queued']] },
  // opened 23:59 on the 2nd, closed 00:01:30 on the 3rd (local; both on the 2nd in UTC):
  // queue 10, first response 20 (within 20 s: counts), reaction 10, handling 140, replies [20, 60]
  {
    id: 'c4', opened: '2026-03-02T23:59:00', agent: 'ann', category: 'order', rating: 4, closed: 150, department: 'sales',
    steps: [[0, 'visitor'], [0, 'queued'], [10, 'assigned', 'ann'], [20, 'agent', 'ann'], [40, 'visitor'], [100, 'agent', 'ann']],
  },
  // queue 25, first response 45, reaction 20, handling 575, replies [45]
  {
    id: 'c5', opened: '2026-03-03T09:00:00', agent: 'ann', category: 'other', rating: 2, closed: 600, department: 'support',
    steps: [[0, 'visitor'], [0, 'queued'], [25, 'assigned', 'ann'], [45, 'agent', 'ann']],
  },
  // still open: started only
  { id: 'c6', opened: '2026-03-03T10:00:00', agent: 'bob', department: 'sales', steps: [[0, 'visitor'], [0, 'queued'], [3, 'assigned', 'bob'], [8, 'agent', 'bob']] },
  // outside the range of most reports
  {
    id: 'c7', opened: '2026-03-04T10:00:00', agent: 'ann', category: 'order', closed: 300, department: 'sales',
    steps: [[0, 'visitor'], [0, 'queued'], [1, 'assigned', 'ann'], [5, 'agent', 'ann']],
  },
  // the FAQ answered it while queued (closed with reason faq_solved): self-served, not missed; no rating offered
  { id: 'c12', opened: '2026-03-03T11:00:00', agent: null, department: 'support', closed: 30, closeReason: 'faq_solved', steps: [[0, 'visitor'], [0, 'queued'], [1, 'faq_offered']] },
  // nobody took it, yet the shopper rated it (a protocol client may): missed, rated 1, so offered
  { id: 'c13', opened: '2026-03-02T13:00:00', agent: null, closed: 60, rating: 1, steps: [[0, 'visitor'], [0, 'queued']] },
  // Bob held it but the shopper left before any answer: missed; queue 10, handling 60; offered, not rated
  { id: 'c14', opened: '2026-03-03T12:00:00', agent: 'bob', department: 'sales', closed: 70, steps: [[0, 'visitor'], [0, 'queued'], [10, 'assigned', 'bob']] },
];

export type ReportUsers = Record<'ann' | 'bob', { id: string }>;

/** Inserts one chat (a test may add one after a report was read). */
export async function insertChat(sql: Pick<SqlClient, 'query'>, users: ReportUsers, chat: Chat) {
  const opened = local(chat.opened);
  const at = (s: number) => new Date(opened + s * 1000).toISOString();
  const who = (a: 'ann' | 'bob') => users[a].id;
  const firstReply = chat.steps.find((s) => s[1] === 'agent');
  const agentId = chat.agent && who(chat.agent);
  await sql.query(
    `INSERT INTO conversations (id, visitor_id, agent_id, status, opened_at, first_response_at, closed_at, closed_by, close_category, last_seq, department_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [
      chat.id, `v-${chat.id}`, agentId, chat.closed === undefined ? 'open' : 'closed', at(0), firstReply ? at(firstReply[0]) : null,
      chat.closed === undefined ? null : at(chat.closed), chat.closed === undefined ? null : 'visitor', chat.category ?? null, chat.steps.length + 1,
      chat.department ? DEPARTMENTS[chat.department].id : null,
    ],
  );
  const rows: [string, string | null, string, string, object | null, string][] = chat.steps.map((s) => {
    switch (s[1]) {
      case 'visitor': return ['visitor', `v-${chat.id}`, 'text', 'hello', null, at(s[0])];
      case 'agent': return ['agent', who(s[2]), 'text', 'hi', null, at(s[0])];
      case 'queued': return ['system', null, 'event', '', { type: 'queued', position: 1 }, at(s[0])];
      case 'assigned': return ['system', null, 'event', '', { type: 'assigned', agentId: who(s[2]), agentName: s[2] }, at(s[0])];
      case 'transferred': return ['system', null, 'event', '', { type: 'transferred', fromAgentId: who(s[2]), toAgentId: who(s[3]) }, at(s[0])];
      case 'faq_offered': return ['system', null, 'event', '', { type: 'faq_offered', entryId: 'faq-1', question: 'Where is my order?', answer: 'Track it under My orders.' }, at(s[0])];
      case 'faq_declined': return ['system', null, 'event', '', { type: 'faq_declined' }, at(s[0])];
    }
  });
  if (chat.closed !== undefined) {
    rows.push(['system', null, 'event', '', { type: 'closed', by: 'visitor', byId: null, ...(chat.closeReason ? { reason: chat.closeReason } : {}) }, at(chat.closed)]);
  }
  for (const [i, [author, authorId, kind, body, event, createdAt]] of rows.entries()) {
    await sql.query(
      `INSERT INTO messages (conversation_id, seq, author_kind, author_id, kind, body, event, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [chat.id, i + 1, author, authorId, kind, body, event && JSON.stringify(event), createdAt],
    );
  }
  if (chat.rating !== undefined) {
    await sql.query(`INSERT INTO ratings (conversation_id, visitor_id, score, created_at) VALUES ($1, $2, $3, $4)`, [
      chat.id, `v-${chat.id}`, chat.rating, at(chat.closed ?? 0),
    ]);
  }
}

/**
 * Complaints and follow-up tasks (local times): k1 on c2 (Bob's) handled after 10 h; k2 on c5
 * (Ann's) handled after 30 h, so not within 24 h; a follow-up of c5's rating of 2 closed after
 * 47 h 50 min (within 3 days); a left message's follow-up, assigned to Ann, still open.
 */
export const COMPLAINTS = [
  { id: 'k1', conversation: 'c2', created: '2026-03-02T11:06:00', closed: '2026-03-02T21:06:00', agent: 'bob' as const },
  { id: 'k2', conversation: 'c5', created: '2026-03-03T09:20:00', closed: '2026-03-04T15:20:00', agent: 'ann' as const },
];
export const FOLLOW_UPS = [
  { id: 'f3', source: 'rating', sourceId: 'c5', conversation: 'c5', created: '2026-03-03T09:10:00', closed: '2026-03-05T09:00:00', agent: 'ann' as const },
  { id: 'f4', source: 'left_message', sourceId: 'lm1', conversation: null, created: '2026-03-02T15:00:00', closed: null, agent: 'ann' as const },
];

/** Inserts the departments, every chat of the data set (Ann's and Bob's being these users), and the complaints and follow-ups. */
export async function insertReportData(sql: Pick<SqlClient, 'query'>, users: ReportUsers): Promise<void> {
  for (const d of Object.values(DEPARTMENTS)) {
    await sql.query(`INSERT INTO departments (id, name, created_at) VALUES ($1, $2, $3)`, [d.id, d.name, new Date(local('2026-03-01T09:00:00')).toISOString()]);
  }
  for (const c of CHATS) await insertChat(sql, users, c);
  const at = (isoLocal: string | null) => isoLocal && new Date(local(isoLocal)).toISOString();
  const followUp = `INSERT INTO follow_ups (id, source, source_id, conversation_id, visitor_id, assignee_id, subject, created_at, due_at, closed_at)
    VALUES ($1, $2, $3, $4, $5, $6, 'follow up', $7, $7, $8)`;
  for (const k of COMPLAINTS) {
    await sql.query(
      `INSERT INTO complaints (id, conversation_id, category, severity, owner_id, created_by, created_at, due_at) VALUES ($1, $2, 'service', 'medium', $3, $3, $4, $4)`,
      [k.id, k.conversation, users[k.agent].id, at(k.created)],
    );
    await sql.query(followUp, [`f-${k.id}`, 'complaint', k.id, k.conversation, `v-${k.conversation}`, users[k.agent].id, at(k.created), at(k.closed)]);
  }
  for (const f of FOLLOW_UPS) {
    await sql.query(followUp, [f.id, f.source, f.sourceId, f.conversation, `v-${f.conversation ?? 'lm'}`, users[f.agent].id, at(f.created), at(f.closed)]);
  }
}
