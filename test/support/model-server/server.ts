/**
 * startModelServer: one plain node:http server on 127.0.0.1 speaking both the OpenAI-compatible
 * API (under /v1) and Ollama's API (under /api), with knobs for pacing and faults, and the
 * observability tests need: recorded requests, open/closed sockets, client aborts.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { BEHAVIOR_HEADER, DEFAULT_BEHAVIOR, behaviorForRequest, validateBehavior, type Behavior } from './behavior';
import { Exchange, type AbortedRequest, type RecordedRequest } from './exchange';
import { readBody, sendJson } from './http-io';
import { DEFAULT_OLLAMA_MODELS, DEFAULT_OPENAI_MODELS } from './model-catalog';
import { routeOllama } from './ollama-routes';
import { routeOpenai } from './openai-routes';
import type { StandInState } from './state';
import { Waiters } from './waiters';

export interface ModelServerOptions {
  /** Port on 127.0.0.1; default a random free port. */
  port?: number;
  /** Models for both protocols (overridden by `ollamaModels` / `openaiModels`). */
  models?: string[];
  ollamaModels?: string[];
  openaiModels?: string[];
  /** When set, the OpenAI routes require `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /** Initial server-wide behaviour (resetBehavior returns to it). */
  behavior?: Partial<Behavior>;
  /** What GET /api/version reports. Default "0.12.6". */
  ollamaVersion?: string;
  /** How many recent requests `requests` keeps. Default 1000. */
  requestLogLimit?: number;
}

export interface ModelServer {
  /** e.g. "http://127.0.0.1:41234" */
  readonly url: string;
  readonly port: number;
  /** `${url}/v1`, for `new OpenAI({ baseURL })`. */
  readonly openaiBaseUrl: string;
  /** `url`, for `new Ollama({ host })`. */
  readonly ollamaBaseUrl: string;
  /** The current server-wide behaviour. */
  readonly behavior: Readonly<Behavior>;
  /** Merges knobs into the server-wide behaviour (throws on an unknown knob or fault). */
  setBehavior(partial: Partial<Behavior>): void;
  /** Back to the behaviour the server started with. */
  resetBehavior(): void;
  /** Replaces the model list of one or both protocols. */
  setModels(models: { openai?: string[]; ollama?: string[] }): void;
  /** The most recent requests (oldest first), at most `requestLogLimit`. */
  readonly requests: readonly RecordedRequest[];
  /** Requests received over the server's life. */
  readonly totalRequests: number;
  /** The last recorded request, optionally only those to `path`. */
  lastRequest(path?: string): RecordedRequest | undefined;
  clearRequests(): void;
  /** Requests whose response has not finished or closed yet (streams in flight, hangs). */
  inFlightRequests(): number;
  /** TCP connections currently open. */
  openSockets(): number;
  readonly socketsOpened: number;
  readonly socketsClosed: number;
  /** Resolves once `socketsClosed` reaches `count`; rejects after `timeoutMs` (default 5000). */
  waitForSocketsClosed(count: number, timeoutMs?: number): Promise<void>;
  /** Requests whose client went away before the response finished. */
  readonly abortedRequests: number;
  /** Details of those aborts, oldest first (at most `requestLogLimit`). */
  readonly aborted: readonly AbortedRequest[];
  /** Calls `listener` on each client abort; returns an unsubscribe function. */
  onRequestAborted(listener: (aborted: AbortedRequest) => void): () => void;
  /** Resolves with the `count`-th abort (1-based over the server's life) once it happened; rejects after `timeoutMs` (default 5000). */
  waitForAbortedRequests(count: number, timeoutMs?: number): Promise<AbortedRequest>;
  /** Destroys every socket and stops the server. */
  close(): Promise<void>;
}

