/**
 * The response to our own client while a model server answers. Headers go out as soon as the model
 * server answers (or, if it is slow to, with the first keep-alive ping), so that failures before
 * that get a real HTTP status (502/504/429) and a proxy in between never sees a silent connection:
 * while waiting for the first token a `: ping` comment goes out every 10 s. A failure after the
 * stream began becomes an error event, and the stream ends without `[DONE]`: a cut answer must never
 * look complete.
 */
import type { FastifyReply } from 'fastify';
import { isAstraError, type AstraError } from '../core/errors';
import { sendStreamHead, sseContentType } from './stream-head';

export type ClientProtocol = 'openai-sse' | 'ollama-ndjson';

/** Proxies commonly cut a connection silent for 30–60 s; a ping every 10 s keeps well inside that. */
export const defaultPingIntervalMs = 10_000;
const contentTypes: Record<ClientProtocol, string> = {
  'openai-sse': sseContentType,
  'ollama-ndjson': 'application/x-ndjson',
};

export class ClientStream {
  private committed = false;
  private ended = false;
  private ping: NodeJS.Timeout | undefined;
  private readonly closeListeners: Array<() => void> = [];
  private readonly drainListeners: Array<() => void> = [];
  /** Extra headers known before commit (Server-Timing). */
  private readonly extraHeaders: Record<string, string> = {};

  constructor(
    private readonly reply: FastifyReply,
    private readonly protocol: ClientProtocol,
    pingIntervalMs = defaultPingIntervalMs,
  ) {
    // From here on we write the raw response ourselves.
    reply.hijack();
    const raw = reply.raw;
    raw.on('close', () => {
      this.stopPinging();
      if (!this.ended) {
        this.ended = true;
        for (const listener of this.closeListeners) listener();
      }
    });
    raw.on('drain', () => {
      for (const listener of this.drainListeners.splice(0)) listener();
    });
    // NDJSON has no comment syntax a client would skip, so only SSE gets pings.
    if (protocol === 'openai-sse') {
      this.ping = setInterval(() => this.write(': ping\n\n'), pingIntervalMs);
      this.ping.unref();
    }
  }

  get isCommitted(): boolean {
    return this.committed;
  }

  get isClosed(): boolean {
    return this.ended;
  }

  /** Runs when the client goes away before the answer ended. */
  onClientGone(listener: () => void): void {
    this.closeListeners.push(listener);
  }

  /** Runs once the client has taken what was written (after write() returned false). */
  onDrain(listener: () => void): void {
    this.drainListeners.push(listener);
  }

  setHeader(name: string, value: string): void {
    this.extraHeaders[name] = value;
  }

  /** Sends the response head (once). */
  commit(): void {
    if (this.committed || this.ended) return;
    this.committed = true;
    sendStreamHead(this.reply, contentTypes[this.protocol], this.extraHeaders);
  }

  /** Writes bytes for the client now. Returns false when the client should be given time to drain. */
  write(chunk: string | Buffer): boolean {
    if (this.ended) return true;
    this.commit();
    return this.reply.raw.write(chunk);
  }

  /** For a response written by someone else (passThroughError): nothing more goes out here. */
  markEnded(): void {
    this.committed = true;
    this.ended = true;
  }

  /** The first real output is on its way: no more pings needed. */
  stopPinging(): void {
    if (this.ping !== undefined) clearInterval(this.ping);
    this.ping = undefined;
  }

  end(finalChunk?: string): void {
    if (this.ended) return;
    this.stopPinging();
    this.commit();
    this.ended = true;
    this.reply.raw.end(finalChunk);
  }

  /** Ends with an error: an HTTP error before the stream began, an error event after. */
  fail(error: AstraError | Error): void {
    if (this.ended) return;
    this.stopPinging();
    const astraError = isAstraError(error) ? error : undefined;
    const message = error.message;
    const code = astraError?.code ?? 'internal';
    if (!this.committed) {
      this.committed = true;
      this.ended = true;
      // Ollama's clients read `error`; OpenAI-style clients read Astra's `detail`.
      const body = JSON.stringify(this.protocol === 'ollama-ndjson' ? { detail: message, code, error: message } : { detail: message, code });
      this.reply.raw.writeHead(astraError?.status ?? 500, {
        ...(this.reply.getHeaders() as Record<string, string>),
        ...this.extraHeaders,
        ...(astraError?.headers ?? {}),
        'content-type': 'application/json; charset=utf-8',
        'content-length': Buffer.byteLength(body),
      });
      this.reply.raw.end(body);
      return;
    }
    const payload =
      this.protocol === 'openai-sse'
        ? `data: ${JSON.stringify({ error: { message, type: code, code } })}\n\n`
        : `${JSON.stringify({ error: message })}\n`;
    this.ended = true;
    this.reply.raw.end(payload);
  }
}

/** Sends a model server's own error answer (a 4xx with its body) unchanged, before the stream began. */
export function passThroughError(stream: ClientStream, reply: FastifyReply, status: number, contentType: string | undefined, body: Buffer): boolean {
  if (stream.isCommitted || stream.isClosed) return false;
  stream.stopPinging();
  stream.markEnded();
  reply.raw.writeHead(status, {
    ...(reply.getHeaders() as Record<string, string>),
    'content-type': contentType ?? 'application/json',
    'content-length': body.length,
  });
  reply.raw.end(body);
  return true;
}
