/**
 * One request to a model server, streamed straight into a sink with no buffering in between, and
 * bounded phase by phase: connect and first token share the AIOHTTP_CLIENT_TIMEOUT budget (from the
 * moment we ask), then silence between chunks is bounded by the idle timeout, and an optional cap
 * bounds the whole reply. A healthy long answer is never cut.
 *
 * Built on undici's dispatch handler interface: each chunk goes from the socket to the sink in one
 * call, with backpressure through pause/resume, and no stream objects in between.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import { parseUpstreamErrorBody } from './openai';
import { parseRetryAfter, serverLabel, UpstreamError, upstreamFailures, type UpstreamFailure, type UpstreamPhase } from './upstream-error';

export interface ExchangeTimeouts {
  /** From asking to the first token (AIOHTTP_CLIENT_TIMEOUT). */
  firstTokenMs: number;
  /** Longest silence between chunks once the answer flows (AIOHTTP_CLIENT_STREAM_IDLE_TIMEOUT). */
  idleMs: number;
  /** Optional cap on the whole exchange (AIOHTTP_CLIENT_TIMEOUT_TOTAL). */
  totalMs: number | undefined;
}

export interface ExchangeSink {
  /** The server answered 2xx and its body starts now. */
  onStart(statusCode: number, headers: IncomingHttpHeaders): void;
  /** A chunk, as it came off the socket. Return false when the client cannot take more for now. */
  onData(chunk: Buffer): boolean;
  onEnd(): void;
  /** Called once, instead of onEnd, when the exchange fails (not when it is aborted). */
  onError(error: UpstreamError): void;
}

export interface ExchangeRequest {
  dispatcher: Dispatcher;
  /** The base URL of the connection, e.g. http://gpu1:11434 or https://api.example.com/v1. */
  baseUrl: string;
  /** Appended to the base URL's path, e.g. /chat/completions. */
  path: string;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string | Buffer;
  timeouts: ExchangeTimeouts;
  /** Whether a chunk carries the first real output; until one does, the first-token budget runs. */
  carriesToken?: (chunk: Buffer) => boolean;
}

export interface ExchangeTimings {
  startedAt: number;
  requestSentAt: number | undefined;
  headersAt: number | undefined;
  firstTokenAt: number | undefined;
}

export interface Exchange {
  readonly timings: ExchangeTimings;
  /** Lets data flow again after the sink returned false. */
  resume(): void;
  /** Ends the exchange now (client gone, Stop pressed); the sink hears nothing more. */
  abort(): void;
}

/** Error bodies larger than this are cut when read for the message. */
const errorBodyLimit = 64 * 1024;

class TimeoutMarker extends Error {
  constructor(readonly phase: UpstreamPhase, readonly afterMs: number) {
    super('timeout');
  }
}

