/**
 * The non-streaming relay: one whole answer, with the same failover as the streaming one (the next
 * candidate on a refused connection, a 5xx or a short 429; one more try of the last candidate after
 * a short Retry-After). Either the answer (status 2xx, its headers and body, and which candidate
 * gave it) or an UpstreamError; when it is aborted (the client went away), the upstream request
 * is aborted and nothing more is tried.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { createFailover, type Failover } from './failover';
import type { RelayCandidate, RelayDeps, RelayPlan } from './relay';
import type { UpstreamError } from './upstream-error';
import { startExchange, type Exchange, type ExchangeSink, type ExchangeTimings } from './upstream-exchange';

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
  return new WholeRelayRun(deps, plan);
}

/**
 * A whole relay's state in one object that is also the exchange's sink (no closures per request).
 * Once settled it drops the exchange, the chunks and the plan, so whatever still points at it
 * (a client's close listener, say) holds nothing of the answer.
 */
class WholeRelayRun implements WholeRelay, ExchangeSink {
  readonly answer: Promise<WholeAnswer>;
  aborted = false;
  private resolve!: (answer: WholeAnswer) => void;
  private reject!: (error: unknown) => void;
  private deps: RelayDeps | undefined;
  private plan: Omit<RelayPlan, 'translator'> | undefined;
  private readonly failover: Failover;
  private candidate: RelayCandidate;
  private exchange: Exchange | undefined;
  private release: (() => void) | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private settled = false;
  private headers: IncomingHttpHeaders = {};
  private chunks: Buffer[] = [];

  constructor(deps: RelayDeps, plan: Omit<RelayPlan, 'translator'>) {
    this.answer = new Promise<WholeAnswer>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    this.deps = deps;
    this.plan = plan;
    this.failover = createFailover(plan.candidates, deps.logger);
    this.candidate = this.failover.candidate;
    this.attempt();
  }

  abort(): void {
    this.aborted = true;
    if (this.settled) return;
    const exchange = this.exchange;
    // An aborted exchange tells its sink nothing, so the in-flight count is given back here;
    // otherwise the connection would look busy for ever and lose its share of requests.
    this.finish();
    exchange?.abort();
    this.reject(new RelayAborted());
  }

  onStart(_status: number, headers: IncomingHttpHeaders): void {
    this.headers = headers;
  }

  onData(chunk: Buffer): boolean {
    this.chunks.push(chunk);
    return true;
  }

  onEnd(): void {
    if (this.settled) return;
    const { candidate, headers, chunks } = this;
    const timings = this.exchange!.timings;
    this.finish();
    this.resolve({ candidate, headers, body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks), timings });
  }

  onError(error: UpstreamError): void {
    if (this.settled) return;
    this.release?.();
    this.release = undefined;
    const wait = this.failover.afterFailure(error.failure);
    if (wait === undefined) {
      this.finish();
      this.reject(error);
      return;
    }
    if (wait === 0) this.attempt();
    else this.retryTimer = setTimeout(retryWholeRelay, wait, this);
  }

  attempt(): void {
    this.retryTimer = undefined;
    if (this.settled) return;
    const deps = this.deps!;
    const candidate = this.failover.candidate;
    this.candidate = candidate;
    this.headers = {};
    this.chunks = [];
    const release = deps.balancer.acquire(candidate.connection.id);
    this.release = release;
    const exchange = startExchange(
      { ...this.plan!.request(candidate), dispatcher: deps.registry.dispatcherFor(candidate.connection), timeouts: deps.timeouts },
      this,
    );
    // An exchange that failed at once has already moved on (another attempt, or the end).
    if (this.release === release) this.exchange = exchange;
  }

  /** Settles: gives back the in-flight count and lets go of everything the answer no longer needs. */
  private finish(): void {
    this.settled = true;
    this.release?.();
    this.release = undefined;
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.exchange = undefined;
    this.deps = undefined;
    this.plan = undefined;
    this.headers = {};
    this.chunks = [];
  }
}

function retryWholeRelay(relay: WholeRelayRun): void {
  relay.attempt();
}
