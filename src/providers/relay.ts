/**
 * Relays one request to the model servers that can serve it, tried in order: the next one is tried
 * only while nothing of the answer has reached the client (refused connection, 5xx, or 429 with a
 * short Retry-After). Upstream bytes are handed to the client the moment they arrive.
 */
import type { FastifyReply } from 'fastify';
import type { ConnectionRegistry, LoadBalancer } from '../connections';
import type { Logger } from '../core/logger';
import { passThroughError, type ClientStream } from './client-stream';
import { createFailover, type Failover, type RelayCandidate } from './failover';
import { UpstreamError } from './upstream-error';
import { startExchange, type Exchange, type ExchangeRequest, type ExchangeSink, type ExchangeTimeouts, type ExchangeTimings } from './upstream-exchange';

export type { RelayCandidate };

/** Turns the model server's bytes into the client's. */
export interface StreamTranslator {
  /** Whether this chunk carries the first real output (stops the first-token timer). */
  carriesToken(chunk: Buffer): boolean;
  /** Bytes for the client for one upstream chunk; empty when there is nothing to send yet. */
  translate(chunk: Buffer): Buffer | string;
  /** After a normal end: what is left to send. */
  finish(): string;
}

export interface RelayPlan {
  candidates: readonly RelayCandidate[];
  request(candidate: RelayCandidate): Omit<ExchangeRequest, 'dispatcher' | 'timeouts' | 'carriesToken'>;
  translator(candidate: RelayCandidate): StreamTranslator;
  /** Called when the response head is about to go out, with the timings known then. */
  onHeaders?(timings: ExchangeTimings): void;
}

export interface RelayDeps {
  registry: Pick<ConnectionRegistry, 'dispatcherFor'>;
  balancer: LoadBalancer;
  timeouts: ExchangeTimeouts;
  logger: Logger;
}

/** Streams the answer into `client`; resolves when the relay is over (answered, failed, or client gone). */
export function relayStream(deps: RelayDeps, plan: RelayPlan, client: ClientStream, reply: FastifyReply): Promise<void> {
  return new Promise((resolve) => {
    new StreamRelayRun(deps, plan, client, reply, resolve).attempt();
  });
}

/**
 * One streamed relay in one object that is also the exchange's sink: no closures per chunk. When it
 * is over it lets go of the exchange, the plan and the translator, so the client's listeners that
 * still point at it hold nothing of the answer.
 */
class StreamRelayRun implements ExchangeSink {
  private readonly failover: Failover;
  private deps: RelayDeps | undefined;
  private plan: RelayPlan | undefined;
  private exchange: Exchange | undefined;
  private translator: StreamTranslator | undefined;
  private release: (() => void) | undefined;
  private relayed = false;
  private over = false;
  private readonly resumeExchange = (): void => this.exchange?.resume();

  constructor(
    deps: RelayDeps,
    plan: RelayPlan,
    private readonly client: ClientStream,
    private readonly reply: FastifyReply,
    private readonly resolve: () => void,
  ) {
    this.deps = deps;
    this.plan = plan;
    this.failover = createFailover(plan.candidates, deps.logger);
    client.onClientGone(() => {
      this.exchange?.abort();
      this.finish();
    });
  }

  attempt(): void {
    if (this.over) return;
    const deps = this.deps!;
    const plan = this.plan!;
    const candidate = this.failover.candidate;
    const translator = plan.translator(candidate);
    this.translator = translator;
    this.relayed = false;
    const release = deps.balancer.acquire(candidate.connection.id);
    this.release = release;
    const exchange = startExchange(
      { ...plan.request(candidate), dispatcher: deps.registry.dispatcherFor(candidate.connection), timeouts: deps.timeouts, carriesToken: (chunk) => translator.carriesToken(chunk) },
      this,
    );
    // An exchange that failed at once has already moved on (another attempt, or the end).
    if (this.release === release) this.exchange = exchange;
  }

  onStart(): void {
    if (this.exchange) this.plan?.onHeaders?.(this.exchange.timings);
    this.client.commit();
  }

  onData(chunk: Buffer): boolean {
    this.relayed = true;
    const client = this.client;
    client.stopPinging();
    const out = this.translator!.translate(chunk);
    if (out.length === 0) return true;
    const accepted = client.write(out);
    if (!accepted) client.onDrain(this.resumeExchange);
    return accepted;
  }

  onEnd(): void {
    this.client.end(this.translator!.finish() || undefined);
    this.finish();
  }

  onError(error: UpstreamError): void {
    this.release?.();
    this.release = undefined;
    const wait = this.relayed || this.client.isClosed ? undefined : this.failover.afterFailure(error.failure);
    if (wait !== undefined) {
      if (wait === 0) this.attempt();
      else setTimeout(retryStreamRelay, wait, this);
      return;
    }
    failClient(this.client, this.reply, error);
    this.finish();
  }

  /** Over: gives back the in-flight count and lets go of what the relay no longer needs. */
  private finish(): void {
    if (this.over) return;
    this.over = true;
    this.release?.();
    this.release = undefined;
    this.exchange = undefined;
    this.translator = undefined;
    this.deps = undefined;
    this.plan = undefined;
    this.resolve();
  }
}

function retryStreamRelay(relay: StreamRelayRun): void {
  relay.attempt();
}

/** A model server's own 4xx goes back as it was; everything else in Astra's error shape. */
export function failClient(client: ClientStream, reply: FastifyReply, error: UpstreamError): void {
  const own = serverOwnAnswer(error);
  if (own !== undefined && passThroughError(client, reply, own.status, own.contentType, own.body)) return;
  client.fail(error);
}

/**
 * The model server's own answer to a request it refused (a 4xx other than 429, with its body), which
 * goes back to the client as it was; undefined for failures Astra describes itself.
 */
export function serverOwnAnswer(error: UpstreamError): { status: number; contentType: string | undefined; body: Buffer } | undefined {
  const failure = error.failure;
  const status = failure.upstreamStatus;
  if (failure.phase !== 'status' || status === undefined || status >= 500 || status === 429 || !failure.upstreamBody) return undefined;
  return { status, contentType: failure.upstreamContentType, body: failure.upstreamBody };
}

export { UpstreamError };
