/** Follow-up tasks over REST (docs/protocol.md §9.12). */
import type { CloseFollowUpRequest, ComplaintResponse, CreateComplaintRequest, FollowUpResponse, FollowUpsResponse } from '../../../shared/rest';
import type { Api } from '../api';

export const followUpsApi = (api: Api) => ({
  list: (status: 'open' | 'closed') => api.request<FollowUpsResponse>('GET', `/follow-ups?status=${status}`),
  registerComplaint: (body: CreateComplaintRequest) => api.request<ComplaintResponse>('POST', '/complaints', body),
  close: (id: string, body: CloseFollowUpRequest) => api.request<FollowUpResponse>('POST', `/follow-ups/${encodeURIComponent(id)}/close`, body),
});
