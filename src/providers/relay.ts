/**
 * Relays one request to the model servers that can serve it, tried in order: the next one is tried
 * only while nothing of the answer has reached the client (refused connection, 5xx, or 429 with a
 * short Retry-After). Upstream bytes are handed to the client the moment they arrive.
 */
import type { FastifyReply } from 'fastify';
import { passThroughError, type ClientStream } from './client-stream';
import type { RelayCandidate } from './failover';
import { RelayAttempts, type CandidateRequest, type RelayDeps } from './relay-attempts';
import { UpstreamError } from './upstream-error';
import type { ExchangeTimings } from './upstream-exchange';

export type { RelayCandidate, RelayDeps };

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
  request: CandidateRequest;
  translator(candidate: RelayCandidate): StreamTranslator;
  /** Called when the response head is about to go out, with the timings known then. */
  onHeaders?(timings: ExchangeTimings): void;
}

/** Streams the answer into `client`; resolves when the relay is over (answered, failed, or client gone). */
export function relayStream(deps: RelayDeps, plan: RelayPlan, client: ClientStream, reply: FastifyReply): Promise<void> {
  return new Promise((resolve) => {
    new StreamRelayRun(deps, plan, client, reply, resolve).attempt();
  });
}

/**
 * A streamed relay: the attempts, each chunk handed to the client the moment it arrives (through
 * the candidate's translator), and the client's end of it. When it is over it holds nothing of the
 * answer, so the client's listeners that still point at it keep nothing alive.
 */
class StreamRelayRun extends RelayAttempts {
  private plan: RelayPlan | undefined;
  private translator: StreamTranslator | undefined;
  private relayed = false;
  private readonly resumeExchange = (): void => this.exchange?.resume();

  constructor(
    deps: RelayDeps,
    plan: RelayPlan,
    private readonly client: ClientStream,
    private readonly reply: FastifyReply,
    private readonly resolve: () => void,
  ) {
    super(deps, plan.candidates, plan.request);
    this.plan = plan;
    client.onClientGone(() => {
      if (this.over) return;
      this.cut();
      this.finish();
    });
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
    this.end();
    this.finish();
  }

  onError(error: UpstreamError): void {
    if (this.retried(error, !this.relayed && !this.client.isClosed)) return;
    failClient(this.client, this.reply, error);
    this.end();
    this.finish();
  }

  protected prepare(candidate: RelayCandidate): (chunk: Buffer) => boolean {
    const translator = this.plan!.translator(candidate);
    this.translator = translator;
    this.relayed = false;
    return (chunk) => translator.carriesToken(chunk);
  }

  /** Over: lets go of the plan and the translator, and says so. */
  private finish(): void {
    this.translator = undefined;
    this.plan = undefined;
    this.resolve();
  }
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
