/**
 * The one way the front end talks to the portal: `fetch` to `/api/v1/…` on the same origin,
 * JSON both ways, the gateway's cookie session (docs/contract.md §2).
 *
 * - Unsafe methods echo the readable `__Host-lka_csrf` cookie in `X-CSRF-Token` (double submit),
 *   multipart forms (`api.postForm`, a `FormData` body) as well as JSON.
 * - A 401 from a call outside `/auth/` means the 15-minute access cookie ran out: the client
 *   refreshes once (`POST /auth/refresh`, the gateway takes the refresh token from its cookie)
 *   and repeats the call once; when the refresh fails the session is over and the app is told
 *   (it goes to the sign-in page).
 * - Every failure becomes an `ApiError` with Russian text only: the problem's `detail`, its
 *   `errors[]` by field, a message built from `Retry-After` for 429, a calm sentence for a
 *   network failure or a 5xx. Nothing raw ever reaches a page.
 */

export const API_PREFIX = "/api/v1";
export const CSRF_COOKIE = "__Host-lka_csrf";
export const UNAVAILABLE = "Сервис временно недоступен, попробуйте позже";
export const SESSION_ENDED = "Сеанс завершен. Войдите в личный кабинет снова";

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

const STATUS_TEXT: Record<number, string> = {
  400: "Некорректный запрос",
  401: "Требуется вход в личный кабинет",
  403: "Недостаточно прав",
  404: "Не найдено",
  409: "Действие невозможно в текущем состоянии",
  413: "Слишком большой объем данных",
  422: "Проверьте правильность заполнения полей",
};

export interface FieldError {
  field: string;
  message: string;
}

export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  errors?: FieldError[];
}

/** A failed call, said in Russian for a person. */
export class ApiError extends Error {
  readonly status: number; // 0: no answer at all (network)
  readonly code: string;
  readonly detail: string;
  /** Field errors by input name (`body.` and similar prefixes removed): `password`, `values.T1`. */
  readonly fields: Record<string, string>;
  readonly retryAfter: number | null;

  constructor(status: number, code: string, detail: string, fields: Record<string, string> = {}, retryAfter: number | null = null) {
    super(detail);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.detail = detail;
    this.fields = fields;
    this.retryAfter = retryAfter;
  }

  /** Field errors not claimed by any of `known` (shown with the form's alert instead). */
  unclaimed(known: readonly string[]): string[] {
    return Object.entries(this.fields)
      .filter(([field]) => !known.includes(field))
      .map(([, message]) => message);
  }
}

/** `body.password` -> `password`, `body.values.T1` -> `values.T1`, `query.limit` -> `limit`. */
export function fieldKey(field: string): string {
  const parts = field.split(".");
  if (parts.length > 1 && ["body", "query", "path", "header", "cookie"].includes(parts[0])) {
    return parts.slice(1).join(".");
  }
  return field;
}

/** Russian plural: plural(5, ["секунду", "секунды", "секунд"]) -> "секунд". */
export function plural(n: number, forms: [string, string, string]): string {
  const mod10 = n % 10;
  const mod100 = n % 100;
  if (mod10 === 1 && mod100 !== 11) return forms[0];
  if (mod10 >= 2 && mod10 <= 4 && (mod100 < 12 || mod100 > 14)) return forms[1];
  return forms[2];
}

/** The sentence for a 429: «Слишком много запросов. Повторите попытку через 2 минуты». */
export function retryMessage(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds) || seconds <= 0) {
    return "Слишком много запросов. Повторите попытку позже";
  }
  if (seconds < 60) {
    const s = Math.ceil(seconds);
    return `Слишком много запросов. Повторите попытку через ${s} ${plural(s, ["секунду", "секунды", "секунд"])}`;
  }
  const m = Math.ceil(seconds / 60);
  return `Слишком много запросов. Повторите попытку через ${m} ${plural(m, ["минуту", "минуты", "минут"])}`;
}

