/**
 * Relays one request to the model servers that can serve it, tried in order: the next one is tried
 * only while nothing of the answer has reached the client (refused connection, 5xx, or 429 with a
 * short Retry-After). Upstream bytes are handed to the client the moment they arrive.
 */
import type { FastifyReply } from 'fastify';
import type { ConnectionRegistry, LoadBalancer } from '../connections';
import type { Logger } from '../core/logger';
import { passThroughError, type ClientStream } from './client-stream';
import { createFailover, type RelayCandidate } from './failover';
import { UpstreamError } from './upstream-error';
import { startExchange, type Exchange, type ExchangeRequest, type ExchangeTimeouts, type ExchangeTimings } from './upstream-exchange';

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
    const failover = createFailover(plan.candidates, deps.logger);
    let exchange: Exchange | undefined;
    let release: (() => void) | undefined;
    let over = false;
    const finish = (): void => {
      over = true;
      release?.();
      resolve();
    };
    client.onClientGone(() => {
      exchange?.abort();
      finish();
    });

    const attempt = (): void => {
      if (over) return;
      const candidate = failover.candidate;
      const translator = plan.translator(candidate);
      let relayed = false;
      release = deps.balancer.acquire(candidate.connection.id);
      exchange = startExchange(
        {
          ...plan.request(candidate),
          dispatcher: deps.registry.dispatcherFor(candidate.connection),
          timeouts: deps.timeouts,
          carriesToken: (chunk) => translator.carriesToken(chunk),
        },
        {
          onStart() {
            if (exchange) plan.onHeaders?.(exchange.timings);
            client.commit();
          },
          onData(chunk) {
            relayed = true;
            client.stopPinging();
            const out = translator.translate(chunk);
            if (out.length === 0) return true;
            const accepted = client.write(out);
            if (!accepted) client.onDrain(() => exchange?.resume());
            return accepted;
          },
          onEnd() {
            client.end(translator.finish() || undefined);
            finish();
          },
          onError(error) {
            release?.();
            release = undefined;
            const wait = relayed || client.isClosed ? undefined : failover.afterFailure(error.failure);
            if (wait !== undefined) {
              if (wait === 0) attempt();
              else setTimeout(attempt, wait);
              return;
            }
            failClient(client, reply, error);
            finish();
          },
        },
      );
    };
    attempt();
  });
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
