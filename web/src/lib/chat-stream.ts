/**
 * Reading a chat answer as it is generated. The answer is a server-owned job: this side only reads
 * its numbered SSE events. When the connection drops (or goes silent past the deadline, or the
 * browser goes offline) the reader re-attaches with `GET /api/v1/chats/{id}/stream` and
 * `Last-Event-ID`, so the text continues where it stopped, with nothing lost or repeated. An
 * answer that ended meanwhile comes back whole (`final: true`), replacing what was shown.
 * Stop asks the server to stop the job, then aborts the read.
 */
import { ApiError, formatSeconds, isApiError, streamError } from './api-error';
import { backoffDelay, sleep } from './backoff';
import { segment, type ApiClient } from './api';
import { SseParser, type SseEvent } from './sse';
import type { ChatStreamHead } from './types';

export interface StreamUsage {
  prompt_tokens?: number;
  completion_tokens?: number;
  total_tokens?: number;
}

export type ConnectionState = { status: 'connected' } | { status: 'reconnecting' | 'offline'; message: string };

export interface ChatStreamHandlers {
  onHead?(head: ChatStreamHead): void;
  /** What was shown so far is replaced by what follows (the whole answer comes again). */
  onReset?(): void;
  onDelta?(delta: { content?: string; reasoning?: string }): void;
  onUsage?(usage: StreamUsage): void;
  onConnection?(state: ConnectionState): void;
}

export type ChatStreamOutcome =
  | { kind: 'done'; finishReason: string }
  /** The user pressed Stop. */
  | { kind: 'stopped' }
  /** The reader left (another chat opened); the answer goes on on the server. */
  | { kind: 'detached' }
  | { kind: 'error'; error: ApiError };

export interface ChatStreamTarget {
  chatId: string;
  /** The answer's message id. */
  messageId: string;
  /** The completions body to start the answer with; absent to only re-attach to a running one. */
  body?: Record<string, unknown>;
}

export interface ChatStreamHandle {
  readonly done: Promise<ChatStreamOutcome>;
  /** Stops the answer on the server and stops reading. */
  stop(): Promise<void>;
  /** Stops reading only. */
  detach(): void;
}

export interface ChatStreamOptions {
  /** Reconnection attempts while online before giving up (8: about a minute). */
  maxReconnects?: number;
  /** How long the connection may stay silent (the server pings every 10 s); the client's deadline by default. */
  idleMs?: number;
}

/** Starts (or re-attaches to) an answer and reads it; see the top of this file. */
export function streamChat(client: ApiClient, target: ChatStreamTarget, handlers: ChatStreamHandlers, options: ChatStreamOptions = {}): ChatStreamHandle {
  const controller = new AbortController();
  let ending: 'stopped' | 'detached' | undefined;
  let headSeen = false;
  let stopRequest: Promise<void> | undefined;

  const sendStop = (): Promise<void> => {
    stopRequest ??= client
      .post(`/api/tasks/chat/${segment(target.chatId)}/stop`, {}, { idempotent: true })
      .then(() => undefined)
      .catch(() => undefined);
    controller.abort();
    return stopRequest;
  };

  const done = readAnswer(client, target, handlers, options, controller.signal, {
    ending: () => ending,
    sawHead: () => {
      headSeen = true;
      // Stop was pressed before the server had taken the request: stop it now that it has.
      if (ending === 'stopped') void sendStop();
    },
  });

  return {
    done,
    stop() {
      if (ending !== undefined) return stopRequest ?? Promise.resolve();
      ending = 'stopped';
      if (headSeen || target.body === undefined) return sendStop();
      // Not started on the server yet: keep reading until it has (or a few seconds passed), then stop.
      return new Promise<void>((resolve) => {
        const timer = setTimeout(() => void sendStop().then(resolve), 5000);
        void done.finally(() => {
          clearTimeout(timer);
          void sendStop().then(resolve);
        });
      });
    },
    detach() {
      if (ending !== undefined) return;
      ending = 'detached';
      controller.abort();
    },
  };
}

