/**
 * The non-streaming relay: one whole answer, with the same failover as the streaming one (the next
 * candidate on a refused connection, a 5xx or a short 429; one more try of the last candidate after
 * a short Retry-After). Either the answer (status 2xx, its headers and body, and which candidate
 * gave it) or an UpstreamError; when `signal` aborts (the client went away), the upstream request
 * is aborted and the promise rejects with the signal's reason.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { createFailover } from './failover';
import type { RelayCandidate, RelayDeps, RelayPlan } from './relay';
import type { UpstreamError } from './upstream-error';
import { startExchange, type Exchange, type ExchangeTimings } from './upstream-exchange';

export interface WholeAnswer {
  candidate: RelayCandidate;
  headers: IncomingHttpHeaders;
  body: Buffer;
  timings: ExchangeTimings;
}

export function relayOnce(deps: RelayDeps, plan: Omit<RelayPlan, 'translator'>, signal: AbortSignal): Promise<WholeAnswer> {
  return new Promise((resolve, reject) => {
    const failover = createFailover(plan.candidates, deps.logger);
    let exchange: Exchange | undefined;
    let release: (() => void) | undefined;
    let retryTimer: NodeJS.Timeout | undefined;
    const onAbort = (): void => {
      clearTimeout(retryTimer);
      exchange?.abort();
      // An aborted exchange tells its sink nothing, so the in-flight count is given back here;
      // otherwise the connection would look busy for ever and lose its share of requests.
      release?.();
      reject(signal.reason);
    };
    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    const settle = (): void => {
      release?.();
      signal.removeEventListener('abort', onAbort);
    };

    const attempt = (): void => {
      const candidate = failover.candidate;
      release = deps.balancer.acquire(candidate.connection.id);
      const chunks: Buffer[] = [];
      let headers: IncomingHttpHeaders = {};
      exchange = startExchange(
        { ...plan.request(candidate), dispatcher: deps.registry.dispatcherFor(candidate.connection), timeouts: deps.timeouts },
        {
          onStart(_status, responseHeaders) {
            headers = responseHeaders;
          },
          onData(chunk) {
            chunks.push(chunk);
            return true;
          },
          onEnd() {
            settle();
            resolve({ candidate, headers, body: Buffer.concat(chunks), timings: exchange!.timings });
          },
          onError(error: UpstreamError) {
            release?.();
            const wait = signal.aborted ? undefined : failover.afterFailure(error.failure);
            if (wait !== undefined) {
              if (wait === 0) attempt();
              else retryTimer = setTimeout(attempt, wait);
              return;
            }
            settle();
            reject(error);
          },
        },
      );
    };
    attempt();
  });
}