/** Retry-After as seconds: a number of seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return null;
  return Math.max(0, Math.round((at - now) / 1000));
}

function looksRussian(text: unknown): text is string {
  return typeof text === "string" && /[а-яё]/i.test(text);
}

/** An error answer (its status, headers and parsed body, if JSON) as an `ApiError`. */
export function problemToError(status: number, body: unknown, retryAfterHeader: string | null): ApiError {
  const problem: Problem = body && typeof body === "object" ? (body as Problem) : {};
  const code = typeof problem.code === "string" ? problem.code : `http_${status}`;
  if (status === 429) {
    const seconds = parseRetryAfter(retryAfterHeader);
    return new ApiError(429, code, retryMessage(seconds), {}, seconds);
  }
  if (status >= 500 || status === 0) {
    return new ApiError(status, code, UNAVAILABLE);
  }
  const fields: Record<string, string> = {};
  if (Array.isArray(problem.errors)) {
    for (const item of problem.errors) {
      if (item && typeof item.field === "string" && looksRussian(item.message)) {
        const key = fieldKey(item.field);
        if (!(key in fields)) fields[key] = item.message;
      }
    }
  }
  const detail = looksRussian(problem.detail) ? problem.detail : (STATUS_TEXT[status] ?? "Не удалось выполнить действие");
  return new ApiError(status, code, detail, fields);
}

/** The value of a cookie the page may read (`document.cookie`), or "". */
export function readCookie(name: string, source: string = typeof document === "undefined" ? "" : document.cookie): string {
  for (const part of source.split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return decodeURIComponent(rest.join("="));
  }
  return "";
}

/** Whether the browser holds a session at all (the CSRF cookie lives as long as the refresh one). */
export function hasSession(): boolean {
  return readCookie(CSRF_COOKIE) !== "";
}

export interface RequestOptions {
  method?: "GET" | "POST" | "PUT" | "DELETE" | "PATCH";
  body?: unknown;
  headers?: Record<string, string>;
  /** On a 401: renew the session and repeat the call once (default), or just fail (`false`). */
  refresh?: boolean;
  /** When the session cannot be renewed: tell the app, which goes to sign-in (default), or just fail. */
  redirect?: boolean;
  signal?: AbortSignal;
}

type ExpiredHandler = () => void;

let onSessionExpired: ExpiredHandler = () => {
  window.location.assign("/");
};
let refreshing: Promise<boolean> | null = null;

/** What to do when the session cannot be renewed (the app sends the visitor to sign-in). */
export function setSessionExpiredHandler(handler: ExpiredHandler): void {
  onSessionExpired = handler;
}

function isAuthPath(path: string): boolean {
  return path.startsWith("/auth/");
}

