/**
 * Writes a generation's numbered events to one HTTP client as `text/event-stream`: the head at
 * once, then every event after the one the client last saw, then each new one as it comes. A client
 * that reads slowly is sent what it missed once its socket drains (the events stay in the log), so
 * it never slows the generation. A `: ping` comment goes out after each quiet interval.
 */
import type { FastifyReply } from 'fastify';
import { sendStreamHead, sseContentType } from '../../providers';
import type { FrameSource } from './frame-log';

/** Streams `source` from the event after `after`; resolves when the response is over (all sent, or the client left). */
export function streamToClient(reply: FastifyReply, source: FrameSource, after: number, options: { pingIntervalMs: number }): Promise<void> {
  reply.hijack();
  const raw = reply.raw;
  // The client left while the request was being handled: there is no one to write to.
  if (raw.destroyed) return Promise.resolve();
  sendStreamHead(reply, sseContentType);

  return new Promise((resolve) => {
    let sent = after;
    let draining = false;
    let done = false;
    let lastWriteAt = performance.now();

    const finish = (): void => {
      if (done) return;
      done = true;
      stopFollowing();
      clearInterval(ping);
      raw.off('drain', onDrain);
      resolve();
    };
    const pump = (): void => {
      if (done || draining) return;
      if (raw.destroyed) {
        finish();
        return;
      }
      if (source.lastSeq > sent) {
        const text = source.textAfter(sent);
        sent = source.lastSeq;
        lastWriteAt = performance.now();
        if (!raw.write(text)) {
          draining = true;
          return;
        }
      }
      if (source.ended) {
        raw.end();
        finish();
      }
    };
    const onDrain = (): void => {
      draining = false;
      pump();
    };
    const ping = setInterval(() => {
      if (!draining && !raw.destroyed && performance.now() - lastWriteAt >= options.pingIntervalMs) {
        lastWriteAt = performance.now();
        raw.write(': ping\n\n');
      }
    }, options.pingIntervalMs);
    ping.unref();

    raw.on('drain', onDrain);
    raw.once('close', finish);
    const stopFollowing = source.follow(pump);
    pump();
  });
}
