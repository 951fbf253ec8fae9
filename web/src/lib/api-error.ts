/**
 * Every failed request becomes an `ApiError` whose message a person can act on: the server's own
 * `detail` when it sent one (`{"detail": "…", "code": "…"}`, or OpenAI's `{"error": {…}}` inside a
 * stream), else a sentence saying what happened (offline, no answer in time, a proxy's 502…).
 */

export type ApiErrorKind =
  /** The server answered with an error status. */
  | 'http'
  /** No answer at all: offline, DNS, a refused or reset connection. */
  | 'network'
  /** No answer within the time allowed. */
  | 'timeout'
  /** The request was cancelled on purpose (Stop, leaving the screen). */
  | 'aborted'
  /** A stream ended with an error from the server or the model. */
  | 'stream';

export class ApiError extends Error {
  readonly kind: ApiErrorKind;
  /** The HTTP status (0 when there was no answer). */
  readonly status: number;
  /** The server's stable code (`not_found`, `upstream_timeout`…), or the kind when it sent none. */
  readonly code: string;

  constructor(kind: ApiErrorKind, message: string, options: { status?: number; code?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'ApiError';
    this.kind = kind;
    this.status = options.status ?? 0;
    this.code = options.code ?? kind;
  }

  /** Whether sending the same request again may work. */
  get retryable(): boolean {
    return this.kind === 'network' || this.kind === 'timeout' || this.status === 502 || this.status === 503 || this.status === 504;
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

/** `the answer failed` → `The answer failed`: server messages are written to follow a colon. */
export function sentence(text: string): string {
  const trimmed = text.trim();
  return trimmed === '' ? trimmed : trimmed[0]!.toUpperCase() + trimmed.slice(1);
}

/** The message and code inside an error body, in Astra's, OpenAI's or a plain-text shape. */
export function readErrorBody(body: string): { message?: string; code?: string } {
  const text = body.trim();
  if (text === '') return {};
  if (text.startsWith('{')) {
    try {
      const parsed = JSON.parse(text) as Record<string, unknown>;
      const nested = typeof parsed.error === 'object' && parsed.error !== null ? (parsed.error as Record<string, unknown>) : undefined;
      const message = firstString(parsed.detail, nested?.message, parsed.error, parsed.message);
      const code = firstString(parsed.code, nested?.code);
      return { ...(message === undefined ? {} : { message }), ...(code === undefined ? {} : { code }) };
    } catch {
      return {};
    }
  }
  // An HTML error page from a proxy says nothing useful to a person; short plain text may.
  if (text.startsWith('<') || text.length > 300) return {};
  return { message: text };
}

function firstString(...values: unknown[]): string | undefined {
  for (const value of values) if (typeof value === 'string' && value.trim() !== '') return value;
  return undefined;
}

/** What an error status means when the body said nothing readable (often a proxy in front of Astra). */
export function statusMessage(status: number): string {
  switch (status) {
    case 400:
      return 'The server could not use this request (400)';
    case 401:
      return 'Your session has ended — sign in again';
    case 403:
      return 'You are not allowed to do this (403)';
    case 404:
      return 'Not found (404)';
    case 413:
      return 'That is too large for the server (413)';
    case 429:
      return 'Too many requests — wait a moment and try again';
    case 502:
      return 'The server is unreachable behind its proxy (502) — try again in a moment';
    case 503:
      return 'The server is unavailable right now (503) — try again in a moment';
    case 504:
      return 'The server took too long to answer (504)';
    default:
      return status >= 500 ? `The server had a problem (${status})` : `The request failed (${status})`;
  }
}

/** The `ApiError` for an error response whose body has been read as text. */
export function errorFromResponse(status: number, body: string): ApiError {
  const { message, code } = readErrorBody(body);
  return new ApiError('http', message === undefined ? statusMessage(status) : sentence(message), { status, ...(code === undefined ? {} : { code }) });
}

/** The `ApiError` for a fetch that got no answer. */
export function networkError(cause: unknown, online: boolean): ApiError {
  return new ApiError('network', online ? 'Cannot reach the server — check the connection and try again' : 'You are offline — check the connection', {
    cause,
  });
}

export function timeoutError(timeoutMs: number, what = 'The server'): ApiError {
  return new ApiError('timeout', `${what} did not answer within ${formatSeconds(timeoutMs)}`);
}

export function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  return `${Math.round(seconds * 100) / 100} s`;
}

/** The error a stream's `{"error": {"message", "code"}}` payload reports. */
export function streamError(payload: { message?: unknown; code?: unknown }): ApiError {
  const message = typeof payload.message === 'string' && payload.message.trim() !== '' ? sentence(payload.message) : 'The answer failed';
  return new ApiError('stream', message, { code: typeof payload.code === 'string' ? payload.code : 'stream' });
}
