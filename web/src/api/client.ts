/**
 * Typed fetch wrapper for the platform API (same origin, `/api`).
 * - sends cookies and, on every state-changing request, the `X-CSRF-Token` header;
 * - parses RFC 9457 problem+json into an `ApiError` carrying the stable code and field errors;
 * - on 401 (outside login / the initial `me` probe) tells the app, which shows the login page.
 */

export interface FieldProblem {
  field: string;
  message: string;
  messageZh?: string;
}

export interface Problem {
  status: number;
  code: string;
  message: string;
  messageZh?: string;
  errors?: FieldProblem[];
  requestId?: string;
  [extra: string]: unknown;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly messageZh: string;
  readonly fields: FieldProblem[];
  readonly requestId: string | undefined;
  readonly problem: Problem;

  constructor(problem: Problem) {
    super(problem.message || problem.code);
    this.name = 'ApiError';
    this.status = problem.status;
    this.code = problem.code;
    this.messageZh = problem.messageZh || problem.message || problem.code;
    this.fields = Array.isArray(problem.errors) ? problem.errors : [];
    this.requestId = problem.requestId;
    this.problem = problem;
  }

  /** The message in the user's language. */
  text(lang: 'zh' | 'en'): string {
    return lang === 'zh' ? this.messageZh : this.message;
  }
}

export const isApiError = (e: unknown): e is ApiError => e instanceof ApiError;

let csrfToken: string | null = null;
export const setCsrfToken = (token: string | null) => {
  csrfToken = token;
};

type Listener = (err: ApiError) => void;
let onUnauthorized: Listener = () => {
  if (window.location.pathname !== '/login') window.location.assign('/login');
};
let onPasswordChangeRequired: Listener = () => {};

/** The app replaces the default redirect with an in-app navigation. */
export function setAuthListeners(l: { unauthorized?: Listener; passwordChangeRequired?: Listener }) {
  if (l.unauthorized) onUnauthorized = l.unauthorized;
  if (l.passwordChangeRequired) onPasswordChangeRequired = l.passwordChangeRequired;
}

/** Requests whose 401 is an answer for the caller, not a lost session. */
const QUIET_401 = ['/api/auth/login', '/api/auth/me'];

export type Query = Record<string, string | number | boolean | null | undefined>;

export function queryString(q?: Query): string {
  if (!q) return '';
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) {
    if (v === undefined || v === null || v === '') continue;
    p.set(k, String(v));
  }
  const s = p.toString();
  return s ? `?${s}` : '';
}

interface RequestOptions {
  query?: Query;
  body?: unknown;
  signal?: AbortSignal;
}

async function parseProblem(res: Response): Promise<ApiError> {
  let body: Partial<Problem> = {};
  try {
    const text = await res.text();
    body = text ? (JSON.parse(text) as Partial<Problem>) : {};
  } catch {
    body = {};
  }
  return new ApiError({
    ...body,
    status: body.status ?? res.status,
    code: body.code ?? (res.status >= 500 ? 'INTERNAL' : `HTTP_${res.status}`),
    message: body.message ?? (res.statusText || `HTTP ${res.status}`),
    messageZh: body.messageZh ?? (res.status >= 500 ? '服务器内部错误' : `请求失败（${res.status}）`),
  });
}

export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['X-CSRF-Token'] = csrfToken;

  let res: Response;
  try {
    res = await fetch(path + queryString(opts.query), {
      method,
      headers,
      credentials: 'same-origin',
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: opts.signal,
    });
  } catch (e) {
    if ((e as Error)?.name === 'AbortError') throw e;
    throw new ApiError({
      status: 0,
      code: 'NETWORK',
      message: 'Cannot reach the server; check the network',
      messageZh: '无法连接服务器，请检查网络',
    });
  }

  if (!res.ok) {
    const err = await parseProblem(res);
    if (res.status === 401 && !QUIET_401.includes(path)) onUnauthorized(err);
    if (res.status === 403 && err.code === 'AUTH_PASSWORD_CHANGE_REQUIRED') onPasswordChangeRequired(err);
    throw err;
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export const api = {
  get: <T>(path: string, query?: Query, signal?: AbortSignal) => request<T>('GET', path, { query, signal }),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, { body }),
  put: <T>(path: string, body?: unknown) => request<T>('PUT', path, { body }),
  patch: <T>(path: string, body?: unknown) => request<T>('PATCH', path, { body }),
  del: <T>(path: string) => request<T>('DELETE', path),
};

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}
