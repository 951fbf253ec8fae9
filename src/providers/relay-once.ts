/**
 * The non-streaming relay: one whole answer, with the same failover as the streaming one. Either
 * the answer (status 2xx, its headers and body, and which candidate gave it) or an UpstreamError.
 */
import type { IncomingHttpHeaders } from 'node:http';
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
    let index = 0;
    let exchange: Exchange | undefined;
    signal.addEventListener('abort', () => exchange?.abort(), { once: true });

    const attempt = (): void => {
      const candidate = plan.candidates[index]!;
      const release = deps.balancer.acquire(candidate.connection.id);
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
            release();
            resolve({ candidate, headers, body: Buffer.concat(chunks), timings: exchange!.timings });
          },
          onError(error: UpstreamError) {
            release();
            if (error.failure.worthRetrying && index + 1 < plan.candidates.length && !signal.aborted) {
              deps.logger.warn({ connection: candidate.connection.baseUrl, error: error.failure.message }, 'model server failed; trying the next one');
              index += 1;
              attempt();
              return;
            }
            reject(error);
          },
        },
      );
    };
    attempt();
  });
}
