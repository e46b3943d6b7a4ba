/** The team settings over REST: every user reads them, a lead saves them. */
import type { PutSettingsRequest, SettingsResponse } from '../../../shared/rest';
import type { Api } from '../api';

export const settingsApi = (api: Api) => ({
  get: () => api.request<SettingsResponse>('GET', '/settings'),
  save: (s: PutSettingsRequest) => api.request<SettingsResponse>('PUT', '/settings', s),
});
