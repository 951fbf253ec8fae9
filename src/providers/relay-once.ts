/**
 * The non-streaming relay: one whole answer, with the same failover as the streaming one (the next
 * candidate on a refused connection, a 5xx or a short 429; one more try of the last candidate after
 * a short Retry-After). Either the answer (status 2xx, its headers and body, and which candidate
 * gave it) or an UpstreamError; when it is aborted (the client went away), the upstream request
 * is aborted and nothing more is tried.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { RelayCandidate } from './failover';
import type { RelayPlan } from './relay';
import { RelayAttempts, type RelayDeps } from './relay-attempts';
import type { UpstreamError } from './upstream-error';
import type { ExchangeTimings } from './upstream-exchange';

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
  const relay = new WholeRelayRun(deps, plan);
  relay.attempt();
  return relay;
}

/**
 * A whole relay: the attempts, and the one answer they end in. Once settled it holds nothing of the
 * answer, so whatever still points at it (a client's close listener, say) keeps nothing alive.
 */
class WholeRelayRun extends RelayAttempts implements WholeRelay {
  readonly answer: Promise<WholeAnswer>;
  aborted = false;
  private resolve!: (answer: WholeAnswer) => void;
  private reject!: (error: unknown) => void;
  private candidate: RelayCandidate | undefined;
  private headers: IncomingHttpHeaders = {};
  private chunks: Buffer[] = [];

  constructor(deps: RelayDeps, plan: Omit<RelayPlan, 'translator'>) {
    super(deps, plan.candidates, plan.request);
    this.answer = new Promise<WholeAnswer>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  abort(): void {
    this.aborted = true;
    if (this.over) return;
    this.cut();
    this.dropAnswer();
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
    if (this.over) return;
    const { candidate, headers, chunks } = this;
    const timings = this.exchange!.timings;
    this.end();
    this.dropAnswer();
    this.resolve({ candidate: candidate!, headers, body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks), timings });
  }

  onError(error: UpstreamError): void {
    if (this.over || this.retried(error, true)) return;
    this.end();
    this.dropAnswer();
    this.reject(error);
  }

  protected prepare(candidate: RelayCandidate): undefined {
    this.candidate = candidate;
    this.headers = {};
    this.chunks = [];
    return undefined;
  }

  private dropAnswer(): void {
    this.candidate = undefined;
    this.headers = {};
    this.chunks = [];
  }
}
