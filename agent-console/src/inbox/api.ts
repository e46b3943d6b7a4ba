/** The inbox's REST calls (docs/protocol.md §9.10), typed by shared/rest.ts. */
import type {
  AnswerLeftMessageRequest,
  AnswerLeftMessageResponse,
  AssignLeftMessageRequest,
  LeftMessageListResponse,
  LeftMessageResponse,
  LeftMessageStatus,
} from '../../../shared/rest';
import type { Api } from '../api';

const one = (id: string, action = '') => `/left-messages/${encodeURIComponent(id)}${action}`;

export function inboxApi(api: Api) {
  return {
    list(status: LeftMessageStatus | '', cursor?: string | null) {
      const q = new URLSearchParams({ limit: '30', ...(status ? { status } : {}), ...(cursor ? { cursor } : {}) });
      return api.request<LeftMessageListResponse>('GET', `/left-messages?${q}`);
    },
    assign: (id: string, assigneeId: string | null) =>
      api.request<LeftMessageResponse>('POST', one(id, '/assign'), { assigneeId } satisfies AssignLeftMessageRequest),
    answer: (id: string, text: string) =>
      api.request<AnswerLeftMessageResponse>('POST', one(id, '/answer'), { text } satisfies AnswerLeftMessageRequest),
    close: (id: string) => api.request<LeftMessageResponse>('POST', one(id, '/close'), {}),
  };
}
