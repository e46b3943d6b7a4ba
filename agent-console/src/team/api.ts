/** The lead's team calls (shared/rest.ts §9.3). */
import type {
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
});
