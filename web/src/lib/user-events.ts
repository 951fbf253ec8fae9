/**
 * Follows the user's events channel (`GET /api/v1/events`): chats created, renamed (a generated
 * title included), pinned, archived or deleted in this tab, another tab or another client. The
 * channel has no replay: after a reconnection the caller reloads what it shows once. A server
 * without the channel (404) is left alone.
 */
import { isApiError } from './api-error';
import { backoffDelay, sleep } from './backoff';
import type { ApiClient } from './api';
import { SseParser } from './sse';

export interface UserEvent {
  event: string;
  data: unknown;
}

export interface UserEventsHandlers {
  onEvent(event: UserEvent): void;
  /** Connected again after a break: events may have been missed. */
  onReconnected?(): void;
}

/** How long the channel may stay silent (the server pings every 15 s). */
const idleMs = 45_000;

/** Follows the channel until `signal` aborts. */
export async function followUserEvents(client: ApiClient, handlers: UserEventsHandlers, signal: AbortSignal): Promise<void> {
  let failures = 0;
  let connectedBefore = false;
  while (!signal.aborted) {
    try {
      const response = await client.openStream('GET', '/api/v1/events', { signal });
      if (connectedBefore) handlers.onReconnected?.();
      connectedBefore = true;
      if (await read(response, handlers, signal)) failures = 0;
    } catch (error) {
      if (signal.aborted) return;
      if (isApiError(error) && error.kind === 'http' && !error.retryable) {
        if (error.status === 404 || error.status === 401 || error.status === 403) return;
      }
    }
    if (signal.aborted) return;
    failures += 1;
    await sleep(backoffDelay(Math.min(failures, 6), { ...client.backoff, maxMs: 30_000 }), signal).catch(() => undefined);
  }
}

/** Reads events until the stream ends or stays silent; true when any arrived. */
async function read(response: Response, handlers: UserEventsHandlers, signal: AbortSignal): Promise<boolean> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  const parser = new SseParser();
  let received = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => void reader.cancel().catch(() => undefined), idleMs);
  };
  try {
    arm();
    for (;;) {
      const { value, done } = await reader.read();
      if (done || signal.aborted) return received;
      arm();
      for (const event of parser.push(decoder.decode(value, { stream: true }))) {
        let data: unknown;
        try {
          data = JSON.parse(event.data);
        } catch {
          continue;
        }
        received = true;
        handlers.onEvent({ event: event.event, data });
      }
    }
  } catch {
    return received;
  } finally {
    clearTimeout(timer);
  }
}
