/**
 * The non-streaming relay: one whole answer, with the same failover as the streaming one (the next
 * candidate on a refused connection, a 5xx or a short 429; one more try of the last candidate after
 * a short Retry-After). Either the answer (status 2xx, its headers and body, and which candidate
 * gave it) or an UpstreamError; when it is aborted (the client went away), the upstream request
 * is aborted and nothing more is tried.
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

/** A whole relay under way: its answer, and a way to end it early. */
export interface WholeRelay {
  /** The answer, or the UpstreamError that ended it; rejects with RelayAborted after `abort()`. */
  readonly answer: Promise<WholeAnswer>;
  /** Whether `abort()` was called. */
  readonly aborted: boolean;
  /** Aborts the upstream request (the client went away): nothing more is tried. */
  abort(): void;
}

/** Why a whole relay's answer rejected after `abort()`. */
export class RelayAborted extends Error {
  constructor() {
    super('the relay was aborted');
  }
}

/** Relays one whole answer; `signal` aborting does what `abort()` does. See the top of this file. */
export function relayOnce(deps: RelayDeps, plan: Omit<RelayPlan, 'translator'>, signal?: AbortSignal): Promise<WholeAnswer> {
  const relay = startWholeRelay(deps, plan);
  if (signal === undefined) return relay.answer;
  if (signal.aborted) relay.abort();
  else {
    const onAbort = (): void => relay.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    relay.answer.then(
      () => signal.removeEventListener('abort', onAbort),
      () => signal.removeEventListener('abort', onAbort),
    );
  }
  return relay.answer.catch((error: unknown) => {
    throw error instanceof RelayAborted ? signal.reason : error;
  });
}

/**
 * Starts a whole relay. The request path calls this (not `relayOnce`) with an `abort()` to call
 * when its client leaves: no AbortController and no event listeners per request.
 */
export function startWholeRelay(deps: RelayDeps, plan: Omit<RelayPlan, 'translator'>): WholeRelay {
  let aborted = false;
  let abort: () => void = () => undefined;
  const answer = new Promise<WholeAnswer>((resolve, reject) => {
    const failover = createFailover(plan.candidates, deps.logger);
    let exchange: Exchange | undefined;
    let release: (() => void) | undefined;
    let retryTimer: NodeJS.Timeout | undefined;
    let settled = false;
    abort = (): void => {
      if (settled) return;
      settled = true;
      clearTimeout(retryTimer);
      exchange?.abort();
      // An aborted exchange tells its sink nothing, so the in-flight count is given back here;
      // otherwise the connection would look busy for ever and lose its share of requests.
      release?.();
      reject(new RelayAborted());
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
            if (settled) return;
            settled = true;
            release?.();
            resolve({ candidate, headers, body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks), timings: exchange!.timings });
          },
          onError(error: UpstreamError) {
            if (settled) return;
            release?.();
            const wait = failover.afterFailure(error.failure);
            if (wait !== undefined) {
              if (wait === 0) attempt();
              else retryTimer = setTimeout(attempt, wait);
              return;
            }
            settled = true;
            reject(error);
          },
        },
      );
    };
    attempt();
  });
  return {
    answer,
    get aborted() {
      return aborted;
    },
    abort() {
      aborted = true;
      abort();
    },
  };
}
