/** Quality review over REST (docs/protocol.md §9.15), typed by shared/quality.ts. */
import type { ConversationQualityResponse, QualityReportQuery, QualityReportResponse, QualityReviewBody, QualitySettings } from '../../../shared/quality';
import type { PutSettingsRequest, SettingsResponse } from '../../../shared/rest';
import type { Api } from '../api';

const query = (q: QualityReportQuery) =>
  new URLSearchParams(Object.entries(q).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)]]))).toString();
const conversation = (id: string) => `/quality/conversations/${encodeURIComponent(id)}`;

export const qualityApi = (api: Api) => ({
  conversation: (id: string) => api.request<ConversationQualityResponse>('GET', conversation(id)),
  review: (id: string, body: QualityReviewBody) => api.request<ConversationQualityResponse>('PUT', `${conversation(id)}/review`, body),
  report: (q: QualityReportQuery) => api.request<QualityReportResponse>('GET', `/reports/quality?${query(q)}`),
  csv: (q: QualityReportQuery) => api.download(`/reports/quality?${query({ ...q, format: 'csv' })}`),
});

/** The rules are the team settings' `quality` part: read with the settings, saved alone. */
export const rulesApi = (api: Api) => ({
  get: async () => (await api.request<SettingsResponse>('GET', '/settings')).settings.quality,
  save: async (quality: QualitySettings) => (await api.request<SettingsResponse>('PUT', '/settings', { quality } satisfies PutSettingsRequest)).settings.quality,
});
