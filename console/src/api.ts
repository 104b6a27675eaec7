import type {
  ApiKeyInfo,
  AuthAnswer,
  CreatedSource,
  IdentifierRules,
  Journey,
  Overview,
  PreviewAnswer,
  Profile,
  Segment,
  Source,
  Tag,
  TagCategory,
  TimelinePage,
  User,
} from './api-types';

/**
 * The management API client: same-origin `fetch` with the session cookie, JSON both ways, the
 * session's CSRF token on every unsafe method (the server's synchronizer-token check), and the
 * server's `{ error: { code, message, details }, requestId }` answers turned into `ApiError`s.
 */

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    /** The server's error code (`unauthorized`, `validation_failed`, …), or `network` / `bad_response`. */
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly requestId?: string,
    /** Seconds from Retry-After (429 answers). */
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
const UNSAFE: ReadonlySet<Method> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

let csrfToken: string | null = null;
let unauthorizedHandler: (() => void) | null = null;

/** The CSRF token of the current session (from login or `auth/me`); null when signed out. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when a request answers 401: the session ended, the console goes back to the login page. */
export function onUnauthorized(handler: (() => void) | null): void {
  unauthorizedHandler = handler;
}

interface RequestOptions {
  body?: unknown;
  query?: Record<string, string | number | undefined>;
  signal?: AbortSignal;
  /** A 401 here is an answer, not an ended session (the login itself, the first `auth/me`). */
  expect401?: boolean;
  /** A body sent as it is (a file's text) instead of JSON. */
  raw?: { body: Blob | string; contentType: string };
}

/** The headers an unsafe request needs beside the session cookie (for requests made outside `request`, e.g. an upload with progress). */
export function csrfHeaders(): Record<string, string> {
  return csrfToken ? { 'x-csrf-token': csrfToken } : {};
}

function withQuery(path: string, query: RequestOptions['query']): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

function isErrorBody(
  v: unknown,
): v is { error: { code: string; message: string; details?: unknown }; requestId?: string } {
  if (typeof v !== 'object' || v === null || !('error' in v)) return false;
  const e = v.error;
  return typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'string';
}

export async function request<T>(method: Method, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.raw) headers['content-type'] = options.raw.contentType;
  else if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (UNSAFE.has(method) && csrfToken) headers['x-csrf-token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(withQuery(path, options.query), {
      method,
      credentials: 'same-origin',
      headers,
      body: options.raw
        ? options.raw.body
        : options.body === undefined
          ? undefined
          : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'network', err instanceof Error ? err.message : String(err));
  }
  const text = await res.text();
  let body: unknown = undefined;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      throw new ApiError(res.status, 'bad_response', `HTTP ${res.status}: the answer is not JSON`);
    }
  }
  if (res.ok) return body as T;
  if (res.status === 401 && !options.expect401) unauthorizedHandler?.();
  const retryAfter = Number(res.headers.get('retry-after')) || undefined;
  throw errorFromAnswer(res.status, body, retryAfter);
}

/** The `ApiError` of a non-2xx answer with its parsed JSON body (or undefined). */
export function errorFromAnswer(status: number, body: unknown, retryAfter?: number): ApiError {
  if (isErrorBody(body))
    return new ApiError(
      status,
      body.error.code,
      body.error.message,
      body.error.details,
      body.requestId,
      retryAfter,
    );
  return new ApiError(status, 'bad_response', `HTTP ${status}`);
}

/** True for the answers "there is none" and "this is not a valid value of that type". */
export const isNotFound = (err: unknown): boolean =>
  err instanceof ApiError && (err.status === 404 || err.status === 422);

const get = <T>(path: string, options?: RequestOptions) => request<T>('GET', path, options);
const post = <T>(path: string, body?: unknown, options?: RequestOptions) =>
  request<T>('POST', path, { ...options, body });

const enc = encodeURIComponent;

/** The routes the console calls, typed. */
export const api = {
  login: (username: string, password: string) =>
    post<AuthAnswer>('/api/v1/auth/login', { username, password }, { expect401: true }),
  me: () => get<AuthAnswer>('/api/v1/auth/me', { expect401: true }),
  logout: () => post<undefined>('/api/v1/auth/logout'),

  overview: (signal?: AbortSignal) => get<Overview>('/api/v1/overview', { signal }),

  sources: (signal?: AbortSignal) => get<{ sources: Source[] }>('/api/v1/sources', { signal }),
  createSource: (name: string, kind?: string) => post<CreatedSource>('/api/v1/sources', { name, kind }),

  identifierRules: (signal?: AbortSignal) => get<IdentifierRules>('/api/v1/identity/rules', { signal }),
  lookup: (type: string, value: string, signal?: AbortSignal) =>
    get<{ profileId: string }>('/api/v1/profiles/lookup', { query: { type, value }, signal }),
  profile: (id: string, signal?: AbortSignal) => get<Profile>(`/api/v1/profiles/${enc(id)}`, { signal }),
  /** A page of a profile's timeline; the filters go as repeated keys (`type=track&type=page`), as the route reads them. */
  timeline: (
    id: string,
    before: string | undefined,
    limit: number,
    signal?: AbortSignal,
    filter: { types?: readonly string[]; events?: readonly string[]; since?: string; until?: string } = {},
  ) => {
    const q = new URLSearchParams({ limit: String(limit) });
    if (before !== undefined) q.set('before', before);
    for (const type of filter.types ?? []) q.append('type', type);
    for (const event of filter.events ?? []) q.append('event', event);
    if (filter.since !== undefined) q.set('since', filter.since);
    if (filter.until !== undefined) q.set('until', filter.until);
    return get<TimelinePage>(`/api/v1/profiles/${enc(id)}/events?${q.toString()}`, { signal });
  },
  preview: (condition: unknown, sample: number) =>
    post<PreviewAnswer>('/api/v1/segments/preview', { condition, sample }),

  tags: (signal?: AbortSignal) => get<{ tags: Tag[] }>('/api/v1/tags', { signal }),
  tagCategories: (signal?: AbortSignal) =>
    get<{ categories: TagCategory[] }>('/api/v1/tag-categories', { signal }),
  segments: (signal?: AbortSignal) => get<{ segments: Segment[] }>('/api/v1/segments', { signal }),
  journeys: (signal?: AbortSignal) => get<{ journeys: Journey[] }>('/api/v1/journeys', { signal }),

  users: (signal?: AbortSignal) => get<{ users: User[] }>('/api/v1/users', { signal }),
  apiKeys: (signal?: AbortSignal) => get<{ apiKeys: ApiKeyInfo[] }>('/api/v1/api-keys', { signal }),
};
