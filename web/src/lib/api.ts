/**
 * The one module every request of the app goes through. Each request:
 * - carries the session cookie (`credentials: 'same-origin'`; the session is never in script
 *   reach) and `X-Requested-With`, which passes the server's CSRF check;
 * - has a deadline (`timeoutMs`, 45 s unless `/api/config` says otherwise) and an AbortController,
 *   and can be cancelled by the caller's signal;
 * - when it is idempotent (GET, or marked so), is sent again with backoff after a network error or a
 *   502/503/504;
 * - fails with an `ApiError` whose message says what happened.
 * Streams (`openStream`) get the deadline until their headers arrive; reading them is the
 * caller's (see chat-stream.ts).
 */
import { ApiError, errorFromResponse, isApiError, networkError, timeoutError } from './api-error';
import { backoffDelay, isRetryableStatus, retryAfterMs, sleep, type BackoffOptions } from './backoff';
import type { PublicConfig } from './types';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RequestOptions {
  /** Sent as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Cancels the request (then it fails with kind 'aborted'). */
  signal?: AbortSignal;
  /** Overrides the client's deadline for this request. */
  timeoutMs?: number;
  /** Safe to send twice: retried on network errors and 502/503/504 (GET always is). */
  idempotent?: boolean;
}

/** Whether the browser is online, and news when that changes (tests pass their own). */
export interface Connectivity {
  isOnline(): boolean;
  /** Calls `listener` when the browser goes online or offline; returns the unsubscribe. */
  watch(listener: (online: boolean) => void): () => void;
}

export interface ApiClientOptions {
  baseUrl?: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
  /** Attempts for an idempotent request, the first included (3). */
  maxAttempts?: number;
  backoff?: BackoffOptions;
  connectivity?: Connectivity;
}

export const defaultTimeoutMs = 45_000;

export const browserConnectivity: Connectivity = {
  isOnline: () => typeof navigator === 'undefined' || navigator.onLine !== false,
  watch(listener) {
    if (typeof window === 'undefined') return () => {};
    const online = (): void => listener(true);
    const offline = (): void => listener(false);
    window.addEventListener('online', online);
    window.addEventListener('offline', offline);
    return () => {
      window.removeEventListener('online', online);
      window.removeEventListener('offline', offline);
    };
  },
};

export class ApiClient {
  /** The deadline of each request (ms); set from `/api/config`. */
  timeoutMs: number;
  readonly connectivity: Connectivity;
  readonly backoff: BackoffOptions;
  /** Called when the server says the session has ended (401), so the app can show the sign-in screen. */
  onUnauthenticated: (() => void) | undefined;
  private readonly baseUrl: string;
  private readonly fetchImpl: typeof fetch;
  private readonly maxAttempts: number;

  constructor(options: ApiClientOptions = {}) {
    this.baseUrl = options.baseUrl ?? '';
    this.fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
    this.maxAttempts = options.maxAttempts ?? 3;
    this.backoff = options.backoff ?? {};
    this.connectivity = options.connectivity ?? browserConnectivity;
  }

  /** The public bootstrap; adopts the server's request deadline. */
  async loadConfig(): Promise<PublicConfig> {
    const config = await this.get<PublicConfig>('/api/config');
    if (typeof config.request_timeout_ms === 'number' && config.request_timeout_ms > 0) this.timeoutMs = config.request_timeout_ms;
    return config;
  }

  get<T>(path: string, options: Omit<RequestOptions, 'body'> = {}): Promise<T> {
    return this.request<T>('GET', path, options);
  }

  post<T>(path: string, body: unknown = {}, options: Omit<RequestOptions, 'body'> = {}): Promise<T> {
    return this.request<T>('POST', path, { ...options, body });
  }

  delete<T>(path: string, options: Omit<RequestOptions, 'body'> = {}): Promise<T> {
    return this.request<T>('DELETE', path, options);
  }

  /** Sends a request and returns its JSON answer (or text, when it is not JSON). */
  async request<T>(method: Method, path: string, options: RequestOptions = {}): Promise<T> {
    const attempts = method === 'GET' || options.idempotent === true ? this.maxAttempts : 1;
    for (let attempt = 0; ; attempt += 1) {
      let retryWaitMs: number | undefined;
      try {
        const { response, text } = await this.exchange(method, path, options, true);
        if (response.ok) return parseBody<T>(response, text);
        const error = errorFromResponse(response.status, text);
        if (!(isRetryableStatus(response.status) && attempt + 1 < attempts)) throw this.noticed(error);
        retryWaitMs = retryAfterMs(response.headers.get('retry-after'));
      } catch (error) {
        if (!isApiError(error) || !(error.kind === 'network' || error.kind === 'timeout') || attempt + 1 >= attempts) throw error;
      }
      await sleep(retryWaitMs ?? backoffDelay(attempt, this.backoff), options.signal).catch(() => {
        throw new ApiError('aborted', 'Cancelled');
      });
    }
  }

  /**
   * Opens a streamed answer: resolves with the response once its headers arrived (within the
   * deadline) and it is a success; fails with an `ApiError` otherwise. Aborting `signal` ends the
   * body too.
   */
  async openStream(method: Method, path: string, options: RequestOptions = {}): Promise<Response> {
    const { response, text } = await this.exchange(method, path, { ...options, headers: { accept: 'text/event-stream', ...options.headers } }, false);
    if (response.ok && response.body !== null) return response;
    throw this.noticed(errorFromResponse(response.status, text));
  }

  /** One request with its deadline; reads the body (within the deadline) unless the response is a successful stream. */
  private async exchange(method: Method, path: string, options: RequestOptions, readBody: boolean): Promise<{ response: Response; text: string }> {
    const controller = new AbortController();
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const onCallerAbort = (): void => controller.abort();
    if (options.signal?.aborted) controller.abort();
    else options.signal?.addEventListener('abort', onCallerAbort, { once: true });

    const headers: Record<string, string> = { accept: 'application/json', 'x-requested-with': 'XMLHttpRequest', ...options.headers };
    let body: string | undefined;
    if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
    try {
      const response = await this.fetchImpl(this.baseUrl + path, { method, headers, body, credentials: 'same-origin', signal: controller.signal, cache: 'no-store' });
      const text = readBody || !response.ok || response.body === null ? await response.text() : '';
      return { response, text };
    } catch (error) {
      if (timedOut) throw timeoutError(timeoutMs);
      if (controller.signal.aborted) throw new ApiError('aborted', 'Cancelled', { cause: error });
      throw networkError(error, this.connectivity.isOnline());
    } finally {
      clearTimeout(timer);
      // A stream keeps following the caller's signal until it is read to the end.
      if (readBody) options.signal?.removeEventListener('abort', onCallerAbort);
    }
  }

  private noticed(error: ApiError): ApiError {
    if (error.status === 401) this.onUnauthenticated?.();
    return error;
  }
}

function parseBody<T>(response: Response, text: string): T {
  const type = response.headers.get('content-type') ?? '';
  if (text === '') return undefined as T;
  if (type.includes('json')) return JSON.parse(text) as T;
  return text as T;
}

/** Path segment encoding for ids in URLs. */
export const segment = (value: string): string => encodeURIComponent(value);

/** The app's client. */
export const api = new ApiClient();
