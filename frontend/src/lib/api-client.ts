// The one API client: a thin fetch wrapper for the same-origin Django API.
//  - session cookie auth (credentials: 'same-origin')
//  - JSON in / JSON out
//  - X-CSRFToken from the `csrftoken` cookie on unsafe methods
//  - every failure becomes an ApiError (network failures have status 0)

export interface ApiErrorBody {
  detail?: unknown;
  code?: unknown;
  seat_ids?: unknown;
  errors?: unknown;
  suggestion?: unknown;
  largest_block?: unknown;
}

export type FieldErrors = Record<string, string[]>;

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  readonly seatIds?: number[];
  readonly errors?: FieldErrors;
  /** `orphan_seat`: a block of as many seats that strands none (empty: there is none). */
  readonly suggestion?: number[];
  /** `no_block`: the most adjacent free seats there are for that request. */
  readonly largestBlock?: number;

  constructor(init: {
    status: number;
    code: string;
    detail: string;
    seatIds?: number[];
    errors?: FieldErrors;
    suggestion?: number[];
    largestBlock?: number;
  }) {
    super(init.detail);
    this.name = 'ApiError';
    this.status = init.status;
    this.code = init.code;
    this.detail = init.detail;
    this.seatIds = init.seatIds;
    this.errors = init.errors;
    this.suggestion = init.suggestion;
    this.largestBlock = init.largestBlock;
  }

  /** Network failure or a 5xx: worth retrying the same request. */
  get isRetryable(): boolean {
    return this.status === 0 || this.status >= 500;
  }

  get isAuthError(): boolean {
    return this.status === 401 || this.status === 403;
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

export function getCookie(name: string): string | null {
  if (typeof document === 'undefined' || !document.cookie) return null;
  for (const part of document.cookie.split(';')) {
    const [rawKey, ...rest] = part.trim().split('=');
    if (rawKey === name) return decodeURIComponent(rest.join('='));
  }
  return null;
}

let csrfPrimer: Promise<unknown> | null = null;

/**
 * Django sets `csrftoken` on the page load; when the SPA is served by the Vite
 * dev server it is not there yet, so ask the API once (GET /api/auth/me/ sets it).
 */
async function ensureCsrfToken(): Promise<string | null> {
  const existing = getCookie('csrftoken');
  if (existing) return existing;
  csrfPrimer ??= fetch('/api/auth/me/', {
    credentials: 'same-origin',
    headers: { Accept: 'application/json' },
  }).catch(() => undefined);
  await csrfPrimer;
  csrfPrimer = null;
  return getCookie('csrftoken');
}

function toSeatIds(value: unknown): number[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const ids = value.map(Number).filter((n) => Number.isFinite(n));
  return ids;
}

/** Per-field messages; a nested serializer's fields by their path ({card: {number: [...]}} as "card.number"). */
function toFieldErrors(value: unknown, prefix = '', out: FieldErrors = {}): FieldErrors | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  for (const [field, messages] of Object.entries(value as Record<string, unknown>)) {
    const path = prefix ? `${prefix}.${field}` : field;
    if (Array.isArray(messages)) out[path] = messages.map(String);
    else if (messages && typeof messages === 'object') toFieldErrors(messages, path, out);
    else if (messages != null) out[path] = [String(messages)];
  }
  return out;
}

function defaultDetail(status: number): string {
  if (status === 401 || status === 403) return 'Please sign in to continue.';
  if (status === 404) return 'Not found.';
  if (status >= 500) return 'The server had a problem. Please try again.';
  return `Request failed (${status}).`;
}

async function errorFromResponse(response: Response): Promise<ApiError> {
  let body: ApiErrorBody | null = null;
  try {
    const text = await response.text();
    if (text) {
      const parsed: unknown = JSON.parse(text);
      if (parsed && typeof parsed === 'object') body = parsed as ApiErrorBody;
    }
  } catch {
    body = null; // HTML error page (e.g. Django's CSRF failure page) or garbage
  }
  const status = response.status;
  return new ApiError({
    status,
    code: typeof body?.code === 'string' ? body.code : `http_${status}`,
    detail: typeof body?.detail === 'string' && body.detail ? body.detail : defaultDetail(status),
    seatIds: toSeatIds(body?.seat_ids),
    errors: toFieldErrors(body?.errors),
    suggestion: toSeatIds(body?.suggestion),
    largestBlock: typeof body?.largest_block === 'number' ? body.largest_block : undefined,
  });
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export interface ApiResponse<T> {
  status: number;
  /** Parsed JSON body; undefined for 204 / 304 / empty bodies. */
  data: T | undefined;
  headers: Headers;
}

/**
 * Low-level request. Resolves for 2xx and 304 (conditional GETs), throws
 * ApiError for everything else.
 */
export async function apiFetch<T>(path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
  const method = (options.method ?? 'GET').toUpperCase();
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
  let body: string | undefined;
  if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  if (!SAFE_METHODS.has(method)) {
    const token = await ensureCsrfToken();
    if (token) headers['X-CSRFToken'] = token;
  }

  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body,
      credentials: 'same-origin',
      // We manage conditional requests (ETag) ourselves; keep the browser's
      // HTTP cache out of the way so a 304 reaches us as a 304.
      cache: 'no-store',
      signal: options.signal,
    });
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
    throw new ApiError({
      status: 0,
      code: 'network_error',
      detail: 'Could not reach the server. Check your connection and try again.',
    });
  }

  if (response.status === 304) {
    return { status: 304, data: undefined, headers: response.headers };
  }
  if (!response.ok) {
    throw await errorFromResponse(response);
  }
  let data: T | undefined;
  if (response.status !== 204) {
    const text = await response.text();
    if (text) {
      try {
        data = JSON.parse(text) as T;
      } catch {
        throw new ApiError({
          status: response.status,
          code: 'invalid_response',
          detail: 'The server sent a response we could not read.',
        });
      }
    }
  }
  return { status: response.status, data, headers: response.headers };
}

export const api = {
  async get<T>(path: string, options: Omit<RequestOptions, 'method' | 'body'> = {}): Promise<T> {
    const res = await apiFetch<T>(path, { ...options, method: 'GET' });
    return res.data as T;
  },
  async post<T>(path: string, body?: unknown, options: Omit<RequestOptions, 'method' | 'body'> = {}): Promise<T> {
    const res = await apiFetch<T>(path, { ...options, method: 'POST', body });
    return res.data as T;
  },
};

/** A human message for any error thrown by a query or mutation. */
export function errorMessage(error: unknown): string {
  if (isApiError(error)) return error.detail;
  if (error instanceof Error) return error.message;
  return 'Something went wrong.';
}

/** A JSON list body as an array (anything else, e.g. an empty body, as []). */
export function asList<T>(data: unknown): T[] {
  return Array.isArray(data) ? (data as T[]) : [];
}
