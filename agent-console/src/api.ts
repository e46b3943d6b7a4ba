/**
 * REST calls of the console (login, invitations, colleagues, transcripts, canned replies,
 * FAQ), with the request and response shapes of shared/rest.ts. Errors carry the catalogue code.
 */
import type {
  AcceptInvitationRequest,
  AcceptInvitationResponse,
  ApiErrorResponse,
  CannedReplySearchResponse,
  FaqMatchRequest,
  FaqMatchResponse,
  InvitationResponse,
  LoginRequest,
  LoginResponse,
  TranscriptResponse,
  UsersResponse,
} from '../../shared/rest';

export type { CannedReplyView, ColleagueView, FaqMatchView } from '../../shared/rest';

export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    /** Seconds to wait before trying again, when the server says (TOO_MANY_ATTEMPTS). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The ApiError of a failed response (its JSON error body, else its status). */
async function failure(res: Response): Promise<ApiError> {
  const e = ((await res.json().catch(() => ({}))) as Partial<ApiErrorResponse>).error;
  const retry = e && 'retryAfterSeconds' in e && typeof e.retryAfterSeconds === 'number' ? e.retryAfterSeconds : undefined;
  return new ApiError(e?.code ?? 'INTERNAL', e?.message ?? res.statusText, res.status, retry);
}

export function createApi(base: string, token: () => string | null) {
  function send(method: string, path: string, body?: object): Promise<Response> {
    const t = token();
    return fetch(`${base}/api/v1${path}`, {
      method,
      headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(t ? { authorization: `Bearer ${t}` } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
  }
  async function request<T>(method: string, path: string, body?: object): Promise<T> {
    const res = await send(method, path, body);
    if (!res.ok) throw await failure(res);
    return (await res.json().catch(() => ({}))) as T;
  }
  const invitation = (t: string) => `/invitations/${encodeURIComponent(t)}`;
  return {
    /** Any call of the REST API; feature folders build their own typed calls on it (e.g. lead views). */
    request,
    /** A GET whose body is a file (exports), with my token; the whole body as a Blob. */
    async download(path: string): Promise<Blob> {
      const res = await send('GET', path);
      if (!res.ok) throw await failure(res);
      return res.blob();
    },
    login: (email: string, password: string) => request<LoginResponse>('POST', '/auth/login', { email, password } satisfies LoginRequest),
    invitation: (t: string) => request<InvitationResponse>('GET', invitation(t)),
    acceptInvitation: (t: string, password: string) =>
      request<AcceptInvitationResponse>('POST', invitation(t), { password } satisfies AcceptInvitationRequest),
    transcript: (id: string) => request<TranscriptResponse>('GET', `/conversations/${encodeURIComponent(id)}`),
    colleagues: () => request<UsersResponse>('GET', '/users'),
    cannedReplies: (q: string) => request<CannedReplySearchResponse>('GET', `/canned-replies?q=${encodeURIComponent(q)}&limit=8`),
    faqMatch: (text: string) => request<FaqMatchResponse>('POST', '/faq/match', { text, limit: 3 } satisfies FaqMatchRequest),
  };
}

export type Api = ReturnType<typeof createApi>;
