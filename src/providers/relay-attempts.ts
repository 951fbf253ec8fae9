/**
 * What every relay shares: the connections to try in order (failover), one exchange at a time with
 * the current one, its in-flight count on the balancer, a retry now or after a short Retry-After,
 * and an end that lets go of everything. The relays (streamed to a client, whole, into a generation
 * job) extend it with what they do with the answer. One object per relay, methods on the prototype:
 * no closures per request, and a finished relay holds nothing of its answer.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { ConnectionRegistry, LoadBalancer } from '../connections';
import type { Logger } from '../core/logger';
import { createFailover, type Failover, type RelayCandidate } from './failover';
import type { UpstreamError } from './upstream-error';
import { startExchange, type Exchange, type ExchangeRequest, type ExchangeSink, type ExchangeTimeouts } from './upstream-exchange';

export interface RelayDeps {
  registry: Pick<ConnectionRegistry, 'dispatcherFor'>;
  balancer: LoadBalancer;
  timeouts: ExchangeTimeouts;
  logger: Logger;
}

/** A request to one candidate, without what the relay adds (dispatcher, timeouts, token watch). */
export type UpstreamRequest = Omit<ExchangeRequest, 'dispatcher' | 'timeouts' | 'carriesToken'>;

/** The request for each candidate. */
export type CandidateRequest = (candidate: RelayCandidate) => UpstreamRequest;

export abstract class RelayAttempts implements ExchangeSink {
  private readonly failover: Failover;
  /** The exchange in flight; undefined between attempts and after the end. */
  protected exchange: Exchange | undefined;
  protected over = false;
  private deps: RelayDeps | undefined;
  private request: CandidateRequest | undefined;
  private release: (() => void) | undefined;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(deps: RelayDeps, candidates: readonly RelayCandidate[], request: CandidateRequest) {
    this.deps = deps;
    this.request = request;
    this.failover = createFailover(candidates, deps.logger);
  }

  /** Asks the current candidate. */
  attempt(): void {
    this.retryTimer = undefined;
    if (this.over) return;
    const deps = this.deps!;
    const candidate = this.failover.candidate;
    const carriesToken = this.prepare(candidate);
    const release = deps.balancer.acquire(candidate.connection.id);
    this.release = release;
    const request = this.request!(candidate);
    // Spelled out, not spread: one object of a fixed shape, built in one step on every request.
    const exchange = startExchange(
      {
        dispatcher: deps.registry.dispatcherFor(candidate.connection),
        baseUrl: request.baseUrl,
        path: request.path,
        method: request.method,
        headers: request.headers,
        body: request.body,
        timeouts: deps.timeouts,
        carriesToken,
      },
      this,
    );
    // An exchange that failed at once has already moved on (another attempt, or the end).
    if (this.release === release) this.exchange = exchange;
  }

  abstract onStart(statusCode: number, headers: IncomingHttpHeaders): void;
  abstract onData(chunk: Buffer): boolean;
  abstract onEnd(): void;
  abstract onError(error: UpstreamError): void;

  /** Before each attempt: resets what one attempt collects; returns the first-token watch, if any. */
  protected abstract prepare(candidate: RelayCandidate): ((chunk: Buffer) => boolean) | undefined;

  /**
   * After a failed attempt: the next one is started (now, or after a short Retry-After) and true
   * returned — unless `mayRetry` is false or the failover gives up (false).
   */
  protected retried(error: UpstreamError, mayRetry: boolean): boolean {
    this.giveBack();
    const wait = mayRetry ? this.failover.afterFailure(error.failure) : undefined;
    if (wait === undefined) return false;
    if (wait === 0) this.attempt();
    else this.retryTimer = setTimeout(retryRelay, wait, this);
    return true;
  }

  /** The end: gives back the in-flight count and lets go of the exchange, the deps and the plan. */
  protected end(): void {
    this.over = true;
    this.giveBack();
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.exchange = undefined;
    this.deps = undefined;
    this.request = undefined;
  }

  /** Ends now, cutting the exchange in flight (which then tells the relay nothing more). */
  protected cut(): void {
    const exchange = this.exchange;
    this.end();
    exchange?.abort();
  }

  /** An aborted exchange tells its sink nothing, so the in-flight count is given back here or on failure. */
  private giveBack(): void {
    this.release?.();
    this.release = undefined;
  }
}

function retryRelay(relay: RelayAttempts): void {
  relay.attempt();
}
