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
  return new UpstreamExchange(request, sink);
}

/**
 * One exchange's state in one object: its methods live on the prototype and its timers call
 * module-level functions, so a request allocates no closures here. Once settled it lets go of its
 * sink and of undici's controller: whatever still points at a finished exchange (a timer list,
 * the undici request) then holds only this small object, not the whole answer and its client.
 */
class UpstreamExchange implements Exchange, Dispatcher.DispatchHandler {
  readonly timings: ExchangeTimings;
  private readonly server: string;
  private readonly timeouts: ExchangeTimeouts;
  private readonly carriesToken: ((chunk: Buffer) => boolean) | undefined;
  private sink: ExchangeSink | undefined;
  private controller: Dispatcher.DispatchController | undefined;
  private phase: UpstreamPhase = 'connect';
  private settled = false;
  private aborted = false;
  private paused = false;
  private errorBody: { status: number; headers: IncomingHttpHeaders; chunks: Buffer[]; size: number } | undefined;
  private budget: NodeJS.Timeout | undefined;
  private idle: NodeJS.Timeout | undefined;
  private total: NodeJS.Timeout | undefined;

  constructor(request: ExchangeRequest, sink: ExchangeSink) {
    const { origin, basePath, server } = parsedBaseUrl(request.baseUrl);
    this.timings = { startedAt: performance.now(), requestSentAt: undefined, headersAt: undefined, firstTokenAt: undefined };
    this.server = server;
    this.timeouts = request.timeouts;
    this.carriesToken = request.carriesToken;
    this.sink = sink;
    this.budget = setTimeout(onBudgetSpent, request.timeouts.firstTokenMs, this);
    if (request.timeouts.totalMs !== undefined) this.total = setTimeout(onTotalSpent, request.timeouts.totalMs, this);
    try {
      request.dispatcher.dispatch(
        {
          origin,
          path: basePath + request.path,
          method: request.method,
          headers: request.headers,
          body: request.body ?? null,
          // Our own timers bound each phase; undici's would cut a healthy slow start or a long answer.
          headersTimeout: 0,
          bodyTimeout: 0,
        },
        this,
      );
    } catch (error) {
      this.fail(upstreamFailures.network(server, 'connect', error), error);
    }
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.controller?.resume();
  }

  abort(): void {
    if (this.settled) return;
    this.aborted = true;
    const controller = this.controller;
    this.settle();
    controller?.abort(new Error('aborted'));
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    if (this.settled) {
      // Aborted or timed out while still queued for a socket.
      if (this.aborted) controller.abort(new Error('aborted'));
      return;
    }
    this.controller = controller;
    this.phase = 'response';
    this.timings.requestSentAt = performance.now();
  }

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    if (this.settled) return;
    this.controller = controller;
    this.timings.headersAt = performance.now();
    if (statusCode < 200 || statusCode >= 300) {
      this.errorBody = { status: statusCode, headers, chunks: [], size: 0 };
      return;
    }
    this.phase = 'first-token';
    this.sink!.onStart(statusCode, headers);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.settled) return;
    const errorBody = this.errorBody;
    if (errorBody) {
      if (errorBody.size < errorBodyLimit) errorBody.chunks.push(chunk);
      errorBody.size += chunk.length;
      return;
    }
    if (this.phase === 'first-token') {
      if (this.carriesToken === undefined || this.carriesToken(chunk)) this.firstToken();
    } else {
      this.idle?.refresh();
    }
    // The sink may have aborted the exchange from inside onData.
    if (!this.sink!.onData(chunk) && !this.settled) {
      this.paused = true;
      controller.pause();
    }
  }

  onResponseEnd(): void {
    if (this.settled) return;
    const errorBody = this.errorBody;
    if (errorBody) {
      const bytes = Buffer.concat(errorBody.chunks).subarray(0, errorBodyLimit);
      const contentType = errorBody.headers['content-type'];
      this.fail(
        upstreamFailures.status(this.server, errorBody.status, parseUpstreamErrorBody(bytes), parseRetryAfter(errorBody.headers['retry-after']), {
          bytes,
          contentType: Array.isArray(contentType) ? contentType[0] : contentType,
        }),
      );
      return;
    }
    const sink = this.sink!;
    this.settle();
    sink.onEnd();
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    if (this.settled || error instanceof TimeoutMarker) return;
    this.fail(upstreamFailures.network(this.server, this.phase, error), error);
  }

  /** A phase's budget ran out: the error goes to the sink and the request is cut. */
  private timeOut(phase: UpstreamPhase, afterMs: number): void {
    if (this.settled) return;
    this.aborted = true;
    const controller = this.controller;
    this.fail(upstreamFailures.timedOut(this.server, phase, afterMs));
    // Still queued for a socket: onRequestStart aborts it when it gets one.
    controller?.abort(new TimeoutMarker(phase, afterMs));
  }

  /** The first-token budget ran out, in whatever phase the exchange is. */
  budgetSpent(): void {
    this.timeOut(this.phase, this.timeouts.firstTokenMs);
  }

  totalSpent(): void {
    this.timeOut('total', this.timeouts.totalMs!);
  }

  /** The idle timer fired: a paused exchange waits for our client, not for the server. */
  idleSpent(): void {
    if (this.paused) this.idle?.refresh();
    else this.timeOut('stream', this.timeouts.idleMs);
  }

  private firstToken(): void {
    this.phase = 'stream';
    this.timings.firstTokenAt = performance.now();
    clearTimeout(this.budget);
    this.budget = undefined;
    this.idle = setTimeout(onIdleSpent, this.timeouts.idleMs, this);
  }

  private fail(failure: UpstreamFailure, cause?: unknown): void {
    if (this.settled) return;
    const sink = this.sink!;
    this.settle();
    sink.onError(new UpstreamError(failure, cause));
  }

  /** Ends every timer and lets go of the sink and the controller: nothing more reaches either. */
  private settle(): void {
    this.settled = true;
    if (this.budget !== undefined) clearTimeout(this.budget);
    if (this.idle !== undefined) clearTimeout(this.idle);
    if (this.total !== undefined) clearTimeout(this.total);
    this.budget = this.idle = this.total = undefined;
    this.sink = undefined;
    this.controller = undefined;
    this.errorBody = undefined;
  }
}

function onBudgetSpent(exchange: UpstreamExchange): void {
  exchange.budgetSpent();
}

function onTotalSpent(exchange: UpstreamExchange): void {
  exchange.totalSpent();
}

function onIdleSpent(exchange: UpstreamExchange): void {
  exchange.idleSpent();
}

const parsedBaseUrls = new Map<string, { origin: string; basePath: string; server: string }>();

/** Base URLs are few and asked for on every request. A base URL, parsed once: its origin, its path without the trailing slash ('' for '/'), and its label in messages. */
function parsedBaseUrl(baseUrl: string): { origin: string; basePath: string; server: string } {
  let parsed = parsedBaseUrls.get(baseUrl);
  if (parsed === undefined) {
    const url = new URL(baseUrl);
    parsed = { origin: url.origin, basePath: url.pathname.replace(/\/+$/, ''), server: serverLabel(baseUrl) };
    if (parsedBaseUrls.size > 10_000) parsedBaseUrls.clear();
    parsedBaseUrls.set(baseUrl, parsed);
  }
  return parsed;
}

