/**
 * Writes a streamed reply token by token, paced by the behaviour's delays and broken by its
 * faults. Each frame is its own `response.write` (no corking), so every token leaves at once. One
 * timer per stream at a time, no busy loops; a closed connection stops the stream.
 */
import type { OutgoingHttpHeaders } from 'node:http';
import type { Exchange } from './exchange';

export interface StreamFrames {
  contentType: string;
  headers?: OutgoingHttpHeaders;
  /** Frames written just before the first token (e.g. OpenAI's role chunk). */
  opening: () => string[];
  /** How many token frames there are; stall/reset/malformed positions count these. */
  tokenCount: number;
  /** The frame for token `index` (0-based), built when it is sent. */
  tokenFrame: (index: number) => string;
  /** A frame whose payload is not valid JSON, for the 'malformed-chunk' fault. */
  malformedFrame: () => string;
  /** The protocol's in-stream error, for the 'error-mid-stream' fault (the response ends after it). */
  errorFrame: () => string;
  /** Frames after the last token (finish, usage, [DONE] / Ollama's final object), built when sent so timings are real. */
  closing: () => string[];
}

export function streamTokens(exchange: Exchange, frames: StreamFrames): void {
  const { response, behavior } = exchange;
  response.writeHead(200, { 'Cache-Control': 'no-cache', ...frames.headers, 'Content-Type': frames.contentType });
  // Headers leave now, before any token: tests tell "slow first token" from "slow headers".
  response.flushHeaders();
  if (behavior.fault === 'hang-after-headers') return;

  // A fault position past the last token applies just before the closing frames.
  const faultPosition = (after: number): number => Math.min(after, frames.tokenCount);
  const stallAt = behavior.fault === 'stall-mid-stream' ? faultPosition(behavior.stallAfterTokens) : -1;
  const resetAt = behavior.fault === 'reset-mid-stream' ? faultPosition(behavior.resetAfterTokens) : -1;
  const malformedAt = behavior.fault === 'malformed-chunk' ? faultPosition(behavior.malformedAfterTokens) : -1;
  const errorAt = behavior.fault === 'error-mid-stream' ? faultPosition(behavior.errorAfterTokens) : -1;
  let index = 0;
  let openingSent = false;
  let malformedSent = false;
  let timer: NodeJS.Timeout | undefined;
  let immediate: NodeJS.Immediate | undefined;

  const sendOpening = (): void => {
    openingSent = true;
    for (const frame of frames.opening()) response.write(frame);
  };

  const step = (): void => {
    timer = undefined;
    immediate = undefined;
    if (!exchange.open) return;
    if (index === stallAt) return; // silent, socket left open
    if (index === resetAt) {
      exchange.resetConnection();
      return;
    }
    if (!openingSent) sendOpening();
    if (index === errorAt) {
      response.end(frames.errorFrame());
      return;
    }
    if (!malformedSent && index === malformedAt) {
      malformedSent = true;
      response.write(frames.malformedFrame());
    }
    if (index >= frames.tokenCount) {
      for (const frame of frames.closing()) response.write(frame);
      response.end();
      return;
    }
    const flushed = response.write(frames.tokenFrame(index));
    index += 1;
    exchange.tokensSent = index;
    // The finish frames follow the last token at once; between tokens wait tokenDelayMs.
    const delay = index >= frames.tokenCount ? 0 : behavior.tokenDelayMs;
    if (flushed) schedule(delay);
    else response.once('drain', () => schedule(delay));
  };

  const schedule = (delayMs: number): void => {
    if (!exchange.open) return;
    if (delayMs > 0) timer = setTimeout(step, delayMs);
    else immediate = setImmediate(step);
  };

  exchange.onClose(() => {
    if (timer !== undefined) clearTimeout(timer);
    if (immediate !== undefined) clearImmediate(immediate);
  });
  schedule(behavior.firstTokenDelayMs);
}
