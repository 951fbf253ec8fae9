/**
 * For tests: reads a generation's SSE stream from Astra as it arrives, event by event (with the
 * `id:` numbers), and can hang up at any moment like a closed tab.
 */
import { request } from 'undici';
import type { GatewayUnderTest } from '../../../test/support/gateway';
import { createSseParser } from '../../providers';

export interface ReceivedEvent {
  /** The `id:` of the event (NaN when it had none). */
  id: number;
  event: string | undefined;
  data: string;
}

export interface OpenedStream {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The events so far. */
  events: ReceivedEvent[];
  /** The raw text so far (comments such as `: ping` included). */
  text(): string;
  /** Resolves once `predicate` holds for the events so far; rejects after `timeoutMs`. */
  until(predicate: (events: ReceivedEvent[]) => boolean, timeoutMs?: number): Promise<void>;
  /** Resolves when the server has ended the response (or it was hung up). */
  finished: Promise<void>;
  /** Hangs up, as a closed tab does. */
  hangUp(): void;
}

export async function openStream(
  gateway: Pick<GatewayUnderTest, 'url'>,
  path: string,
  options: { token: string; body?: unknown; headers?: Record<string, string> },
): Promise<OpenedStream> {
  const controller = new AbortController();
  const response = await request(`${gateway.url}${path}`, {
    method: options.body === undefined ? 'GET' : 'POST',
    headers: {
      authorization: `Bearer ${options.token}`,
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...options.headers,
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: controller.signal,
  });
  const events: ReceivedEvent[] = [];
  let raw = '';
  const waiters = new Set<() => void>();
  const parser = createSseParser((event) => {
    events.push({ id: event.id === undefined ? Number.NaN : Number(event.id), event: event.event, data: event.data });
    for (const waiter of [...waiters]) waiter();
  });
  let over = false;
  const finished = (async () => {
    try {
      for await (const chunk of response.body) {
        raw += Buffer.from(chunk as Uint8Array).toString('utf8');
        parser.push(chunk as Uint8Array);
      }
      parser.end();
    } catch {
      // Hung up.
    } finally {
      over = true;
      for (const waiter of [...waiters]) waiter();
    }
  })();

  return {
    status: response.statusCode,
    headers: response.headers,
    events,
    text: () => raw,
    finished,
    hangUp: () => controller.abort(),
    until(predicate, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          if (predicate(events)) {
            cleanup();
            resolve();
          } else if (over) {
            cleanup();
            reject(new Error(`the stream ended first; it had: ${raw.slice(-2000)}`));
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`timed out after ${timeoutMs} ms; the stream had: ${raw.slice(-2000)}`));
        }, timeoutMs);
        const cleanup = (): void => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
  };
}

/** The text of the `content` deltas of the events. */
export function contentOf(events: ReceivedEvent[]): string {
  let content = '';
  for (const event of events) {
    if (event.event !== undefined || event.data === '[DONE]') continue;
    const chunk = JSON.parse(event.data) as { choices?: Array<{ delta?: { content?: string | null } }> };
    content += chunk.choices?.[0]?.delta?.content ?? '';
  }
  return content;
}

/** The content deltas one by one (one per token with the stand-in). */
export function tokensOf(events: ReceivedEvent[]): string[] {
  return events.flatMap((event) => {
    if (event.event !== undefined || event.data === '[DONE]') return [];
    const chunk = JSON.parse(event.data) as { choices?: Array<{ delta?: { content?: string | null } }> };
    const content = chunk.choices?.[0]?.delta?.content;
    return content ? [content] : [];
  });
}

/** The error payloads of the events. */
export function errorsOf(events: ReceivedEvent[]): Array<{ message: string; code: string }> {
  return events.flatMap((event) => {
    if (event.event !== undefined || event.data === '[DONE]') return [];
    const payload = JSON.parse(event.data) as { error?: { message: string; code: string } };
    return payload.error === undefined ? [] : [payload.error];
  });
}

export const isDone = (events: ReceivedEvent[]): boolean => events.some((event) => event.data === '[DONE]');
