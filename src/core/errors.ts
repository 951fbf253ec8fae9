/**
 * The error catalogue: every error Astra answers with has a stable code, an HTTP status, a message a
 * person can act on, and whether retrying may help. Routes throw `AstraError`s; one handler
 * (`ops/error-handler.ts`) turns them into `{"detail": "…", "code": "…"}` responses.
 */

export interface ErrorKind {
  status: number;
  /** Whether the same request may succeed if sent again later. */
  retryable: boolean;
}

export const errorCatalogue = {
  invalid_request: { status: 400, retryable: false },
  unauthenticated: { status: 401, retryable: false },
  invalid_credentials: { status: 400, retryable: false },
  forbidden: { status: 403, retryable: false },
  account_pending: { status: 403, retryable: false },
  signup_disabled: { status: 403, retryable: false },
  api_keys_disabled: { status: 403, retryable: false },
  csrf_failed: { status: 403, retryable: false },
  not_found: { status: 404, retryable: false },
  method_not_allowed: { status: 405, retryable: false },
  conflict: { status: 409, retryable: false },
  email_taken: { status: 400, retryable: false },
  payload_too_large: { status: 413, retryable: false },
  unsupported_media_type: { status: 415, retryable: false },
  too_many_requests: { status: 429, retryable: true },
  internal: { status: 500, retryable: true },
  upstream_failed: { status: 502, retryable: true },
  unavailable: { status: 503, retryable: true },
  upstream_timeout: { status: 504, retryable: true },
} as const satisfies Record<string, ErrorKind>;

export type ErrorCode = keyof typeof errorCatalogue;

export class AstraError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly retryable: boolean;
  /** Extra response headers, e.g. `Retry-After`. */
  readonly headers: Record<string, string>;

  constructor(code: ErrorCode, message: string, options: { headers?: Record<string, string>; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'AstraError';
    this.code = code;
    this.status = errorCatalogue[code].status;
    this.retryable = errorCatalogue[code].retryable;
    this.headers = options.headers ?? {};
  }
}

export function isAstraError(error: unknown): error is AstraError {
  return error instanceof AstraError;
}

export const badRequest = (message: string): AstraError => new AstraError('invalid_request', message);
export const notFound = (what: string): AstraError => new AstraError('not_found', `${what} not found`);
export const forbidden = (message = 'You do not have permission to do this'): AstraError =>
  new AstraError('forbidden', message);
export const unauthenticated = (message = 'Sign in first: this request carries no valid session or API key'): AstraError =>
  new AstraError('unauthenticated', message);
