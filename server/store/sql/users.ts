/** Team members and their one-time links (invitations and password resets). */
import { randomUUID } from 'node:crypto';
import type { AgentStatus, Role } from '../../../shared/protocol';
import { isUniqueViolation } from './errors';
import { queryOne, ts } from './rows';
import type { AcceptInvitationResult, SqlChatStore, InvitationRecord, NewUser, SqlClient, UserRecord } from './types';

interface UserRow {
  id: string;
  email: string;
  display_name: string;
  role: Role;
  capacity: number;
  active: boolean;
  languages: string[];
  created_at: Date;
  sessions_valid_after: Date | null;
}
interface InvitationRow {
  user_id: string;
  purpose: 'invite' | 'reset';
  created_at: Date;
  expires_at: Date;
  used_at: Date | null;
}

const USER_COLS = 'id, email, display_name, role, capacity, active, languages, created_at, sessions_valid_after';
const INVITATION_COLS = 'user_id, purpose, created_at, expires_at, used_at';

const toUser = (r: UserRow): UserRecord => ({
  id: r.id,
  email: r.email,
  displayName: r.display_name,
  role: r.role,
  capacity: r.capacity,
  active: r.active,
  languages: r.languages,
  createdAt: r.created_at.getTime(),
  sessionsValidAfter: r.sessions_valid_after?.getTime() ?? null,
});

const toInvitation = (r: InvitationRow): InvitationRecord => ({
  userId: r.user_id,
  purpose: r.purpose,
  createdAt: r.created_at.getTime(),
  expiresAt: r.expires_at.getTime(),
  usedAt: r.used_at?.getTime() ?? null,
});

const normEmail = (email: string) => email.trim().toLowerCase();

const INSERT_USER = `INSERT INTO users (id, email, display_name, role, password_hash, capacity, languages, active)
  VALUES ($1, $2, $3, $4, $5, $6, $7::text[], $8) RETURNING ${USER_COLS}`;
const UPSERT_USER = `INSERT INTO users (id, email, display_name, role, password_hash, capacity, languages, active)
  VALUES ($1, $2, $3, $4, $5, $6, $7::text[], $8)
  ON CONFLICT (email) DO UPDATE SET password_hash = EXCLUDED.password_hash, role = EXCLUDED.role
  RETURNING ${USER_COLS}`;
const GET_USER = `SELECT ${USER_COLS} FROM users WHERE id = $1`;
const FIND_USER_BY_EMAIL = `SELECT ${USER_COLS}, password_hash FROM users WHERE email = $1`;
const LIST_USERS = `SELECT ${USER_COLS} FROM users ORDER BY email`;
const SET_CAPACITY = `UPDATE users SET capacity = $2 WHERE id = $1 RETURNING ${USER_COLS}`;
// Null parameters keep the stored value.
const UPDATE_USER = `UPDATE users SET
    display_name = COALESCE($2::text, display_name),
    role = COALESCE($3::text, role),
    languages = COALESCE($4::text[], languages),
    active = COALESCE($5::boolean, active)
  WHERE id = $1 RETURNING ${USER_COLS}`;

// A new link replaces the user's unused ones (one statement: both or neither).
const CREATE_INVITATION = `WITH replaced AS (
  DELETE FROM user_invitations WHERE user_id = $2 AND used_at IS NULL
)
INSERT INTO user_invitations (token_hash, user_id, purpose, created_at, expires_at)
  VALUES ($1, $2, $3, ${ts('$4')}, ${ts('$5')})`;
const GET_INVITATION = `SELECT ${INVITATION_COLS} FROM user_invitations WHERE token_hash = $1`;
// The row lock makes a concurrent second accept wait, then see used_at set.
const LOCK_INVITATION = `SELECT i.user_id, i.purpose, i.created_at, i.expires_at, i.used_at, u.active
  FROM user_invitations i JOIN users u ON u.id = i.user_id WHERE i.token_hash = $1 FOR UPDATE OF i`;
const USE_INVITATION = `UPDATE user_invitations SET used_at = ${ts('$2')} WHERE token_hash = $1`;
// Setting a password ends the sessions opened before it.
const SET_PASSWORD_HASH = `UPDATE users SET password_hash = $2, sessions_valid_after = ${ts('$3')} WHERE id = $1 RETURNING ${USER_COLS}`;

