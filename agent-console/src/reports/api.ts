/** The reports over REST: the JSON the page shows, and the same report as a CSV file. */
import type { ReportQuery, ReportResponse } from '../../../shared/reports';
import type { Api } from '../api';

const query = (q: ReportQuery) =>
  new URLSearchParams(Object.entries(q).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)]]))).toString();

export const reportsApi = (api: Api) => ({
  get: (q: ReportQuery) => api.request<ReportResponse>('GET', `/reports?${query(q)}`),
  csv: (q: ReportQuery) => api.download(`/reports?${query({ ...q, format: 'csv' })}`),
});
