/**
 * Failures of a model server, each naming the connection and the phase that failed, so a person
 * reading the message knows where to look ("model server at http://gpu1:11434 sent no first token
 * within 45 s").
 */
import { AstraError, type ErrorCode } from '../core/errors';

/** Where in the exchange it failed. */
export type UpstreamPhase = 'connect' | 'response' | 'first-token' | 'stream' | 'total' | 'status';

export interface UpstreamFailure {
  phase: UpstreamPhase;
  /** The connection's base URL (without credentials). */
  server: string;
  message: string;
  /** The model server's own HTTP status, for phase `status`. */
  upstreamStatus?: number;
  /** Milliseconds the server asked us to wait (429/503 Retry-After). */
  retryAfterMs?: number;
  /** Whether another attempt (here or on another connection) may succeed: refused, 5xx, short 429. */
  worthRetrying: boolean;
  /** A wait ran out (504), rather than the server failing (502). */
  timedOut: boolean;
  /** For phase `status`: what the server sent, so pass-through routes can return it unchanged. */
  upstreamBody?: Buffer;
  upstreamContentType?: string;
}

export class UpstreamError extends AstraError {
  readonly failure: UpstreamFailure;

  constructor(failure: UpstreamFailure, cause?: unknown) {
    super(codeFor(failure), failure.message, { cause, headers: retryAfterHeader(failure) });
    this.name = 'UpstreamError';
    this.failure = failure;
  }
}

function codeFor(failure: UpstreamFailure): ErrorCode {
  if (failure.phase === 'status' && failure.upstreamStatus === 429) return 'too_many_requests';
  return failure.timedOut ? 'upstream_timeout' : 'upstream_failed';
}

function retryAfterHeader(failure: UpstreamFailure): Record<string, string> {
  return failure.retryAfterMs === undefined ? {} : { 'retry-after': String(Math.ceil(failure.retryAfterMs / 1000)) };
}

/** How errors name a connection: its base URL without credentials, query or trailing slash. */
export function serverLabel(baseUrl: string): string {
  const url = new URL(baseUrl);
  return `${url.protocol}//${url.host}${url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '')}`;
}

const seconds = (milliseconds: number): string => `${Number((milliseconds / 1000).toFixed(3))} s`;

/** Messages for each way a model server can fail. */
export const upstreamFailures = {
  timedOut(server: string, phase: UpstreamPhase, afterMs: number): UpstreamFailure {
    const what: Record<UpstreamPhase, string> = {
      connect: `did not accept a connection within ${seconds(afterMs)}`,
      response: `sent no response within ${seconds(afterMs)}`,
      'first-token': `sent no first token within ${seconds(afterMs)}`,
      stream: `went silent for ${seconds(afterMs)} in the middle of the answer`,
      total: `did not finish within ${seconds(afterMs)} (AIOHTTP_CLIENT_TIMEOUT_TOTAL)`,
      status: `did not answer within ${seconds(afterMs)}`,
    };
    return { phase, server, message: `model server at ${server} ${what[phase]}`, worthRetrying: phase === 'connect', timedOut: true };
  },

  network(server: string, phase: UpstreamPhase, error: unknown): UpstreamFailure {
    const code = (error as { code?: string }).code ?? '';
    const detail =
      code === 'ECONNREFUSED'
        ? 'refused the connection'
        : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
          ? 'could not be found (DNS lookup failed)'
          : code === 'ECONNRESET' || code === 'UND_ERR_SOCKET'
            ? phase === 'connect' || phase === 'response'
              ? 'closed the connection before answering'
              : 'closed the connection in the middle of the answer'
            : code.startsWith('ERR_TLS') || code.includes('CERT')
              ? `failed the TLS check (${code}; see AIOHTTP_CLIENT_SESSION_SSL)`
              : `failed: ${error instanceof Error ? error.message : String(error)}`;
    // Nothing reached the server yet: another try (or another connection) is safe.
    const worthRetrying = phase === 'connect' || (phase === 'response' && code === 'ECONNREFUSED');
    return { phase, server, message: `model server at ${server} ${detail}`, worthRetrying, timedOut: false };
  },

  status(
    server: string,
    status: number,
    upstreamMessage: string,
    retryAfterMs: number | undefined,
    body?: { bytes: Buffer; contentType: string | undefined },
  ): UpstreamFailure {
    const said = upstreamMessage ? `: ${upstreamMessage}` : '';
    return {
      phase: 'status',
      upstreamBody: body?.bytes,
      upstreamContentType: body?.contentType,
      server,
      message: `model server at ${server} answered HTTP ${status}${said}`,
      upstreamStatus: status,
      retryAfterMs,
      // A short Retry-After is worth waiting for; a long one is the user's to decide.
      worthRetrying: status >= 500 || (status === 429 && (retryAfterMs ?? 0) <= 2000),
      timedOut: false,
    };
  },

  /** A complete 2xx answer that says the generation failed (Ollama's `{"error": …}`, an unfinished answer). */
  reported(server: string, detail: string): UpstreamFailure {
    return { phase: 'stream', server, message: `model server at ${server} reported a failure: ${detail}`, worthRetrying: false, timedOut: false };
  },

  malformed(server: string, detail: string): UpstreamFailure {
    return { phase: 'stream', server, message: `model server at ${server} sent a malformed answer: ${detail}`, worthRetrying: false, timedOut: false };
  },
};

/** Parses a Retry-After header (seconds or an HTTP date) into milliseconds. */
export function parseRetryAfter(value: string | string[] | undefined): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || text === '') return undefined;
  const secondsValue = Number(text);
  if (Number.isFinite(secondsValue)) return Math.max(0, secondsValue * 1000);
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