export type UserStore = Pick<
  SqlChatStore,
  | 'createUser' | 'upsertUser' | 'getUser' | 'findUserByEmail' | 'listUsers' | 'setUserCapacity' | 'updateUser'
  | 'setChosenStatus' | 'chosenStatuses'
  | 'createInvitation' | 'getInvitation' | 'acceptInvitation' | 'setPassword'
>;

export function createUserStore({ sql }: { sql: SqlClient }): UserStore {
  const writeUser = async (text: string, u: NewUser) => {
    const row = await queryOne<UserRow>(sql, text, [
      randomUUID(), normEmail(u.email), u.displayName, u.role, u.passwordHash, u.capacity,
      u.languages ?? [], u.active ?? true,
    ]);
    return toUser(row!);
  };

  return {
    async createUser(u) {
      try {
        return { status: 'created', user: await writeUser(INSERT_USER, u) };
      } catch (err) {
        // Another user has this email: an expected outcome.
        if (isUniqueViolation(err)) return { status: 'email_taken' };
        throw err;
      }
    },
    upsertUser: (u) => writeUser(UPSERT_USER, u),
    async getUser(id) {
      const row = await queryOne<UserRow>(sql, GET_USER, [id]);
      return row && toUser(row);
    },
    async findUserByEmail(email) {
      const row = await queryOne<UserRow & { password_hash: string }>(sql, FIND_USER_BY_EMAIL, [normEmail(email)]);
      return row && { ...toUser(row), passwordHash: row.password_hash };
    },
    async listUsers() {
      return (await sql.query<UserRow>(LIST_USERS)).rows.map(toUser);
    },
    async setUserCapacity(id, capacity) {
      const row = await queryOne<UserRow>(sql, SET_CAPACITY, [id, capacity]);
      return row && toUser(row);
    },
    async setChosenStatus(id, status) {
      await sql.query('UPDATE users SET chosen_status = $2 WHERE id = $1', [id, status]);
    },
    async chosenStatuses(ids) {
      if (ids.length === 0) return new Map();
      const { rows } = await sql.query<{ id: string; chosen_status: AgentStatus }>(
        'SELECT id, chosen_status FROM users WHERE id = ANY($1::text[]) AND chosen_status IS NOT NULL',
        [ids],
      );
      return new Map(rows.map((r) => [r.id, r.chosen_status]));
    },
    async updateUser(id, patch) {
      const row = await queryOne<UserRow>(sql, UPDATE_USER, [
        id, patch.displayName ?? null, patch.role ?? null, patch.languages ?? null, patch.active ?? null,
      ]);
      return row && toUser(row);
    },
    async createInvitation(i) {
      await sql.query(CREATE_INVITATION, [i.tokenHash, i.userId, i.purpose, i.at, i.expiresAt]);
    },
    async getInvitation(tokenHash) {
      const row = await queryOne<InvitationRow>(sql, GET_INVITATION, [tokenHash]);
      return row && toInvitation(row);
    },
    async setPassword(id, passwordHash, at) {
      const row = await queryOne<UserRow>(sql, SET_PASSWORD_HASH, [id, passwordHash, at]);
      return row && toUser(row);
    },
    acceptInvitation(tokenHash, passwordHash, at) {
      return sql.transaction(async (tx): Promise<AcceptInvitationResult> => {
        const row = (await tx.query<InvitationRow & { active: boolean }>(LOCK_INVITATION, [tokenHash])).rows[0];
        if (!row) return { outcome: 'invalid' };
        if (row.used_at) return { outcome: 'used' };
        if (row.expires_at.getTime() <= at) return { outcome: 'expired' };
        if (!row.active) return { outcome: 'inactive' };
        await tx.query(USE_INVITATION, [tokenHash, at]);
        const user = (await tx.query<UserRow>(SET_PASSWORD_HASH, [row.user_id, passwordHash, at])).rows[0];
        return { outcome: 'accepted', user: toUser(user) };
      });
    },
  };
}