export async function startModelServer(options: ModelServerOptions = {}): Promise<ModelServer> {
  const initialBehavior: Behavior = { ...DEFAULT_BEHAVIOR, ...validateBehavior(options.behavior ?? {}) };
  let behavior: Behavior = initialBehavior;
  let idCounter = 0;
  const state: StandInState = {
    openaiModels: [...(options.openaiModels ?? options.models ?? DEFAULT_OPENAI_MODELS)],
    ollamaModels: [...(options.ollamaModels ?? options.models ?? DEFAULT_OLLAMA_MODELS)],
    apiKey: options.apiKey,
    ollamaVersion: options.ollamaVersion ?? '0.12.6',
    loadedOllamaModels: new Map(),
    nextId: () => (idCounter += 1),
  };
  const logLimit = options.requestLogLimit ?? 1000;
  const requests: RecordedRequest[] = [];
  const aborted: AbortedRequest[] = [];
  const abortListeners = new Set<(aborted: AbortedRequest) => void>();
  const sockets = new Set<Socket>();
  const waiters = new Waiters();
  let totalRequests = 0;
  let abortCount = 0;
  let inFlight = 0;
  let socketsOpened = 0;
  let socketsClosed = 0;
  let shuttingDown = false;

  const recordAbort = (exchange: Exchange): void => {
    abortCount += 1;
    const entry: AbortedRequest = {
      request: exchange.record,
      tokensSent: exchange.tokensSent,
      headersSent: exchange.response.headersSent,
      elapsedMs: performance.now() - exchange.startedAt,
    };
    aborted.push(entry);
    if (aborted.length > logLimit) aborted.shift();
    for (const listener of abortListeners) listener(entry);
    waiters.check();
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    inFlight += 1;
    // The connection may close while the body is still being read, before the Exchange exists.
    const lifecycle: { exchange?: Exchange; closedEarly: boolean } = { closedEarly: false };
    response.once('close', () => {
      inFlight -= 1;
      if (lifecycle.exchange === undefined) lifecycle.closedEarly = true;
      else if (lifecycle.exchange.markClosed(shuttingDown)) recordAbort(lifecycle.exchange);
    });
    const body = await readBody(request);
    const url = request.url ?? '/';
    const queryStart = url.indexOf('?');
    totalRequests += 1;
    const record: RecordedRequest = {
      id: totalRequests,
      method: request.method ?? 'GET',
      path: queryStart === -1 ? url : url.slice(0, queryStart),
      url,
      headers: request.headers,
      body: body.value,
      rawBody: body.text,
      receivedAt: Date.now(),
    };
    requests.push(record);
    if (requests.length > logLimit) requests.shift();

    let requestBehavior: Behavior;
    try {
      requestBehavior = behaviorForRequest(behavior, request.headers[BEHAVIOR_HEADER]);
    } catch (error) {
      sendJson(response, 400, { error: `stand-in: ${(error as Error).message}` });
      return;
    }
    const exchange = new Exchange(request, response, record, requestBehavior);
    lifecycle.exchange = exchange;
    if (lifecycle.closedEarly) {
      if (exchange.markClosed(shuttingDown)) recordAbort(exchange);
      return;
    }
    if (record.method === 'POST' && !body.isJson && record.path !== '/') {
      const message = body.value === undefined ? 'missing request body' : 'invalid JSON in request body';
      if (record.path.startsWith('/v1/')) sendJson(response, 400, { error: { message, type: 'invalid_request_error', param: null, code: null } });
      else sendJson(response, 400, { error: message });
      return;
    }
    if (record.path.startsWith('/v1/')) routeOpenai(exchange, state);
    else routeOllama(exchange, state);
  };

  const server = createServer({ noDelay: true }, (request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) sendJson(response, 500, { error: `stand-in failure: ${String(error)}` });
      else response.destroy();
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socketsOpened += 1;
    socket.once('close', () => {
      sockets.delete(socket);
      socketsClosed += 1;
      waiters.check();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    port,
    openaiBaseUrl: `${url}/v1`,
    ollamaBaseUrl: url,
    get behavior() {
      return behavior;
    },
    setBehavior(partial) {
      behavior = { ...behavior, ...validateBehavior(partial) };
    },
    resetBehavior() {
      behavior = initialBehavior;
    },
    setModels(models) {
      if (models.openai !== undefined) state.openaiModels = [...models.openai];
      if (models.ollama !== undefined) state.ollamaModels = [...models.ollama];
    },
    requests,
    get totalRequests() {
      return totalRequests;
    },
    lastRequest(path) {
      for (let index = requests.length - 1; index >= 0; index -= 1) {
        const request = requests[index];
        if (request !== undefined && (path === undefined || request.path === path)) return request;
      }
      return undefined;
    },
    clearRequests() {
      requests.length = 0;
    },
    inFlightRequests: () => inFlight,
    openSockets: () => sockets.size,
    get socketsOpened() {
      return socketsOpened;
    },
    get socketsClosed() {
      return socketsClosed;
    },
    waitForSocketsClosed(count, timeoutMs = 5000) {
      return waiters
        .waitFor(
          () => (socketsClosed >= count ? socketsClosed : undefined),
          timeoutMs,
          () => `expected ${count} closed socket(s), saw ${socketsClosed} (${sockets.size} open)`,
        )
        .then(() => undefined);
    },
    get abortedRequests() {
      return abortCount;
    },
    aborted,
    onRequestAborted(listener) {
      abortListeners.add(listener);
      return () => abortListeners.delete(listener);
    },
    waitForAbortedRequests(count, timeoutMs = 5000) {
      return waiters.waitFor(
        () => (abortCount >= count ? (aborted[aborted.length - 1 - (abortCount - count)] ?? aborted[0]) : undefined),
        timeoutMs,
        () => `expected ${count} aborted request(s), saw ${abortCount}`,
      );
    },
    async close() {
      shuttingDown = true;
      waiters.rejectAll('the model-server stand-in was closed');
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      const socketsGone = [...sockets].map((socket) => new Promise((resolve) => socket.once('close', resolve)));
      for (const socket of sockets) socket.destroy();
      await Promise.all([closed, ...socketsGone]);
    },
  };
}
