/**
 * A small bounded GET of a JSON document from a model server (model lists, version), on the
 * connection's pooled dispatcher. The whole request, headers and body, must finish within `timeoutMs`.
 */
import type { Dispatcher } from 'undici';
import { startExchange } from './upstream-exchange';
import { UpstreamError, upstreamFailures } from './upstream-error';

export function fetchJson(
  request: { dispatcher: Dispatcher; baseUrl: string; path: string; headers: Record<string, string>; timeoutMs: number },
  signal?: AbortSignal,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const settle = (action: () => void): void => {
      clearTimeout(timer);
      action();
    };
    const exchange = startExchange(
      {
        dispatcher: request.dispatcher,
        baseUrl: request.baseUrl,
        path: request.path,
        method: 'GET',
        headers: { accept: 'application/json', ...request.headers },
        timeouts: { firstTokenMs: request.timeoutMs, idleMs: request.timeoutMs, totalMs: undefined },
      },
      {
        onStart() {},
        onData(chunk) {
          chunks.push(chunk);
          return true;
        },
        onEnd() {
          settle(() => {
            try {
              resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
            } catch {
              reject(new UpstreamError(upstreamFailures.malformed(request.baseUrl, `${request.path} did not return JSON`)));
            }
          });
        },
        onError: (error) => settle(() => reject(error)),
      },
    );
    // One budget for all of it: a list is small, and a slow one must not hold up the page.
    const timer = setTimeout(() => {
      exchange.abort();
      reject(new UpstreamError(upstreamFailures.timedOut(request.baseUrl, 'response', request.timeoutMs)));
    }, request.timeoutMs);
    signal?.addEventListener(
      'abort',
      () =>
        settle(() => {
          exchange.abort();
          reject(signal.reason);
        }),
      { once: true },
    );
  });
}
