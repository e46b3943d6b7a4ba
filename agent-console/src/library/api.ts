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

/** The most replies the page lists; the count shows how many more there are. */
const MAX_REPLIES = 1000;
const reply = (id: string) => `/canned-replies/${encodeURIComponent(id)}`;
const entry = (id: string) => `/faq/${encodeURIComponent(id)}`;

export const libraryApi = (api: Api) => ({
  /** Every reply I may see (team and mine), a page of 100 at a time, at most MAX_REPLIES. */
  async replies(language: string): Promise<CannedReplySearchResponse> {
    const replies: CannedReplySearchResponse['replies'] = [];
    let total = 0;
    do {
      const query = `limit=100&offset=${replies.length}${language ? `&language=${encodeURIComponent(language)}` : ''}`;
      const page = await api.request<CannedReplySearchResponse>('GET', `/canned-replies?${query}`);
      replies.push(...page.replies);
      total = page.total;
      if (!page.replies.length) break;
    } while (replies.length < Math.min(total, MAX_REPLIES));
    return { replies, total };
  },
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
