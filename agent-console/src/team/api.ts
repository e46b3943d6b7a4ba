/** The lead's team calls (shared/rest.ts §9.3). */
import type {
  AgentDepartmentsRequest,
  AgentDepartmentsResponse,
  DepartmentRequest,
  DepartmentResponse,
  DepartmentsResponse,
  CreateUserRequest,
  CreateUserResponse,
  MemberResponse,
  MemberView,
  PatchUserRequest,
  ResetPasswordResponse,
} from '../../../shared/rest';
import type { Api } from '../api';

const user = (id: string) => `/users/${encodeURIComponent(id)}`;

export const teamApi = (api: Api) => ({
  /** As a lead, `GET /users` answers full member records. */
  list: () => api.request<{ users: MemberView[] }>('GET', '/users'),
  invite: (body: CreateUserRequest) => api.request<CreateUserResponse>('POST', '/users', body),
  update: (id: string, patch: PatchUserRequest) => api.request<MemberResponse>('PATCH', user(id), patch),
  resetPassword: (id: string) => api.request<ResetPasswordResponse>('POST', `${user(id)}/reset-password`),
  departments: () => api.request<DepartmentsResponse>('GET', '/departments'),
  addDepartment: (name: string) => api.request<DepartmentResponse>('POST', '/departments', { name } satisfies DepartmentRequest),
  renameDepartment: (id: string, name: string) =>
    api.request<DepartmentResponse>('PATCH', `/departments/${encodeURIComponent(id)}`, { name } satisfies DepartmentRequest),
  deleteDepartment: (id: string) => api.request<void>('DELETE', `/departments/${encodeURIComponent(id)}`),
  setDepartments: (id: string, departmentIds: string[]) =>
    api.request<AgentDepartmentsResponse>('PUT', `${user(id)}/departments`, { departmentIds } satisfies AgentDepartmentsRequest),
});
