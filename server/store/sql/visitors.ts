/** Visitors: first contact, last-seen time, profile and the page context the widget reports. */
import type { PageContext } from '../../../shared/protocol';
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
}

const VISITOR_COLS = 'id, name, email, context, user_agent, created_at, last_seen_at';

const toVisitor = (r: VisitorRow): VisitorRecord => ({
  id: r.id,
  name: r.name,
  email: r.email,
  context: r.context,
  userAgent: r.user_agent,
  createdAt: r.created_at.getTime(),
  lastSeenAt: r.last_seen_at.getTime(),
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

export type VisitorStore = Pick<SqlChatStore, 'touchVisitor' | 'setVisitorProfile' | 'setVisitorContext' | 'getVisitor'>;

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
  };
}
