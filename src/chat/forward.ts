/**
 * Sends one request to the connections serving a model and answers the client: streamed (each
 * upstream chunk written as it arrives) or whole. Every model-taking route goes through here, so
 * timeouts, failover, Server-Timing and client-abort handling are the same everywhere.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../auth';
import { isAstraError } from '../core/errors';
import {
  ClientStream,
  relayStream,
  serverLabel,
  serverOwnAnswer,
  startWholeRelay,
  UpstreamError,
  upstreamFailures,
  type ClientProtocol,
  type ExchangeTimings,
  type RelayCandidate,
  type StreamTranslator,
  type UpstreamRequest,
  type WholeAnswer,
} from '../providers';
import { relayDeps, serverTiming, upstreamHeaders, type Gateway } from './gateway';

export interface ForwardOptions {
  principal: Principal;
  candidates: readonly RelayCandidate[];
  /** The upstream path and JSON body for a candidate (the body's model is the server's own id). */
  build(candidate: RelayCandidate): { path: string; body: string };
  /** Present for a streamed answer. */
  stream?: { protocol: ClientProtocol; translator(candidate: RelayCandidate): StreamTranslator };
  /** For a whole answer from a server speaking another protocol: the client's version of it. */
  translateWhole?(candidate: RelayCandidate, body: Buffer): { contentType: string; body: string | Buffer };
  /** When the route started its own work (after authentication and body parsing), from performance.now(). */
  routeStartedAt: number;
}

export async function forward(gateway: Gateway, request: FastifyRequest, reply: FastifyReply, options: ForwardOptions): Promise<void> {
  const deps = relayDeps(gateway);
  // Fastify's elapsed time and ours come from two clocks read one after the other: read ours first
  // (so the gap between the reads counts as auth, not against it) and never report less than 0.
  const routeMs = performance.now() - options.routeStartedAt;
  const authMs = Math.max(0, reply.elapsedTime - routeMs);
  const timing = (timings: ExchangeTimings): string =>
    serverTiming({
      auth: authMs,
      routing: timings.startedAt - options.routeStartedAt,
      'upstream-connect': timings.requestSentAt === undefined ? undefined : timings.requestSentAt - timings.startedAt,
      'upstream-first-byte': timings.headersAt === undefined ? undefined : timings.headersAt - timings.startedAt,
    });
  // Built before anything is sent: a body a server cannot take (an Ollama request with a remote
  // image, say) is the client's 400 now, not an exception in the middle of a relay or a failover.
  const { candidates } = options;
  const requests: UpstreamRequest[] = [];
  for (const candidate of candidates) {
    const { path, body } = options.build(candidate);
    requests.push({ baseUrl: candidate.connection.baseUrl, path, method: 'POST', headers: upstreamHeaders(gateway, candidate, options.principal), body });
  }
  const plan = { candidates, request: (candidate: RelayCandidate) => requests[candidates.indexOf(candidate)]! };

  if (options.stream) {
    const streamOptions = options.stream;
    const client = new ClientStream(reply, streamOptions.protocol, gateway.streamPingIntervalMs);
    await relayStream(
      deps,
      { ...plan, translator: streamOptions.translator, onHeaders: (timings) => client.setHeader('server-timing', timing(timings)) },
      client,
      reply,
    );
    return;
  }

  const relay = startWholeRelay(deps, plan);
  // Only a client that left early aborts: a normal close after the answer must not pay for an abort.
  reply.raw.on('close', () => {
    if (!reply.raw.writableFinished) relay.abort();
  });
  let answer: WholeAnswer;
  try {
    answer = await relay.answer;
  } catch (error) {
    if (relay.aborted) {
      // The client went away and the upstream request with it: there is no one to answer.
      reply.hijack();
      return;
    }
    const own = error instanceof UpstreamError ? serverOwnAnswer(error) : undefined;
    if (own === undefined) throw error;
    // The server's own refusal (an unknown model, a bad field) goes back as it was, as when streaming.
    await reply.code(own.status).type(own.contentType ?? 'application/json').send(own.body);
    return;
  }
  const translated = translateWhole(options, answer);
  const contentType = translated?.contentType ?? firstHeader(answer.headers['content-type']) ?? 'application/json';
  reply.header('server-timing', timing(answer.timings)).type(contentType);
  // Sent, not awaited: the reply is written at once, and waiting on it would only cost a turn.
  reply.send(translated?.body ?? answer.body);
}

/** The client's version of a whole answer; an answer that cannot be read is the server's fault (502), not the client's. */
function translateWhole(options: ForwardOptions, answer: WholeAnswer): { contentType: string; body: string | Buffer } | undefined {
  try {
    return options.translateWhole?.(answer.candidate, answer.body);
  } catch (error) {
    if (isAstraError(error)) throw error;
    const detail = error instanceof Error ? error.message : String(error);
    throw new UpstreamError(upstreamFailures.malformed(serverLabel(answer.candidate.connection.baseUrl), detail), error);
  }
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
