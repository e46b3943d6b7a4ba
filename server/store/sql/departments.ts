/** Departments and their members (migration 18). */
import { randomUUID } from 'node:crypto';
import type { DepartmentRecord, DepartmentRepository } from '../../domain/ports/departments';
import { queryOne, ts } from './rows';
import type { SqlClient } from './types';

interface DepartmentRow {
  id: string;
  name: string;
  agent_ids: string[] | null;
}

const toDepartment = (r: DepartmentRow): DepartmentRecord => ({ id: r.id, name: r.name, agentIds: r.agent_ids ?? [] });

const SELECT = `SELECT d.id, d.name,
    (SELECT array_agg(a.user_id ORDER BY a.user_id) FROM agent_departments a WHERE a.department_id = d.id) AS agent_ids
  FROM departments d`;
// A unique violation is the expected outcome of a taken name: ON CONFLICT turns it into no row.
const INSERT = `INSERT INTO departments (id, name, created_at) VALUES ($1, $2, ${ts('$3')})
  ON CONFLICT (name) DO NOTHING RETURNING id, name, NULL::text[] AS agent_ids`;
const NAME_TAKEN = 'SELECT 1 FROM departments WHERE name = $1 AND id <> $2';
const RENAME = 'UPDATE departments SET name = $2 WHERE id = $1 RETURNING id';
const MEMBERS = 'SELECT user_id FROM agent_departments WHERE department_id = $1';
// Memberships go with the department (ON DELETE CASCADE); visitors and conversations lose it (SET NULL).
const DELETE = 'DELETE FROM departments WHERE id = $1 RETURNING id';
const OF_USERS = 'SELECT user_id, department_id FROM agent_departments WHERE user_id = ANY($1::text[]) ORDER BY department_id';
const KNOWN = 'SELECT count(*)::int AS n FROM departments WHERE id = ANY($1::text[])';

export function createDepartmentStore({ sql }: { sql: SqlClient }): DepartmentRepository {
  const get = async (id: string) => {
    const row = await queryOne<DepartmentRow>(sql, `${SELECT} WHERE d.id = $1`, [id]);
    return row && toDepartment(row);
  };
  return {
    async listDepartments() {
      return (await sql.query<DepartmentRow>(`${SELECT} ORDER BY d.name`)).rows.map(toDepartment);
    },
    getDepartment: get,
    async createDepartment({ name, at }) {
      const row = await queryOne<DepartmentRow>(sql, INSERT, [randomUUID(), name, at]);
      return row ? { status: 'created', department: toDepartment(row) } : { status: 'name_taken' };
    },
    async renameDepartment(id, name) {
      if (await queryOne(sql, NAME_TAKEN, [name, id])) return { status: 'name_taken' };
      try {
        if (!(await queryOne(sql, RENAME, [id, name]))) return { status: 'not_found' };
      } catch (err) {
        // A concurrent rename or create took the name between the check and the update.
        if ((err as { code?: string }).code === '23505') return { status: 'name_taken' };
        throw err;
      }
      return { status: 'renamed', department: (await get(id))! };
    },
    async deleteDepartment(id) {
      return sql.transaction(async (tx) => {
        const members = (await tx.query<{ user_id: string }>(MEMBERS, [id])).rows.map((r) => r.user_id);
        const gone = (await tx.query(DELETE, [id])).rows.length > 0;
        return gone ? members : null;
      });
    },
    async agentDepartments(userIds) {
      const out = new Map<string, string[]>();
      if (userIds.length === 0) return out;
      for (const r of (await sql.query<{ user_id: string; department_id: string }>(OF_USERS, [userIds])).rows) {
        out.set(r.user_id, [...(out.get(r.user_id) ?? []), r.department_id]);
      }
      return out;
    },
    async setAgentDepartments(userId, departmentIds) {
      const ids = [...new Set(departmentIds)];
      return sql.transaction(async (tx) => {
        const { n } = (await tx.query<{ n: number }>(KNOWN, [ids])).rows[0];
        if (n !== ids.length) return 'unknown_department' as const;
        await tx.query('DELETE FROM agent_departments WHERE user_id = $1', [userId]);
        if (ids.length) {
          await tx.query(
            'INSERT INTO agent_departments (user_id, department_id) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING',
            [userId, ids],
          );
        }
        return 'set' as const;
      });
    },
  };
}
