/** REST calls of the console (login, colleagues, canned replies, FAQ). Errors carry the catalogue code. */
import type { ErrorBody } from '../../shared/errors';
import type { Message } from '../../shared/protocol';

export class ApiError extends Error {
  constructor(readonly code: string, message: string, readonly status: number) {
    super(message);
    this.name = 'ApiError';
  }
}

export function createApi(base: string, token: () => string | null) {
  async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const t = token();
    const res = await fetch(`${base}/api/v1${path}`, {
      method,
      headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(t ? { authorization: `Bearer ${t}` } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const data = await res.json().catch(() => ({}));
    if (!res.ok) {
      const e = (data as { error?: ErrorBody }).error;
      throw new ApiError(e?.code ?? 'INTERNAL', e?.message ?? res.statusText, res.status);
    }
    return data as T;
  }
  return {
    login: (email: string, password: string) =>
      request<{ token: string; user: { id: string; name: string; role: string } }>('POST', '/auth/login', { email, password }),
    invitation: (token: string) =>
      request<{ invitation: { purpose: string; user: { email: string; name: string } } }>('GET', `/invitations/${encodeURIComponent(token)}`),
    acceptInvitation: (token: string, password: string) => request<unknown>('POST', `/invitations/${encodeURIComponent(token)}`, { password }),
    transcript: (id: string) => request<{ messages: Message[] }>('GET', `/conversations/${encodeURIComponent(id)}`),
    colleagues: () => request<{ users: Colleague[] }>('GET', '/users'),
    cannedReplies: (q: string) => request<{ replies: CannedReply[] }>('GET', `/canned-replies?q=${encodeURIComponent(q)}&limit=8`),
    faqMatch: (text: string) => request<{ matches: FaqMatch[] }>('POST', '/faq/match', { text, limit: 3 }),
  };
}

export type Api = ReturnType<typeof createApi>;

export interface Colleague {
  id: string;
  name: string;
  role: string;
  status?: string;
  load?: number;
  capacity?: number;
}

export interface CannedReply {
  id: string;
  shortcut: string;
  title: string;
  body: string;
  language?: string;
}

export interface FaqMatch {
  entry: { id: string; question: string; answer: string };
  score: number;
}

/** Fills `{visitor.name}`, `{agent.name}`, `{conversation.id}` in a canned reply body. */
export function fillVariables(body: string, vars: Record<string, string>): string {
  return body.replace(/\{(visitor\.name|agent\.name|conversation\.id)\}/g, (_m, k: string) => vars[k] ?? '');
}
