/** Visitors: first contact, last-seen time, profile and the page context the widget reports. */
import type { PageContext, VisitorPresenceState } from '../../../shared/protocol';
import type { StoredPresence } from '../../domain/ports/records';
import { queryOne, ts } from './rows';
import type { SqlChatStore, SqlClient, VisitorRecord } from './types';

interface VisitorRow {
  id: string;
  name: string | null;
  email: string | null;
  context: PageContext | null;
  user_agent: string | null;
  created_at: Date;
  last_seen_at: Date;
  presence: VisitorPresenceState | null;
  presence_since: Date | null;
  presence_returned: boolean;
  department_id: string | null;
}

const VISITOR_COLS = 'id, name, email, context, user_agent, created_at, last_seen_at, presence, presence_since, presence_returned, department_id';

const toPresence = (r: Pick<VisitorRow, 'presence' | 'presence_since' | 'presence_returned'>): StoredPresence | null =>
  r.presence && { state: r.presence, since: r.presence_since!.getTime(), returned: r.presence_returned };

const toVisitor = (r: VisitorRow): VisitorRecord => ({
  id: r.id,
  name: r.name,
  email: r.email,
  context: r.context,
  userAgent: r.user_agent,
  createdAt: r.created_at.getTime(),
  lastSeenAt: r.last_seen_at.getTime(),
  presence: toPresence(r),
  departmentId: r.department_id,
});

const TOUCH_VISITOR = `INSERT INTO visitors (id, created_at, last_seen_at) VALUES ($1, ${ts('$2')}, ${ts('$2')})
  ON CONFLICT (id) DO UPDATE SET last_seen_at = GREATEST(visitors.last_seen_at, EXCLUDED.last_seen_at)
  RETURNING name`;
// Omitted fields (null) keep their value. jsonb goes in as text (`::text::jsonb`): PGlite would
// JSON-encode a string bound to a jsonb parameter a second time, pg would not.
const SET_VISITOR_PROFILE = `INSERT INTO visitors (id, created_at, last_seen_at, name, email, tier, tier_expires_at, department_id)
  VALUES ($1, ${ts('$2')}, ${ts('$2')}, $3, $4, $5, ${ts('$6')}, $7)
  ON CONFLICT (id) DO UPDATE SET
    name = COALESCE(EXCLUDED.name, visitors.name),
    email = COALESCE(EXCLUDED.email, visitors.email),
    tier = COALESCE(EXCLUDED.tier, visitors.tier),
    tier_expires_at = COALESCE(EXCLUDED.tier_expires_at, visitors.tier_expires_at),
    department_id = COALESCE(EXCLUDED.department_id, visitors.department_id),
    last_seen_at = GREATEST(visitors.last_seen_at, EXCLUDED.last_seen_at)`;
const SET_VISITOR_CONTEXT = `INSERT INTO visitors (id, created_at, last_seen_at, context, user_agent)
  VALUES ($1, ${ts('$2')}, ${ts('$2')}, $3::text::jsonb, $4)
  ON CONFLICT (id) DO UPDATE SET
    context = EXCLUDED.context,
    user_agent = COALESCE(EXCLUDED.user_agent, visitors.user_agent),
    last_seen_at = GREATEST(visitors.last_seen_at, EXCLUDED.last_seen_at)`;
const GET_VISITOR = `SELECT ${VISITOR_COLS} FROM visitors WHERE id = $1`;
// One statement, so reports from several processes never interleave a read and a write. In SET,
// `visitors.*` are the values before this update.
const SET_VISITOR_PRESENCE = `INSERT INTO visitors (id, created_at, last_seen_at, presence, presence_since)
  VALUES ($1, ${ts('$2')}, ${ts('$2')}, $3, ${ts('$2')})
  ON CONFLICT (id) DO UPDATE SET
    presence_returned = CASE
      WHEN EXCLUDED.presence = 'left' THEN visitors.presence = 'left' AND visitors.presence_returned
      WHEN visitors.presence = 'left' AND EXCLUDED.presence_since - visitors.presence_since >= $4::float8 * interval '1 millisecond' THEN true
      ELSE visitors.presence_returned END,
    presence_since = CASE WHEN visitors.presence IS NOT DISTINCT FROM EXCLUDED.presence THEN visitors.presence_since ELSE EXCLUDED.presence_since END,
    presence = EXCLUDED.presence,
    last_seen_at = GREATEST(visitors.last_seen_at, EXCLUDED.last_seen_at)
  WHERE visitors.last_seen_at <= EXCLUDED.last_seen_at
  RETURNING presence, presence_since, presence_returned`;

export type VisitorStore = Pick<SqlChatStore, 'touchVisitor' | 'setVisitorProfile' | 'setVisitorContext' | 'getVisitor' | 'setVisitorPresence'>;

export function createVisitorStore({ sql }: { sql: SqlClient }): VisitorStore {
  return {
    async touchVisitor(visitorId, at) {
      return (await queryOne<{ name: string | null }>(sql, TOUCH_VISITOR, [visitorId, at]))!;
    },
    async setVisitorProfile(visitorId, profile, at) {
      await sql.query(SET_VISITOR_PROFILE, [
        visitorId, at, profile.name ?? null, profile.email ?? null,
        profile.tier?.tier ?? null, profile.tier?.expiresAt ?? null, profile.departmentId ?? null,
      ]);
    },
    async setVisitorContext(visitorId, context, userAgent, at) {
      await sql.query(SET_VISITOR_CONTEXT, [visitorId, at, JSON.stringify(context), userAgent]);
    },
    async getVisitor(id) {
      const row = await queryOne<VisitorRow>(sql, GET_VISITOR, [id]);
      return row && toVisitor(row);
    },
    async setVisitorPresence(visitorId, state, at, graceMs) {
      const row = await queryOne<VisitorRow>(sql, SET_VISITOR_PRESENCE, [visitorId, at, state, graceMs]);
      return row && toPresence(row);
    },
  };
}
