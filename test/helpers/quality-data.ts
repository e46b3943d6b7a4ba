/**
 * Crafted closed (or open) conversations with chat texts, for the quality review tests
 * (test/integration/quality.test.ts, test/e2e/quality.test.ts): rows inserted straight into the
 * store with chosen times (local to Shanghai, as in report-data.ts), routines' texts under their
 * `auto:` client ids.
 */
import { randomUUID } from 'node:crypto';
import type { TestServer } from './chat';
import { local } from './report-data';

export type Who = 'ann' | 'bob';
type Line = [seconds: number, who: 'v' | 'a' | 'greeting' | 'closing', text: string];
export interface Crafted {
  id: string;
  opened: string;
  agent: Who | null;
  lines: Line[];
  /** Seconds after opening and by whom; absent: still open. */
  closed?: [seconds: number, by: 'agent' | 'visitor'];
  category?: string;
  wrapUpDue?: boolean;
}

/** Inserts one conversation, its assignment, texts and close; `users` are Ann's and Bob's accounts. */
export async function insertCrafted(t: Pick<TestServer, 'sql'>, users: Record<Who, { id: string }>, c: Crafted) {
  const opened = local(c.opened);
  const at = (s: number) => new Date(opened + s * 1000).toISOString();
  const agentId = c.agent && users[c.agent].id;
  const rows: [string, string | null, string, string, string | null, object | null, string][] = [];
  if (agentId) rows.push(['system', null, 'event', '', null, { type: 'assigned', agentId, agentName: c.agent }, at(1)]);
  for (const [s, who, text] of c.lines) {
    if (who === 'v') rows.push(['visitor', `v-${c.id}`, 'text', text, randomUUID(), null, at(s)]);
    else rows.push(['agent', agentId, 'text', text, who === 'a' ? randomUUID() : `auto:${who}:${c.id}`, null, at(s)]);
  }
  if (c.closed) rows.push(['system', null, 'event', '', null, { type: 'closed', by: c.closed[1], byId: null }, at(c.closed[0])]);
  rows.sort((a, b) => a[6].localeCompare(b[6]));
  await t.sql.query(
    `INSERT INTO conversations (id, visitor_id, agent_id, status, opened_at, closed_at, closed_by, close_category, last_seq, wrapup_due_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [c.id, `v-${c.id}`, agentId, c.closed ? 'closed' : 'open', at(0), c.closed ? at(c.closed[0]) : null, c.closed?.[1] ?? null, c.category ?? null, rows.length,
      c.wrapUpDue ? at(3600) : null],
  );
  for (const [i, [author, authorId, kind, body, clientId, event, createdAt]] of rows.entries()) {
    await t.sql.query(
      `INSERT INTO messages (conversation_id, seq, author_kind, author_id, kind, body, client_id, event, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [c.id, i + 1, author, authorId, kind, body, clientId, event && JSON.stringify(event), createdAt],
    );
  }
}

