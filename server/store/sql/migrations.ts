/**
 * Versioned schema migrations. Append new entries; never edit an applied one.
 * Every statement must run unchanged on PGlite and PostgreSQL 15.
 */
import type { SqlClient } from './types';

export interface Migration {
  version: number;
  name: string;
  /** One or more statements, run in the migration transaction. */
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
CREATE TABLE users (
  id            text PRIMARY KEY,
  email         text NOT NULL UNIQUE CHECK (email = lower(email)),
  display_name  text NOT NULL,
  role          text NOT NULL CHECK (role IN ('agent', 'lead')),
  password_hash text NOT NULL,
  capacity      int NOT NULL DEFAULT 5 CHECK (capacity >= 0),
  active        boolean NOT NULL DEFAULT true,
  created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE visitors (
  id           text PRIMARY KEY,
  created_at   timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  name         text,
  email        text
);

-- visitor_id has no foreign key: a conversation may be opened before the visitor row is touched.
CREATE TABLE conversations (
  id                text PRIMARY KEY,
  visitor_id        text NOT NULL,
  agent_id          text REFERENCES users (id),
  status            text NOT NULL CHECK (status IN ('queued', 'open', 'closed')),
  opened_at         timestamptz NOT NULL,
  first_response_at timestamptz,
  closed_at         timestamptz,
  closed_by         text CHECK (closed_by IN ('visitor', 'agent', 'system')),
  closed_by_id      text,
  last_seq          bigint NOT NULL DEFAULT 0,
  CHECK ((status = 'closed') = (closed_at IS NOT NULL)),
  CHECK (status <> 'open' OR agent_id IS NOT NULL)
);
-- At most one active conversation per visitor; openConversation relies on it.
CREATE UNIQUE INDEX conversations_active_visitor_idx ON conversations (visitor_id) WHERE status <> 'closed';
CREATE INDEX conversations_agent_idx ON conversations (agent_id, status);
CREATE INDEX conversations_status_idx ON conversations (status, opened_at);

CREATE TABLE messages (
  conversation_id text NOT NULL REFERENCES conversations (id),
  seq             bigint NOT NULL,
  client_id       text,
  author_kind     text NOT NULL CHECK (author_kind IN ('visitor', 'agent', 'system')),
  author_id       text,
  kind            text NOT NULL CHECK (kind IN ('text', 'note', 'event')),
  body            text NOT NULL,
  event           jsonb,
  created_at      timestamptz NOT NULL,
  PRIMARY KEY (conversation_id, seq),
  -- Idempotency of client retries, per author: a re-send finds its original even when it
  -- went to an earlier (since closed) conversation. NULLs (system events) never collide.
  UNIQUE (author_id, client_id)
);
`,
  },
  {
    version: 2,
    name: 'conversations by visitor',
    // A visitor's past conversations, for their history.
    sql: `CREATE INDEX conversations_visitor_idx ON conversations (visitor_id, opened_at);`,
  },
  {
    version: 3,
    name: 'visitor context, left messages, ratings',
    sql: `
-- What the widget reported last (PageContext, replaced on every report) and the socket's User-Agent.
ALTER TABLE visitors ADD COLUMN context jsonb, ADD COLUMN user_agent text;

-- Leave-a-message submissions (no agent online). context is a copy of the visitor's at the time.
CREATE TABLE left_messages (
  id         text PRIMARY KEY,
  visitor_id text NOT NULL,
  name       text NOT NULL,
  email      text NOT NULL,
  body       text NOT NULL,
  context    jsonb,
  created_at timestamptz NOT NULL,
  handled    boolean NOT NULL DEFAULT false
);
CREATE INDEX left_messages_created_idx ON left_messages (created_at);

-- One rating per conversation, by its visitor; rating again replaces it (created_at is the latest rating's time).
CREATE TABLE ratings (
  conversation_id text PRIMARY KEY REFERENCES conversations (id),
  visitor_id      text NOT NULL,
  score           smallint NOT NULL CHECK (score BETWEEN 1 AND 5),
  comment         text,
  created_at      timestamptz NOT NULL
);
`,
  },
  {
    version: 4,
    name: 'faq entries, demo seed marks',
    sql: `
-- phrasings: other wordings of the question (a JSON array of strings), matched like it.
-- updated_at changes on every write: processes compare a digest of (id, updated_at) to rebuild their match index.
CREATE TABLE faq_entries (
  id         text PRIMARY KEY,
  question   text NOT NULL,
  phrasings  jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(phrasings) = 'array'),
  answer     text NOT NULL,
  language   text NOT NULL CHECK (language IN ('zh-CN', 'en')),
  category   text NOT NULL,
  demo       boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Demo data seeded once per install (name: 'faq', ...): a lead who deletes it does not get it back at the next start.
CREATE TABLE demo_seeds (
  name      text PRIMARY KEY,
  seeded_at timestamptz NOT NULL DEFAULT now()
);
`,
  },
  {
    version: 5,
    name: 'team languages, invitations, canned replies',
    sql: `
ALTER TABLE users ADD COLUMN languages text[] NOT NULL DEFAULT '{}';

-- One-time links to set a password (invitation or reset). Only the sha256 of the token is kept.
CREATE TABLE user_invitations (
  token_hash text PRIMARY KEY,
  user_id    text NOT NULL REFERENCES users (id),
  purpose    text NOT NULL CHECK (purpose IN ('invite', 'reset')),
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at    timestamptz
);
CREATE INDEX user_invitations_user_idx ON user_invitations (user_id);

-- Conversation lists, newest first, for everyone and per agent (keyset pagination).
CREATE INDEX conversations_opened_idx ON conversations (opened_at, id);
CREATE INDEX conversations_agent_opened_idx ON conversations (agent_id, opened_at, id);

-- owner_id null: a team reply (leads edit it); otherwise the owner's personal reply.
CREATE TABLE canned_replies (
  id         text PRIMARY KEY,
  shortcut   text NOT NULL,
  title      text NOT NULL,
  body       text NOT NULL,
  language   text NOT NULL,
  tags       jsonb NOT NULL DEFAULT '[]',
  owner_id   text REFERENCES users (id),
  demo       boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX canned_replies_team_shortcut_idx ON canned_replies (lower(shortcut)) WHERE owner_id IS NULL;
CREATE UNIQUE INDEX canned_replies_personal_shortcut_idx ON canned_replies (owner_id, lower(shortcut)) WHERE owner_id IS NOT NULL;
-- Bumped by every write in the same statement: processes compare it to rebuild their search index.
CREATE TABLE canned_reply_version (
  id      boolean PRIMARY KEY DEFAULT true CHECK (id),
  version bigint NOT NULL
);
INSERT INTO canned_reply_version (version) VALUES (0);
`,
  },
  {
    version: 6,
    name: 'close category and summary',
    sql: `
ALTER TABLE conversations ADD COLUMN close_category text;
ALTER TABLE conversations ADD COLUMN close_summary text;
`,
  },
  {
    version: 7,
    name: 'append_messages: the group-commit statement as a function with a cached plan',
    // The statement chat-store.ts sent as text before, unchanged in meaning (replaced by version
    // 8). As a PL/pgSQL function its plan is made once per session instead of per batch:
    // parsing and planning the seven-part statement was most of a small batch's cost in PGlite.
    sql: `
CREATE FUNCTION append_messages(
  conversation_ids text[], client_ids text[], author_kinds text[], author_ids text[],
  kinds text[], bodies text[], events text[], at_ms float8[]
) RETURNS TABLE (ord int, seq bigint, stored boolean) LANGUAGE plpgsql AS $fn$
#variable_conflict use_column
BEGIN
  RETURN QUERY
  WITH input AS (
    SELECT * FROM unnest(conversation_ids, client_ids, author_kinds, author_ids, kinds, bodies, events, at_ms)
      WITH ORDINALITY AS t(conversation_id, client_id, author_kind, author_id, kind, body, event, at_ms, ord)
  ), counts AS (
    SELECT i.conversation_id AS id, count(*) AS n FROM input i GROUP BY i.conversation_id
  ), locked AS (
    SELECT c.id, k.n FROM conversations c JOIN counts k ON k.id = c.id
    WHERE c.status <> 'closed' ORDER BY c.id FOR UPDATE OF c
  ), bumped AS (
    UPDATE conversations c SET last_seq = c.last_seq + l.n FROM locked l WHERE c.id = l.id
    RETURNING c.id, c.last_seq - l.n AS base
  ), numbered AS (
    SELECT i.ord, i.conversation_id,
           b.base + row_number() OVER (PARTITION BY i.conversation_id ORDER BY i.ord) AS seq,
           i.client_id, i.author_kind, i.author_id, i.kind, i.body, i.event, i.at_ms
    FROM input i JOIN bumped b ON b.id = i.conversation_id
  ), ins AS (
    INSERT INTO messages AS m (conversation_id, seq, client_id, author_kind, author_id, kind, body, event, created_at)
    SELECT n.conversation_id, n.seq, n.client_id, n.author_kind, n.author_id, n.kind, n.body, n.event::jsonb, to_timestamp(n.at_ms / 1000)
    FROM numbered n
    ON CONFLICT (author_id, client_id) DO NOTHING
    RETURNING m.conversation_id, m.seq
  )
  SELECT n.ord::int, n.seq, ins.seq IS NOT NULL
  FROM numbered n LEFT JOIN ins ON ins.conversation_id = n.conversation_id AND ins.seq = n.seq;
END
$fn$;
`,
  },
  {
    version: 8,
    name: 'append_messages: a duplicate takes no seq',
    // Version 7 bumped last_seq for every input row, duplicates too, so each re-send of a
    // stored clientId burned a seq: gaps, and last_seq ahead of the newest message. Now the
    // open conversations are locked first, in a statement of their own. The next statement
    // (a fresh snapshot, after the locks) writes the batch as version 7 did, assuming every
    // row is new: ON CONFLICT sees any stored (author, clientId), committed before or while
    // the batch waited. Only if a duplicate took a seq is the batch undone (the locks are
    // still held) and written again with duplicates filtered out first. Filtering on every
    // batch cost 1.5x per message in PGlite (bench/README.md); duplicates are rare.
    sql: `
CREATE OR REPLACE FUNCTION append_messages(
  conversation_ids text[], client_ids text[], author_kinds text[], author_ids text[],
  kinds text[], bodies text[], events text[], at_ms float8[]
) RETURNS TABLE (ord int, seq bigint, stored boolean) LANGUAGE plpgsql AS $fn$
#variable_conflict use_column
DECLARE
  open_ids text[];
  r_ord int[];
  r_seq bigint[];
  r_stored boolean[];
BEGIN
  -- In id order, so two batches touching the same conversations cannot deadlock. A closed
  -- (or missing) conversation is not locked and takes nothing: its rows yield no output.
  SELECT array_agg(l.id) INTO open_ids FROM (
    SELECT c.id FROM conversations c
    WHERE c.id = ANY (conversation_ids) AND c.status <> 'closed'
    ORDER BY c.id FOR UPDATE OF c
  ) l;

  -- Fast path: every row is new. ON CONFLICT sees any stored (author, clientId), committed
  -- before or while this batch waited for its locks, so a duplicate shows as stored = false.
  WITH input AS (
    SELECT t.* FROM unnest(conversation_ids, client_ids, author_kinds, author_ids, kinds, bodies, events, at_ms)
      WITH ORDINALITY AS t(conversation_id, client_id, author_kind, author_id, kind, body, event, at_ms, ord)
    WHERE t.conversation_id = ANY (open_ids)
  ), counts AS (
    SELECT i.conversation_id AS id, count(*) AS n FROM input i GROUP BY i.conversation_id
  ), bumped AS (
    UPDATE conversations c SET last_seq = c.last_seq + k.n FROM counts k WHERE c.id = k.id
    RETURNING c.id, c.last_seq - k.n AS base
  ), numbered AS (
    SELECT i.ord, i.conversation_id,
           b.base + row_number() OVER (PARTITION BY i.conversation_id ORDER BY i.ord) AS seq,
           i.client_id, i.author_kind, i.author_id, i.kind, i.body, i.event, i.at_ms
    FROM input i JOIN bumped b ON b.id = i.conversation_id
  ), ins AS (
    INSERT INTO messages AS m (conversation_id, seq, client_id, author_kind, author_id, kind, body, event, created_at)
    SELECT n.conversation_id, n.seq, n.client_id, n.author_kind, n.author_id, n.kind, n.body, n.event::jsonb, to_timestamp(n.at_ms / 1000)
    FROM numbered n
    ON CONFLICT (author_id, client_id) DO NOTHING
    RETURNING m.conversation_id, m.seq
  )
  SELECT array_agg(n.ord::int), array_agg(n.seq), array_agg(ins.seq IS NOT NULL)
  INTO r_ord, r_seq, r_stored
  FROM numbered n LEFT JOIN ins ON ins.conversation_id = n.conversation_id AND ins.seq = n.seq;

  IF r_ord IS NULL OR NOT (false = ANY (r_stored)) THEN
    RETURN QUERY SELECT u.o, u.s, u.st FROM unnest(r_ord, r_seq, r_stored) AS u(o, s, st);
    RETURN;
  END IF;

  -- A duplicate took a seq: undo the batch (the locks are still held, so nothing else was
  -- written to these conversations since) and write it again without the duplicates.
  DELETE FROM messages m USING unnest(r_ord, r_seq, r_stored) AS u(o, s, st)
  WHERE u.st AND m.conversation_id = conversation_ids[u.o] AND m.seq = u.s;
  UPDATE conversations c SET last_seq = c.last_seq - k.n
  FROM (SELECT conversation_ids[u.o] AS id, count(*) AS n FROM unnest(r_ord) AS u(o) GROUP BY 1) k
  WHERE c.id = k.id;

  RETURN QUERY
  WITH input AS (
    SELECT t.* FROM unnest(conversation_ids, client_ids, author_kinds, author_ids, kinds, bodies, events, at_ms)
      WITH ORDINALITY AS t(conversation_id, client_id, author_kind, author_id, kind, body, event, at_ms, ord)
    WHERE t.conversation_id = ANY (open_ids)
  ), unseen AS (
    SELECT i.*, row_number() OVER (PARTITION BY i.author_id, i.client_id ORDER BY i.ord) AS nth
    FROM input i
    LEFT JOIN LATERAL (
      SELECT 1 AS hit FROM messages m WHERE m.author_id = i.author_id AND m.client_id = i.client_id LIMIT 1
    ) d ON true
    WHERE d.hit IS NULL
  ), fresh AS (
    SELECT u.* FROM unseen u WHERE u.nth = 1 OR u.author_id IS NULL OR u.client_id IS NULL
  ), counts AS (
    SELECT f.conversation_id AS id, count(*) AS n FROM fresh f GROUP BY f.conversation_id
  ), bumped AS (
    UPDATE conversations c SET last_seq = c.last_seq + k.n FROM counts k WHERE c.id = k.id
    RETURNING c.id, c.last_seq - k.n AS base
  ), numbered AS (
    SELECT f.ord, f.conversation_id,
           b.base + row_number() OVER (PARTITION BY f.conversation_id ORDER BY f.ord) AS seq,
           f.client_id, f.author_kind, f.author_id, f.kind, f.body, f.event, f.at_ms
    FROM fresh f JOIN bumped b ON b.id = f.conversation_id
  ), ins AS (
    INSERT INTO messages AS m (conversation_id, seq, client_id, author_kind, author_id, kind, body, event, created_at)
    SELECT n.conversation_id, n.seq, n.client_id, n.author_kind, n.author_id, n.kind, n.body, n.event::jsonb, to_timestamp(n.at_ms / 1000)
    FROM numbered n
    ON CONFLICT (author_id, client_id) DO NOTHING
    RETURNING m.conversation_id, m.seq
  )
  SELECT i.ord::int, ins.seq, ins.seq IS NOT NULL
  FROM input i
  LEFT JOIN numbered n ON n.ord = i.ord
  LEFT JOIN ins ON ins.conversation_id = n.conversation_id AND ins.seq = n.seq;
END
$fn$;
`,
  },
  {
    version: 9,
    name: 'users: sessions valid after (a password set ends earlier sessions)',
    sql: `ALTER TABLE users ADD COLUMN sessions_valid_after timestamptz;`,
  },
  {
    version: 10,
    name: 'settings: the team settings a lead edits, one row per key',
    sql: `
CREATE TABLE settings (
  key        text PRIMARY KEY,
  value      jsonb NOT NULL,
  updated_by text,
  updated_at timestamptz NOT NULL DEFAULT now()
);`,
  },
  {
    version: 11,
    name: 'floor figures: conversations by close time, ratings by time',
    // Today's closed, missed and rated counts on the lead's floor read only today's rows.
    sql: `
CREATE INDEX conversations_closed_idx ON conversations (closed_at) WHERE closed_at IS NOT NULL;
CREATE INDEX ratings_created_idx ON ratings (created_at);
`,
  },
  {
    version: 12,
    name: 'left messages inbox: status, assignee, answer; transcript search indexes',
    sql: `
-- Each left message is open, answered or closed. handled (never set) is superseded by status.
-- An answer becomes a closed conversation of the visitor (conversation_id) holding the left
-- message and the answer, which the widget shows the shopper on their next session:sync.
ALTER TABLE left_messages
  ADD COLUMN status          text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'answered', 'closed')),
  ADD COLUMN assignee_id     text REFERENCES users (id),
  ADD COLUMN answer          text,
  ADD COLUMN answered_by     text REFERENCES users (id),
  ADD COLUMN answered_at     timestamptz,
  ADD COLUMN closed_at       timestamptz,
  ADD COLUMN conversation_id text REFERENCES conversations (id),
  ADD CONSTRAINT left_messages_answered_check CHECK (status <> 'answered' OR (answer IS NOT NULL AND answered_at IS NOT NULL));
UPDATE left_messages SET status = 'closed', closed_at = created_at WHERE handled;
-- The inbox, newest first: everyone's by status, an agent's by assignee and status.
CREATE INDEX left_messages_status_idx ON left_messages (status, created_at, id);
CREATE INDEX left_messages_assignee_idx ON left_messages (assignee_id, status, created_at, id);
-- The answer a visitor has not yet replaced with a newer conversation (session:sync).
CREATE INDEX left_messages_visitor_answer_idx ON left_messages (visitor_id, answered_at) WHERE conversation_id IS NOT NULL;
-- Transcript search joins an answer's conversation to the name and email the shopper typed.
CREATE INDEX left_messages_conversation_idx ON left_messages (conversation_id) WHERE conversation_id IS NOT NULL;

-- Transcript search: filters narrow conversations by these before any message text is scanned.
CREATE INDEX conversations_category_idx ON conversations (close_category, opened_at) WHERE close_category IS NOT NULL;
CREATE INDEX ratings_score_idx ON ratings (score);
`,
  },
  {
    version: 13,
    name: 'users: chosen status (an agent is back in the status they chose after a restart)',
    sql: `ALTER TABLE users ADD COLUMN chosen_status text CHECK (chosen_status IN ('online', 'away', 'offline'));`,
  },
  {
    version: 14,
    name: 'messages: auto, sent by a routine in the agent\'s name (greeting, closing text, idle prompt)',
    // Derived from the client id the routine gives it ('auto:' prefix, refused from clients), so
    // the flag is written in the same insert as the message, whichever path appends it.
    sql: `ALTER TABLE messages ADD COLUMN auto boolean GENERATED ALWAYS AS (coalesce(client_id LIKE 'auto:%', false)) STORED;`,
  },
  {
    version: 15,
    name: 'conversations: wrap-up of a chat the visitor ended (due while the agent has not filed it; ended when filed or expired)',
    sql: `
ALTER TABLE conversations ADD COLUMN wrapup_due_at timestamptz, ADD COLUMN wrapup_ended_at timestamptz;
CREATE INDEX conversations_wrapup_due_idx ON conversations (wrapup_due_at) WHERE wrapup_due_at IS NOT NULL;
`,
  },
  {
    version: 16,
    name: 'complaints (one per conversation) and follow-up tasks (one per complaint, low rating or left message)',
    sql: `
CREATE TABLE complaints (
  id              text PRIMARY KEY,
  conversation_id text NOT NULL UNIQUE REFERENCES conversations(id),
  category        text NOT NULL,
  severity        text NOT NULL CHECK (severity IN ('low', 'medium', 'high')),
  owner_id        text REFERENCES users(id),
  created_by      text NOT NULL,
  created_at      timestamptz NOT NULL,
  due_at          timestamptz NOT NULL
);
CREATE TABLE follow_ups (
  id              text PRIMARY KEY,
  source          text NOT NULL CHECK (source IN ('complaint', 'rating', 'left_message')),
  source_id       text NOT NULL,
  conversation_id text,
  visitor_id      text NOT NULL,
  assignee_id     text REFERENCES users(id),
  subject         text NOT NULL,
  created_at      timestamptz NOT NULL,
  due_at          timestamptz NOT NULL,
  closed_at       timestamptz,
  outcome         text,
  UNIQUE (source, source_id)
);
CREATE INDEX follow_ups_open_due_idx ON follow_ups (due_at) WHERE closed_at IS NULL;
`,
  },
  {
    version: 17,
    name: 'reports: per-conversation facts of closed conversations',
    // Filled by the report reads (store/sql/reports.ts) for closed conversations that have none
    // yet, so the message path writes nothing more; a closed conversation's facts never change
    // (its rating is joined at read time).
    sql: `
CREATE TABLE conversation_facts (
  conversation_id   text PRIMARY KEY REFERENCES conversations (id),
  agent_id          text,
  category          text,
  opened_at         timestamptz NOT NULL,
  closed_at         timestamptz NOT NULL,
  queue_wait_ms     bigint,
  first_response_ms bigint,
  reaction_ms       bigint,
  handling_ms       bigint,
  transferred       boolean NOT NULL,
  reply_ms          bigint[] NOT NULL
);
CREATE INDEX conversation_facts_closed_idx ON conversation_facts (closed_at);
CREATE INDEX conversation_facts_agent_idx ON conversation_facts (agent_id, closed_at);
`,
  },
  {
    version: 18,
    name: 'departments, agent membership; visitor tier and department; conversation priority and department',
    // A conversation's priority is a bit set (1: the visitor's proven VIP tier, 2: a complaint),
    // higher first in the queue. Its department is the visitor's when it opened, or the one it
    // was transferred to; a deleted department leaves it unbound.
    sql: `
CREATE TABLE departments (
  id         text PRIMARY KEY,
  name       text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL
);
CREATE TABLE agent_departments (
  user_id       text NOT NULL REFERENCES users (id),
  department_id text NOT NULL REFERENCES departments (id) ON DELETE CASCADE,
  PRIMARY KEY (user_id, department_id)
);
ALTER TABLE visitors
  ADD COLUMN tier text,
  ADD COLUMN tier_expires_at timestamptz,
  ADD COLUMN department_id text REFERENCES departments (id) ON DELETE SET NULL;
ALTER TABLE conversations
  ADD COLUMN priority int NOT NULL DEFAULT 0,
  ADD COLUMN department_id text REFERENCES departments (id) ON DELETE SET NULL;
`,
  },
  {
    version: 19,
    name: 'visitors: presence on the page (on_page, hidden, left), since when, and whether they came back',
    // Shared by every process through the database: visitors and agents may be on different ones.
    sql: `
ALTER TABLE visitors ADD COLUMN presence text CHECK (presence IN ('on_page', 'hidden', 'left'));
ALTER TABLE visitors ADD COLUMN presence_since timestamptz;
ALTER TABLE visitors ADD COLUMN presence_returned boolean NOT NULL DEFAULT false;
`,
  },
  {
    version: 20,
    name: 'quality review: automatic scores of closed conversations, leads\' reviews',
    // Scores are written by the quality reads (store/sql/quality.ts) for settled closed
    // conversations that have none, so the close path writes nothing more. agent_id and
    // closed_at are copies (final once closed), so the per-agent report reads these tables alone.
    sql: `
CREATE TABLE conversation_quality (
  conversation_id text PRIMARY KEY REFERENCES conversations (id),
  agent_id        text,
  closed_at       timestamptz NOT NULL,
  settled_at      timestamptz NOT NULL,
  score           smallint NOT NULL CHECK (score BETWEEN 0 AND 100),
  failed          text[] NOT NULL,
  findings        jsonb NOT NULL,
  scored_at       timestamptz NOT NULL
);
CREATE INDEX conversation_quality_closed_idx ON conversation_quality (closed_at);
CREATE INDEX conversation_quality_agent_idx ON conversation_quality (agent_id, closed_at);
CREATE INDEX conversation_quality_settled_idx ON conversation_quality (settled_at);
-- Which closed conversations became final (closed, or their wrap-up ended) since a time. Not
-- partial: PostgreSQL keeps statistics only for whole expression indexes, and without them the
-- planner guesses a third of the table is recent and hashes every score.
CREATE INDEX conversations_settled_idx ON conversations ((coalesce(wrapup_ended_at, closed_at)));

-- One review per conversation, by a lead; saving again replaces it.
CREATE TABLE quality_reviews (
  conversation_id text PRIMARY KEY REFERENCES conversations (id),
  agent_id        text,
  closed_at       timestamptz NOT NULL,
  reviewer_id     text NOT NULL REFERENCES users (id),
  score           smallint NOT NULL CHECK (score BETWEEN 0 AND 100),
  comment         text NOT NULL,
  reviewed_at     timestamptz NOT NULL
);
CREATE INDEX quality_reviews_closed_idx ON quality_reviews (closed_at);
CREATE INDEX quality_reviews_agent_idx ON quality_reviews (agent_id, closed_at);
`,
  },
  {
    version: 21,
    name: 'reports: daily and monthly roll-ups of the facts, the rating in the facts, marks of changed conversations',
    // Maintained by the report reads (store/sql/reports.ts): a refresh subtracts a conversation's
    // old cells and adds its new ones in one transaction, so the roll-ups always equal the sum of
    // the facts' cells. Existing facts are dropped so the first refresh rebuilds them with ratings.
    sql: `
DELETE FROM conversation_facts;
ALTER TABLE conversation_facts ADD COLUMN score smallint;
-- One row per (who, day or month in the site's zone, group, metric, duration bucket): n values summing to total.
CREATE TABLE report_rollups (
  dim    char(1) NOT NULL CHECK (dim IN ('t', 'a', 'c')),
  grain  char(1) NOT NULL CHECK (grain IN ('d', 'm')),
  period date NOT NULL,
  key    text NOT NULL,
  metric smallint NOT NULL,
  bucket int NOT NULL,
  n      int NOT NULL,
  total  bigint NOT NULL,
  PRIMARY KEY (dim, grain, period, key, metric, bucket)
);
-- The zone the roll-ups' days are in; another zone rebuilds them.
CREATE TABLE report_rollup_zone (
  id        boolean PRIMARY KEY CHECK (id),
  time_zone text NOT NULL
);
-- Closed conversations whose facts changed (category filed, rating) since they were counted.
CREATE TABLE report_dirty (conversation_id text PRIMARY KEY);
-- The complaint and follow-up service levels read these by registration / creation time.
CREATE INDEX complaints_created_idx ON complaints (created_at);
CREATE INDEX follow_ups_created_idx ON follow_ups (created_at);
`,
  },
  {
    version: 22,
    name: 'settings: close categories named by the lead (the chosen built-in ones first, the others kept as removed)',
    // Before: the ids of the built-in categories offered, e.g. ["order","complaint"]. After: every
    // built-in one with its names (shared/settings.ts BUILT_IN_CATEGORIES), those not chosen
    // marked removed so conversations filed under them keep a name. A fresh team has no row here.
    sql: `
WITH builtin (id, en, zh, pos) AS (
  VALUES ('inquiry', 'Inquiry', '咨询', 1), ('complaint', 'Complaint', '投诉', 2), ('order', 'Order', '订单', 3),
         ('after_sales', 'After-sales', '售后', 4), ('other', 'Other', '其他', 5)
)
UPDATE settings s SET value = (
  SELECT jsonb_agg(jsonb_build_object('id', b.id, 'name', jsonb_build_object('en', b.en, 'zh-CN', b.zh), 'removed', chosen.ord IS NULL)
                   ORDER BY chosen.ord NULLS LAST, b.pos)
  FROM builtin b LEFT JOIN jsonb_array_elements_text(s.value) WITH ORDINALITY AS chosen (id, ord) ON chosen.id = b.id
)
WHERE s.key = 'closeCategories' AND jsonb_typeof(s.value -> 0) = 'string';
`,
  },
  {
    version: 23,
    name: 'reports: department, FAQ self-service and rating offered in the facts; roll-ups per department',
    // The facts gain the department a chat closed in, whether the FAQ offered an answer and
    // solved it, and whether a rating was offered. Facts, roll-ups and their zone are emptied, so
    // every closed conversation is counted again with the new columns, in the background.
    sql: `
DELETE FROM report_rollups;
DELETE FROM report_rollup_zone;
DELETE FROM conversation_facts;
ALTER TABLE conversation_facts
  ADD COLUMN department_id text,
  ADD COLUMN self_served boolean NOT NULL DEFAULT false,
  ADD COLUMN rating_offered boolean NOT NULL DEFAULT false,
  ADD COLUMN faq_offered boolean NOT NULL DEFAULT false;
ALTER TABLE report_rollups DROP CONSTRAINT report_rollups_dim_check;
ALTER TABLE report_rollups ADD CONSTRAINT report_rollups_dim_check CHECK (dim IN ('t', 'a', 'c', 'd'));
`,
  },
  {
    version: 24,
    name: 'reports: room in the roll-ups\' pages for in-place updates; counted again in the background',
    // A step adds to existing roll-up rows (INSERT … ON CONFLICT DO UPDATE). With free space on
    // the page, and n and total not indexed, such an update is a HOT one: no new index entry,
    // and the old version is pruned on the page without a VACUUM (PGlite has no autovacuum).
    // The fill factor applies to pages written from now on: forgetting the zone makes the next
    // step empty facts and roll-ups and count them again, in the background (docs/reports.md).
    sql: `
ALTER TABLE report_rollups SET (fillfactor = 70);
DELETE FROM report_rollup_zone;
`,
  },
  {
    version: 25,
    name: 'reports: weekly roll-ups beside the daily and monthly ones',
    // A year by week read 365 daily rows per figure and bucket; whole weeks now come from weekly
    // rows (store/sql/rollup-segments.ts). Forgetting the zone makes the steps count every
    // closed conversation again, weeks included, in the background.
    sql: `
ALTER TABLE report_rollups DROP CONSTRAINT report_rollups_grain_check;
ALTER TABLE report_rollups ADD CONSTRAINT report_rollups_grain_check CHECK (grain IN ('d', 'w', 'm'));
DELETE FROM report_rollups;
DELETE FROM report_rollup_zone;
`,
  },
];

/** Arbitrary constant naming "schema migration" among this database's advisory locks. */
const MIGRATION_LOCK_KEY = 7_349_201_116;

/**
 * Applies pending migrations in one transaction. The advisory lock serialises
 * processes starting at once: the second waits, then sees every version applied.
 * Taken before `CREATE TABLE IF NOT EXISTS`, which itself races on the catalog.
 */
export async function migrate(sql: SqlClient, migrations: readonly Migration[] = MIGRATIONS): Promise<void> {
  await sql.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`);
    await tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version    int PRIMARY KEY,
      name       text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await tx.query<{ version: number }>('SELECT version FROM schema_migrations');
    const applied = new Set(rows.map((r) => r.version));
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (applied.has(m.version)) continue;
      await tx.query(m.sql);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
    }
  });
}