export function startExchange(request: ExchangeRequest, sink: ExchangeSink): Exchange {
  const { url, server } = parsedBaseUrl(request.baseUrl);
  const timings: ExchangeTimings = { startedAt: performance.now(), requestSentAt: undefined, headersAt: undefined, firstTokenAt: undefined };
  let phase: UpstreamPhase = 'connect';
  let controller: Dispatcher.DispatchController | undefined;
  let settled = false;
  let aborted = false;
  let paused = false;
  let errorBody: { status: number; headers: IncomingHttpHeaders; chunks: Buffer[]; size: number } | undefined;
  const carriesToken = request.carriesToken;

  const clearTimers = (): void => {
    clearTimeout(budget);
    if (idle) clearTimeout(idle);
    if (total) clearTimeout(total);
  };
  const fail = (failure: UpstreamFailure, cause?: unknown): void => {
    if (settled) return;
    settled = true;
    clearTimers();
    sink.onError(new UpstreamError(failure, cause));
  };
  const timeOut = (marker: TimeoutMarker): void => {
    if (settled) return;
    fail(upstreamFailures.timedOut(server, marker.phase, marker.afterMs));
    // Still queued for a socket: onRequestStart aborts it when it gets one.
    aborted = true;
    controller?.abort(marker);
  };

  const budget = setTimeout(() => timeOut(new TimeoutMarker(phase, request.timeouts.firstTokenMs)), request.timeouts.firstTokenMs);
  let idle: NodeJS.Timeout | undefined;
  const total =
    request.timeouts.totalMs === undefined
      ? undefined
      : setTimeout(() => timeOut(new TimeoutMarker('total', request.timeouts.totalMs!)), request.timeouts.totalMs);

  const firstToken = (): void => {
    phase = 'stream';
    timings.firstTokenAt = performance.now();
    clearTimeout(budget);
    idle = setTimeout(() => {
      // A paused exchange waits for our client, not for the server: that is not the server's silence.
      if (paused) idle?.refresh();
      else timeOut(new TimeoutMarker('stream', request.timeouts.idleMs));
    }, request.timeouts.idleMs);
  };

  const handler: Dispatcher.DispatchHandler = {
    onRequestStart(dispatchController) {
      controller = dispatchController;
      if (aborted) dispatchController.abort(new Error('aborted'));
      phase = 'response';
      timings.requestSentAt = performance.now();
    },
    onResponseStart(dispatchController, statusCode, headers) {
      controller = dispatchController;
      timings.headersAt = performance.now();
      if (statusCode < 200 || statusCode >= 300) {
        errorBody = { status: statusCode, headers, chunks: [], size: 0 };
        return;
      }
      phase = 'first-token';
      sink.onStart(statusCode, headers);
    },
    onResponseData(dispatchController, chunk) {
      if (settled) return;
      if (errorBody) {
        if (errorBody.size < errorBodyLimit) errorBody.chunks.push(chunk);
        errorBody.size += chunk.length;
        return;
      }
      if (phase === 'first-token') {
        if (carriesToken === undefined || carriesToken(chunk)) firstToken();
      } else {
        idle?.refresh();
      }
      if (!sink.onData(chunk)) {
        paused = true;
        dispatchController.pause();
      }
    },
    onResponseEnd() {
      if (settled) return;
      if (errorBody) {
        const bytes = Buffer.concat(errorBody.chunks).subarray(0, errorBodyLimit);
        const contentType = errorBody.headers['content-type'];
        fail(
          upstreamFailures.status(server, errorBody.status, parseUpstreamErrorBody(bytes), parseRetryAfter(errorBody.headers['retry-after']), {
            bytes,
            contentType: Array.isArray(contentType) ? contentType[0] : contentType,
          }),
        );
        return;
      }
      settled = true;
      clearTimers();
      sink.onEnd();
    },
    onResponseError(_dispatchController, error) {
      if (aborted || error instanceof TimeoutMarker) return;
      fail(upstreamFailures.network(server, phase, error), error);
    },
  };

  try {
    request.dispatcher.dispatch(
      {
        origin: url.origin,
        path: joinPath(url.pathname, request.path),
        method: request.method,
        headers: request.headers,
        body: request.body ?? null,
        // Our own timers bound each phase; undici's would cut a healthy slow start or a long answer.
        headersTimeout: 0,
        bodyTimeout: 0,
      },
      handler,
    );
  } catch (error) {
    fail(upstreamFailures.network(server, 'connect', error), error);
  }

  return {
    timings,
    resume() {
      if (!paused) return;
      paused = false;
      controller?.resume();
    },
    abort() {
      if (settled) return;
      settled = true;
      aborted = true;
      clearTimers();
      controller?.abort(new Error('aborted'));
    },
  };
}

const parsedBaseUrls = new Map<string, { url: URL; server: string }>();

/** Base URLs are few and asked for on every request: parse each once. */
function parsedBaseUrl(baseUrl: string): { url: URL; server: string } {
  let parsed = parsedBaseUrls.get(baseUrl);
  if (parsed === undefined) {
    parsed = { url: new URL(baseUrl), server: serverLabel(baseUrl) };
    if (parsedBaseUrls.size > 10_000) parsedBaseUrls.clear();
    parsedBaseUrls.set(baseUrl, parsed);
  }
  return parsed;
}

function joinPath(basePath: string, path: string): string {
  return basePath === '/' ? path : `${basePath.replace(/\/$/, '')}${path}`;
}
