/**
 * A client for chat generations: reads the numbered SSE events of `POST /api/chat/completions`
 * (with `chat_id`) or of a re-attach (`GET /api/v1/chats/{id}/stream` with `Last-Event-ID`), keeping
 * each event's number and text, and can hang up (close its connection) once it has seen a given
 * event, as a user closing the tab or losing the network does.
 */
import { StringDecoder } from 'node:string_decoder';
import type { Dispatcher } from 'undici';

export interface ChatEvent {
  /** The `id:` line; undefined when the event had none. */
  id: number | undefined;
  /** The `event:` line ("chat" for the head), or undefined. */
  name: string | undefined;
  /** Text content of the delta (empty when the event carries none). */
  content: string;
  /** `data: [DONE]`. */
  done: boolean;
  /** An error event's message. */
  error: string | undefined;
}

export interface ChatStreamResult {
  status: number;
  /** Complete events, in order of arrival (ping comments left out). */
  events: ChatEvent[];
  /** The client hung up on purpose (after `hangUpAfterId`). */
  hungUp: boolean;
  /** The request failed, answered non-200 or timed out (not set for a deliberate hang-up). */
  error: string | undefined;
}

export interface ChatRequest {
  origin: string;
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** One SSE event block (without the blank line) as a ChatEvent; undefined for a comment-only block (ping). */
function parseEvent(block: string): ChatEvent | undefined {
  let id: number | undefined;
  let name: string | undefined;
  let data: string | undefined;
  for (const line of block.split('\n')) {
    if (line.startsWith('id:')) id = Number(line.slice(3).trim());
    else if (line.startsWith('event:')) name = line.slice(6).trim();
    else if (line.startsWith('data:')) data = data === undefined ? line.slice(5).trimStart() : `${data}\n${line.slice(5).trimStart()}`;
  }
  if (data === undefined && id === undefined) return undefined;
  const event: ChatEvent = { id, name, content: '', done: false, error: undefined };
  if (data === undefined) return event;
  if (data === '[DONE]') {
    event.done = true;
    return event;
  }
  let payload: { error?: { message?: string } | string; choices?: Array<{ delta?: { content?: unknown } }> };
  try {
    payload = JSON.parse(data) as typeof payload;
  } catch {
    event.error = `not JSON: ${data.slice(0, 200)}`;
    return event;
  }
  if (payload.error !== undefined) {
    event.error = typeof payload.error === 'string' ? payload.error : (payload.error.message ?? JSON.stringify(payload.error));
    return event;
  }
  const content = payload.choices?.[0]?.delta?.content;
  if (typeof content === 'string') event.content = content;
  return event;
}

/**
 * Sends one request and reads its events until the end, or until an event numbered
 * `hangUpAfterId` or higher has arrived (then the connection is closed). Never rejects.
 */
export function readChatStream(agent: Dispatcher, request: ChatRequest, options: { hangUpAfterId?: number; timeoutMs: number }): Promise<ChatStreamResult> {
  return new Promise((resolve) => {
    const result: ChatStreamResult = { status: 0, events: [], hungUp: false, error: undefined };
    const decoder = new StringDecoder('utf8');
    let pending = '';
    let errorBody = '';
    let settled = false;
    let lastId = 0;
    let sawDone = false;
    let controllerRef: Dispatcher.DispatchController | undefined;
    const settle = (error?: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error !== undefined) result.error = error;
      resolve(result);
    };
    const timer = setTimeout(() => {
      controllerRef?.abort(new Error('bench timeout'));
      settle(`no complete answer within ${options.timeoutMs} ms`);
    }, options.timeoutMs);

    agent.dispatch(
      { origin: request.origin, path: request.path, method: request.method, headers: request.headers, body: request.body },
      {
        onRequestStart(controller) {
          controllerRef = controller;
        },
        onResponseStart(_controller, statusCode) {
          result.status = statusCode;
        },
        onResponseData(controller, chunk) {
          if (settled) return;
          if (result.status !== 200) {
            if (errorBody.length < 500) errorBody += chunk.toString('utf8');
            return;
          }
          pending += decoder.write(chunk);
          let end = pending.indexOf('\n\n');
          while (end !== -1) {
            const event = parseEvent(pending.slice(0, end));
            pending = pending.slice(end + 2);
            if (event !== undefined) {
              result.events.push(event);
              if (event.id !== undefined) lastId = event.id;
              if (event.done) sawDone = true;
            }
            end = pending.indexOf('\n\n');
          }
          if (options.hangUpAfterId !== undefined && lastId >= options.hangUpAfterId && !sawDone) {
            result.hungUp = true;
            // Settled first: the abort reports itself through onResponseError, and it is no failure.
            settle();
            controller.abort(new Error('the client hung up'));
          }
        },
        onResponseEnd() {
          if (result.status !== 200) settle(`HTTP ${result.status}: ${errorBody.slice(0, 200)}`);
          else settle();
        },
        onResponseError(_controller, error) {
          settle(`${error.name}: ${error.message}`);
        },
      },
    );
  });
}

/** The number of the last complete event with an id (0: none), what a client sends as Last-Event-ID. */
export function lastEventId(events: readonly ChatEvent[]): number {
  for (let index = events.length - 1; index >= 0; index -= 1) {
    const id = events[index]!.id;
    if (id !== undefined) return id;
  }
  return 0;
}
