/**
 * One sentence for why a request to a model server failed, naming the server and the phase:
 * `connection refused to http://…`, `DNS lookup failed for …`, `timed out after 5 s waiting for a
 * response from …`.
 */
import { upstreamConnectTimeoutMs } from './upstream-pools';

/** Where a request to a model server failed: reaching it, waiting for its answer, reading the answer, or the answer's status. */
export type FailurePhase = 'connect' | 'response' | 'body' | 'status';

/** How far a request got: a socket was connected (TLS included), the response headers arrived. */
export interface RequestProgress {
  connected: boolean;
  answered: boolean;
}

const dnsCodes = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NODATA', 'EAI_NONAME', 'EAI_FAIL']);
const unreachableCodes = new Set(['EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN', 'EADDRNOTAVAIL']);
const closedCodes = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'ECONNABORTED']);

export function formatSeconds(milliseconds: number): string {
  const seconds = milliseconds / 1000;
  return `${Number.isInteger(seconds) ? seconds : Number(seconds.toFixed(2))} s`;
}

export function describeTimeout(timeoutMs: number, url: string, progress: RequestProgress): string {
  const after = `timed out after ${formatSeconds(timeoutMs)}`;
  if (!progress.connected) return `${after} connecting to ${originOrUrl(url)}`;
  if (!progress.answered) return `${after} waiting for a response from ${url}`;
  return `${after} reading the response body from ${url}`;
}

export function describeFailure(error: unknown, url: string, progress: RequestProgress): { message: string; phase: FailurePhase } {
  const code = errorCode(error);
  const reason = errorMessage(error);
  const origin = originOrUrl(url);
  const laterPhase: FailurePhase = progress.answered ? 'body' : progress.connected ? 'response' : 'connect';
  if (code === 'ECONNREFUSED') return { message: `connection refused to ${origin}`, phase: 'connect' };
  if (code !== undefined && dnsCodes.has(code)) return { message: `DNS lookup failed for ${hostOf(url)} (${code})`, phase: 'connect' };
  if (code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'ETIMEDOUT') {
    return { message: `timed out after ${formatSeconds(upstreamConnectTimeoutMs)} connecting to ${origin}`, phase: 'connect' };
  }
  if (code !== undefined && unreachableCodes.has(code)) return { message: `no route to ${origin} (${code})`, phase: 'connect' };
  if (!progress.connected && isTlsError(code, reason)) return { message: `TLS handshake with ${origin} failed: ${reason}`, phase: 'connect' };
  if (code === 'ASTRA_BODY_TOO_LARGE') return { message: `${reason} from ${url}`, phase: 'body' };
  if (code !== undefined && closedCodes.has(code)) {
    const when = laterPhase === 'connect' ? 'while connecting' : laterPhase === 'response' ? 'before answering' : 'while sending the response body';
    return { message: `${origin} closed the connection ${when}`, phase: laterPhase };
  }
  return { message: `request to ${url} failed: ${reason}`, phase: laterPhase };
}

function isTlsError(code: string | undefined, message: string): boolean {
  if (code !== undefined && (/^(ERR_TLS_|ERR_SSL_|CERT_)/.test(code) || /SELF_SIGNED|UNABLE_TO_|_CERT/.test(code) || code === 'EPROTO')) return true;
  return /certificate|ssl|tls/i.test(message);
}

/** The code of the error or of its cause (undici wraps socket errors). */
function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current !== null && typeof current === 'object'; depth += 1) {
    const code = (current as { code?: unknown }).code;
    // Node reports failed attempts on several addresses (IPv4 and IPv6) as one AggregateError.
    if (code === undefined && current instanceof AggregateError) return errorCode(current.errors[0]);
    if (typeof code === 'string' && code !== 'UND_ERR' && code !== 'UND_ERR_SOCKET') return code;
    if (code === 'UND_ERR_SOCKET') {
      // A socket error's cause is usually the more precise one (ECONNRESET).
      const causeCode = errorCode((current as { cause?: unknown }).cause);
      return causeCode ?? code;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function errorMessage(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return errorMessage(error.errors[0]);
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

function originOrUrl(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return url;
  }
}