interface ReadControl {
  ending(): 'stopped' | 'detached' | undefined;
  sawHead(): void;
}

async function readAnswer(
  client: ApiClient,
  target: ChatStreamTarget,
  handlers: ChatStreamHandlers,
  options: ChatStreamOptions,
  signal: AbortSignal,
  control: ReadControl,
): Promise<ChatStreamOutcome> {
  const parser = new SseParser();
  const maxReconnects = options.maxReconnects ?? 8;
  let outcome: ChatStreamOutcome | undefined;
  let finishReason = 'stop';
  let receivedAny = false;
  let eventsRead = 0;
  let failures = 0;
  let reconnecting = false;
  let dropMessage = 'Connection lost — reconnecting…';

  const onEvent = (event: SseEvent): boolean => {
    receivedAny = true;
    eventsRead += 1;
    if (event.event === 'chat') {
      const head = JSON.parse(event.data) as ChatStreamHead;
      if (head.final === true) handlers.onReset?.();
      control.sawHead();
      handlers.onHead?.(head);
      return false;
    }
    if (event.data === '[DONE]') {
      outcome = { kind: 'done', finishReason };
      return true;
    }
    let payload: StreamPayload;
    try {
      payload = JSON.parse(event.data) as StreamPayload;
    } catch {
      return false;
    }
    if (payload.error !== undefined && payload.error !== null) {
      outcome = { kind: 'error', error: streamError(typeof payload.error === 'object' ? payload.error : { message: String(payload.error) }) };
      return true;
    }
    const choice = payload.choices?.[0];
    const content = choice?.delta?.content;
    const reasoning = choice?.delta?.reasoning_content ?? choice?.delta?.reasoning;
    if ((typeof content === 'string' && content !== '') || (typeof reasoning === 'string' && reasoning !== '')) {
      handlers.onDelta?.({
        ...(typeof content === 'string' && content !== '' ? { content } : {}),
        ...(typeof reasoning === 'string' && reasoning !== '' ? { reasoning } : {}),
      });
    }
    if (typeof choice?.finish_reason === 'string') finishReason = choice.finish_reason;
    if (payload.usage !== undefined && payload.usage !== null) handlers.onUsage?.(payload.usage);
    return false;
  };

  const ended = (): ChatStreamOutcome | undefined => {
    const ending = control.ending();
    return ending === undefined ? undefined : { kind: ending };
  };

  for (let first = true; ; first = false) {
    try {
      const response = await open(client, target, parser.lastEventId, first, signal);
      // A re-attach from the start replays the whole answer: what is shown now is replaced.
      if (!(first && target.body !== undefined) && parser.lastEventId === '') handlers.onReset?.();
      if (reconnecting) handlers.onConnection?.({ status: 'connected' });
      reconnecting = false;
      const before = eventsRead;
      const result = await readEvents(response, parser, onEvent, options.idleMs ?? client.timeoutMs, client, signal);
      if (outcome !== undefined) return outcome;
      // A connection that brought something resets the count; one that brought nothing counts as a failure.
      failures = eventsRead > before ? 1 : failures + 1;
      dropMessage = result === 'idle' ? `The server sent nothing for ${formatSeconds(options.idleMs ?? client.timeoutMs)} — reconnecting…` : 'Connection lost — reconnecting…';
    } catch (error) {
      const stopped = ended();
      if (stopped !== undefined) return stopped;
      if (!isApiError(error)) return { kind: 'error', error: new ApiError('stream', `The answer could not be read: ${String(error)}`, { cause: error }) };
      if (error.kind === 'http' && !error.retryable) return { kind: 'error', error: refusal(error, first && target.body !== undefined, receivedAny) };
      // The first request got a gateway error: it may or may not have reached Astra; re-attaching finds out.
      dropMessage = error.kind === 'timeout' ? `${error.message} — reconnecting…` : 'Connection lost — reconnecting…';
      failures += 1;
    }
    const stopped = ended();
    if (stopped !== undefined) return stopped;
    if (failures > maxReconnects) {
      return { kind: 'error', error: new ApiError('network', 'Lost the connection to the server. The answer goes on there: open the chat again to see it.') };
    }
    reconnecting = true;
    parser.end();
    try {
      await waitToReconnect(client, failures, dropMessage, handlers, signal);
    } catch {
      return ended() ?? { kind: 'detached' };
    }
  }
}

