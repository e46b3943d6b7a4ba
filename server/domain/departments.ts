/**
 * Departments (售前 pre-sales, 售后 after-sales, ...): a lead names them and says which agents
 * belong to each. Every change of an agent's membership reaches the presence pool, which
 * routes conversations waiting for a department to its members.
 */
import { AppError } from '../errors';
import type { Logger } from '../logger';
import type { Clock } from './clock';
import type { UserRepository } from './ports/chat-store';
import type { DepartmentRepository } from './ports/departments';

export interface DepartmentServiceDeps {
  store: DepartmentRepository & Pick<UserRepository, 'getUser'>;
  clock: Clock;
  logger: Logger;
  /** The agent's membership changed in the store (the chat service tells the pool). */
  membershipChanged(agentId: string): Promise<void>;
}

export type DepartmentService = ReturnType<typeof createDepartmentService>;

export function createDepartmentService(deps: DepartmentServiceDeps) {
  const { store, clock } = deps;
  const log = deps.logger.child({ module: 'departments' });

  return {
    list: () => store.listDepartments(),

    async create(name: string) {
      const r = await store.createDepartment({ name, at: clock.now() });
      if (r.status === 'name_taken') throw new AppError('DEPARTMENT_NAME_TAKEN');
      log.info({ departmentId: r.department.id }, 'department created');
      return r.department;
    },

    async rename(id: string, name: string) {
      const r = await store.renameDepartment(id, name);
      if (r.status !== 'renamed') throw new AppError(r.status === 'name_taken' ? 'DEPARTMENT_NAME_TAKEN' : 'DEPARTMENT_NOT_FOUND');
      return r.department;
    },

    /** Conversations waiting for it may go to any agent once their overflow time comes. */
    async remove(id: string) {
      const members = await store.deleteDepartment(id);
      if (members === null) throw new AppError('DEPARTMENT_NOT_FOUND');
      log.info({ departmentId: id, members: members.length }, 'department deleted');
      await Promise.all(members.map((agentId) => deps.membershipChanged(agentId)));
    },

    /** Replaces a user's departments (duplicates dropped); returns them. */
    async setAgentDepartments(userId: string, departmentIds: string[]) {
      if (!(await store.getUser(userId))) throw new AppError('USER_NOT_FOUND');
      const ids = [...new Set(departmentIds)].sort();
      if ((await store.setAgentDepartments(userId, ids)) === 'unknown_department') throw new AppError('DEPARTMENT_NOT_FOUND');
      await deps.membershipChanged(userId);
      return ids;
    },
  };
}
