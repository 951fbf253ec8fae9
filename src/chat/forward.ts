/**
 * Sends one request to the connections serving a model and answers the client: streamed (each
 * upstream chunk written as it arrives) or whole. Every model-taking route goes through here, so
 * timeouts, failover, Server-Timing and client-abort handling are the same everywhere.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../auth';
import {
  ClientStream,
  relayOnce,
  relayStream,
  type ClientProtocol,
  type ExchangeTimings,
  type RelayCandidate,
  type StreamTranslator,
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
  const authMs = reply.elapsedTime - (performance.now() - options.routeStartedAt);
  const timing = (timings: ExchangeTimings): string =>
    serverTiming({
      auth: authMs,
      routing: timings.startedAt - options.routeStartedAt,
      'upstream-connect': timings.requestSentAt === undefined ? undefined : timings.requestSentAt - timings.startedAt,
      'upstream-first-byte': timings.headersAt === undefined ? undefined : timings.headersAt - timings.startedAt,
    });
  const plan = {
    candidates: options.candidates,
    request: (candidate: RelayCandidate) => {
      const { path, body } = options.build(candidate);
      return {
        baseUrl: candidate.connection.baseUrl,
        path,
        method: 'POST' as const,
        headers: upstreamHeaders(gateway, candidate, options.principal, { 'content-type': 'application/json' }),
        body,
      };
    },
  };

  if (options.stream) {
    const streamOptions = options.stream;
    const client = new ClientStream(reply, streamOptions.protocol);
    await relayStream(
      deps,
      { ...plan, translator: streamOptions.translator, onHeaders: (timings) => client.setHeader('server-timing', timing(timings)) },
      client,
      reply,
    );
    return;
  }

  const abort = new AbortController();
  reply.raw.on('close', () => abort.abort());
  const answer = await relayOnce(deps, plan, abort.signal);
  const translated = options.translateWhole?.(answer.candidate, answer.body);
  const contentType = translated?.contentType ?? firstHeader(answer.headers['content-type']) ?? 'application/json';
  reply.header('server-timing', timing(answer.timings)).type(contentType);
  await reply.send(translated?.body ?? answer.body);
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