interface StreamPayload {
  choices?: Array<{ delta?: { content?: unknown; reasoning_content?: unknown; reasoning?: unknown }; finish_reason?: unknown }>;
  usage?: StreamUsage | null;
  error?: { message?: unknown; code?: unknown } | string | null;
}

function open(client: ApiClient, target: ChatStreamTarget, lastEventId: string, first: boolean, signal: AbortSignal): Promise<Response> {
  if (first && target.body !== undefined) return client.openStream('POST', '/api/chat/completions', { body: target.body, signal });
  const path = `/api/v1/chats/${segment(target.chatId)}/stream?message_id=${segment(target.messageId)}`;
  return client.openStream('GET', path, { signal, headers: lastEventId === '' ? {} : { 'last-event-id': lastEventId } });
}

/** The error to show when the server refused to start or resume the answer. */
function refusal(error: ApiError, starting: boolean, receivedAny: boolean): ApiError {
  if (error.status !== 404 || starting) return error;
  return new ApiError(
    'http',
    receivedAny ? 'The answer is no longer available on the server — open the chat again to see what was saved' : 'The server never received this message — try again',
    { status: 404, code: error.code },
  );
}

/**
 * Reads events until the stream ends ('ended'), stays silent for `idleMs` ('idle'), the browser
 * goes offline ('offline'), or `onEvent` says the answer is over ('over'). Aborting `signal` rejects.
 */
async function readEvents(
  response: Response,
  parser: SseParser,
  onEvent: (event: SseEvent) => boolean,
  idleMs: number,
  client: ApiClient,
  signal: AbortSignal,
): Promise<'ended' | 'idle' | 'offline' | 'over'> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let cut: 'idle' | 'offline' | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const cutShort = (reason: 'idle' | 'offline'): void => {
    cut ??= reason;
    void reader.cancel().catch(() => undefined);
  };
  const arm = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => cutShort('idle'), idleMs);
  };
  const unwatch = client.connectivity.watch((online) => {
    if (!online) cutShort('offline');
  });
  try {
    arm();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return cut ?? 'ended';
      arm();
      for (const event of parser.push(decoder.decode(value, { stream: true }))) {
        if (onEvent(event)) {
          void reader.cancel().catch(() => undefined);
          return 'over';
        }
      }
    }
  } catch (error) {
    if (signal.aborted) throw new ApiError('aborted', 'Cancelled', { cause: error });
    if (cut !== undefined) return cut;
    // The connection broke mid-answer.
    return 'ended';
  } finally {
    clearTimeout(timer);
    unwatch();
  }
}

/** Waits before the next attempt, saying why; while offline, until the browser is back online. */
async function waitToReconnect(client: ApiClient, attempt: number, message: string, handlers: ChatStreamHandlers, signal: AbortSignal): Promise<void> {
  if (!client.connectivity.isOnline()) {
    handlers.onConnection?.({ status: 'offline', message: 'You are offline — reconnecting…' });
    await new Promise<void>((resolve, reject) => {
      const unwatch = client.connectivity.watch((online) => {
        if (online) finish();
      });
      // Browsers do not always announce the way back: look again now and then.
      const poll = setInterval(() => {
        if (client.connectivity.isOnline()) finish();
      }, 5000);
      const onAbort = (): void => {
        cleanup();
        reject(signal.reason);
      };
      function cleanup(): void {
        unwatch();
        clearInterval(poll);
        signal.removeEventListener('abort', onAbort);
      }
      function finish(): void {
        cleanup();
        resolve();
      }
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    });
  } else {
    handlers.onConnection?.({ status: 'reconnecting', message });
  }
  await sleep(backoffDelay(attempt - 1, client.backoff), signal);
}
