/** Canned replies (§9.6) and FAQ (§9.7) calls of the library page. */
import type {
  CannedReplyResponse,
  CannedReplySearchResponse,
  CreateCannedReplyRequest,
  CreateFaqRequest,
  FaqEntryResponse,
  FaqListResponse,
  FaqMatchResponse,
  PatchCannedReplyRequest,
  PatchFaqRequest,
} from '../../../shared/rest';
import type { FaqLanguage } from '../../../shared/faq';
import type { Api } from '../api';

const reply = (id: string) => `/canned-replies/${encodeURIComponent(id)}`;
const entry = (id: string) => `/faq/${encodeURIComponent(id)}`;

export const libraryApi = (api: Api) => ({
  replies: (language: string) =>
    api.request<CannedReplySearchResponse>('GET', `/canned-replies?limit=100${language ? `&language=${encodeURIComponent(language)}` : ''}`),
  createReply: (body: CreateCannedReplyRequest) => api.request<CannedReplyResponse>('POST', '/canned-replies', body),
  updateReply: (id: string, patch: PatchCannedReplyRequest) => api.request<CannedReplyResponse>('PATCH', reply(id), patch),
  deleteReply: (id: string) => api.request<unknown>('DELETE', reply(id)),
  entries: (language: string) => api.request<FaqListResponse>('GET', `/faq${language ? `?language=${encodeURIComponent(language)}` : ''}`),
  createEntry: (body: CreateFaqRequest) => api.request<FaqEntryResponse>('POST', '/faq', body),
  updateEntry: (id: string, patch: PatchFaqRequest) => api.request<FaqEntryResponse>('PATCH', entry(id), patch),
  deleteEntry: (id: string) => api.request<unknown>('DELETE', entry(id)),
  match: (text: string, language?: FaqLanguage) =>
    api.request<FaqMatchResponse>('POST', '/faq/match', { text, limit: 5, ...(language ? { language } : {}) }),
});

export type LibraryApi = ReturnType<typeof libraryApi>;