async function send(path: string, options: RequestOptions): Promise<Response> {
  const method = options.method ?? "GET";
  const headers: Record<string, string> = { Accept: "application/json, application/problem+json", ...options.headers };
  let body: string | FormData | undefined;
  if (options.body instanceof FormData) {
    // multipart/form-data: the browser writes the Content-Type with its boundary itself.
    body = options.body;
  } else if (options.body !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(options.body);
  }
  if (UNSAFE.has(method)) {
    const csrf = readCookie(CSRF_COOKIE);
    if (csrf) headers["X-CSRF-Token"] = csrf;
  }
  try {
    return await fetch(API_PREFIX + path, {
      method,
      headers,
      body,
      credentials: "same-origin",
      signal: options.signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") throw error;
    throw new ApiError(0, "network_error", UNAVAILABLE);
  }
}

const REFRESH_LOCK = "lka-session-refresh";

/** `work` while no other tab of this site runs it (Web Locks), or at once where there are none. */
function inOneTabAtATime<T>(work: () => Promise<T>): Promise<T> {
  const locks = typeof navigator === "undefined" ? undefined : navigator.locks;
  return locks ? locks.request(REFRESH_LOCK, work) : work();
}

/** `POST /auth/refresh` once for every call of this tab that is waiting on it.
 *
 * `seenCsrf` is the CSRF cookie the failed call was sent with. Two tabs whose access cookie
 * expired together would both refresh with the one refresh cookie, and identity takes the
 * second use of a rotated refresh token for theft and ends the session (docs/contract.md §2). So
 * tabs refresh one at a time, and a tab that finds the cookies renewed meanwhile (a new
 * CSRF token comes with every new pair) just repeats its call with them. */
export function refreshSession(seenCsrf: string = readCookie(CSRF_COOKIE)): Promise<boolean> {
  if (!refreshing) {
    refreshing = inOneTabAtATime(async () => {
      const current = readCookie(CSRF_COOKIE);
      if (current !== "" && current !== seenCsrf) return true;
      try {
        const response = await send("/auth/refresh", {
          method: "POST",
          body: {},
          headers: { "X-Session-Mode": "cookie" },
        });
        return response.ok;
      } catch {
        return false;
      }
    }).finally(() => {
      // Calls already waiting have this answer; the next expiry (15 minutes on) refreshes anew.
      refreshing = null;
    });
  }
  return refreshing;
}

async function parseBody(response: Response): Promise<unknown> {
  if (response.status === 204) return null;
  const text = await response.text();
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** A call to `/api/v1{path}`: the parsed JSON body, or an `ApiError`. */
export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const response = await exchange(path, options);
  const body = await parseBody(response);
  if (!response.ok) {
    throw problemToError(response.status, body, response.headers.get("Retry-After"));
  }
  return body as T;
}

/** A file from `/api/v1{path}` (a bill's PDF) with the same session handling: its bytes and the
 * name the server gave it (`Content-Disposition`), or an `ApiError`. */
export async function requestFile(path: string, accept: string): Promise<{ blob: Blob; disposition: string | null }> {
  const response = await exchange(path, { method: "GET", headers: { Accept: `${accept}, application/problem+json` } });
  if (!response.ok) {
    throw problemToError(response.status, await parseBody(response), response.headers.get("Retry-After"));
  }
  return { blob: await response.blob(), disposition: response.headers.get("Content-Disposition") };
}

/** The call's answer, after one refresh of the session on a 401 (see the module's comment). */
async function exchange(path: string, options: RequestOptions): Promise<Response> {
  const csrfSent = readCookie(CSRF_COOKIE);
  let response = await send(path, options);
  if (response.status === 401 && options.refresh !== false && !isAuthPath(path)) {
    const problem = (await parseBody(response.clone())) as Problem | null;
    // A wrong password of another profile (merge) is a 401 too, but the session is fine.
    if (problem?.code !== "invalid_credentials") {
      if (await refreshSession(csrfSent)) {
        response = await send(path, options);
      }
      if (response.status === 401) {
        if (options.redirect !== false) onSessionExpired();
        throw new ApiError(401, "session_expired", SESSION_ENDED);
      }
    }
  }
  return response;
}

export const api = {
  get: <T>(path: string, options: Omit<RequestOptions, "method" | "body"> = {}) => request<T>(path, { ...options, method: "GET" }),
  post: <T>(path: string, body?: unknown, options: Omit<RequestOptions, "method" | "body"> = {}) =>
    request<T>(path, { ...options, method: "POST", body: body ?? {} }),
  put: <T>(path: string, body?: unknown, options: Omit<RequestOptions, "method" | "body"> = {}) =>
    request<T>(path, { ...options, method: "PUT", body: body ?? {} }),
  delete: <T>(path: string, options: Omit<RequestOptions, "method" | "body"> = {}) => request<T>(path, { ...options, method: "DELETE" }),
  /** A multipart form (an appeal with its files): the same CSRF header and refresh-once as JSON calls;
   * the form is sent again as it is if the session had to be renewed. */
  postForm: <T>(path: string, form: FormData, options: Omit<RequestOptions, "method" | "body"> = {}) =>
    request<T>(path, { ...options, method: "POST", body: form }),
};

/** Any thrown value as Russian text for a person. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError) return error.detail;
  return UNAVAILABLE;
}
