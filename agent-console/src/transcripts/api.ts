/** Transcript search and export calls (docs/protocol.md §9.11), typed by shared/rest.ts. */
import type { FaqLanguage } from '../../../shared/faq';
import type { TranscriptSearchQuery, TranscriptSearchResponse } from '../../../shared/rest';
import type { Api } from '../api';

export type Filters = Omit<TranscriptSearchQuery, 'limit' | 'cursor' | 'format' | 'lang'>;

const query = (q: TranscriptSearchQuery) =>
  new URLSearchParams(Object.entries(q).flatMap(([k, v]) => (v === undefined || v === '' ? [] : [[k, String(v)]]))).toString();

export function transcriptsApi(api: Api) {
  return {
    search: (f: Filters, cursor?: string | null) =>
      api.request<TranscriptSearchResponse>('GET', `/transcripts?${query({ ...f, limit: 50, ...(cursor ? { cursor } : {}) })}`),
    /** Every match as a file, downloaded with my token (the server streams it); category names in `lang`. */
    export: (f: Filters, format: 'csv' | 'json', lang: FaqLanguage) => api.download(`/transcripts/export?${query({ ...f, format, lang })}`),
  };
}

/** Saves a Blob under a name, as a browser download. */
export function saveFile(blob: Blob, name: string) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
