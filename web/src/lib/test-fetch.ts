/** A scripted `fetch` for the API client's tests: each request is answered by the test's handler. */
import type { Connectivity } from './api';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
  credentials: RequestCredentials | undefined;
  signal: AbortSignal | undefined;
}

export type Handler = (request: RecordedRequest) => Response | Promise<Response>;

export function scriptedFetch(handler: Handler): { fetch: typeof fetch; requests: RecordedRequest[] } {
  const requests: RecordedRequest[] = [];
  const fetchImpl = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    const request: RecordedRequest = {
      method: init.method ?? 'GET',
      url: String(input),
      headers: Object.fromEntries(Object.entries((init.headers ?? {}) as Record<string, string>).map(([name, value]) => [name.toLowerCase(), value])),
      body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
      credentials: init.credentials,
      signal: init.signal ?? undefined,
    };
    requests.push(request);
    if (request.signal?.aborted) throw new DOMException('aborted', 'AbortError');
    return await new Promise<Response>((resolve, reject) => {
      request.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')), { once: true });
      Promise.resolve(handler(request)).then(resolve, reject);
    });
  };
  return { fetch: fetchImpl as typeof fetch, requests };
}

export const json = (status: number, body: unknown, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

/** A streamed SSE answer: each piece is written in turn; `end` says how the stream ends. */
export function sse(pieces: string[], end: 'close' | 'break' | 'hang' = 'close', signal?: AbortSignal): Response {
  const encoder = new TextEncoder();
  const queue = [...pieces];
  // Pieces are handed out as they are read, so a break comes after them (an error discards what is queued).
  const body = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        signal?.addEventListener('abort', () => {
          try {
            controller.error(new DOMException('aborted', 'AbortError'));
          } catch {
            // already closed
          }
        });
      },
      pull(controller) {
        const piece = queue.shift();
        if (piece !== undefined) {
          controller.enqueue(encoder.encode(piece));
          return;
        }
        if (end === 'close') controller.close();
        else if (end === 'break') controller.error(new TypeError('network error'));
        else return new Promise<void>(() => {});
      },
    },
    { highWaterMark: 0 },
  );
  return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
}

/** Connectivity the test switches by hand. */
export function manualConnectivity(online = true): Connectivity & { set(online: boolean): void } {
  const listeners = new Set<(online: boolean) => void>();
  let state = online;
  return {
    isOnline: () => state,
    watch(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    set(next) {
      state = next;
      for (const listener of [...listeners]) listener(next);
    },
  };
}
