/**
 * Departments (售前 pre-sales, 售后 after-sales, ...) and which agents belong to them. Routing
 * reads the membership into the presence pool; the store is its source.
 */
import type { DepartmentRef } from '../../../shared/protocol';

export interface DepartmentRecord extends DepartmentRef {
  /** Members' user ids. */
  agentIds: string[];
}

export interface DepartmentRepository {
  /** Every department, by name. */
  listDepartments(): Promise<DepartmentRecord[]>;
  getDepartment(id: string): Promise<DepartmentRecord | null>;
  /** `name_taken` when another department has this name. */
  createDepartment(d: { name: string; at: number }): Promise<{ status: 'created'; department: DepartmentRecord } | { status: 'name_taken' }>;
  renameDepartment(id: string, name: string): Promise<{ status: 'renamed'; department: DepartmentRecord } | { status: 'name_taken' | 'not_found' }>;
  /** Deletes it and every membership; conversations and visitors naming it lose it. The former members, or null when there was none. */
  deleteDepartment(id: string): Promise<string[] | null>;
  /** Each of these users' department ids (users without any are absent). */
  agentDepartments(userIds: string[]): Promise<Map<string, string[]>>;
  /** Replaces the user's departments; `unknown_department` (nothing changed) when an id names none. */
  setAgentDepartments(userId: string, departmentIds: string[]): Promise<'set' | 'unknown_department'>;
}
