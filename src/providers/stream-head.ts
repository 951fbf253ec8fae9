/**
 * The head of a streamed response (SSE or NDJSON), sent at once: the client sees the answer begin
 * before its first token, no proxy caches or transforms it, nginx does not buffer it, and each later
 * write goes out without a Nagle delay.
 */
import type { FastifyReply } from 'fastify';

export const sseContentType = 'text/event-stream; charset=utf-8';

export function sendStreamHead(reply: FastifyReply, contentType: string, extraHeaders: Record<string, string> = {}): void {
  const raw = reply.raw;
  raw.writeHead(200, {
    ...(reply.getHeaders() as Record<string, string>),
    ...extraHeaders,
    'content-type': contentType,
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    // Tells nginx and similar proxies not to buffer the stream.
    'x-accel-buffering': 'no',
  });
  raw.socket?.setNoDelay(true);
  // writeHead only stores the head until the first body write: send it now.
  raw.flushHeaders();
}
