/**
 * The loads of the time-to-first-token sections: c streams open at once, each worker sending its
 * next request as soon as its stream ended, starts spread over one stream's length so requests
 * arrive evenly; the first stream of each worker only ramps up.
 */
import type { StreamLoad } from './stream-client.js';

/** The stand-in waits this long before the first token, as a model does; TTFT is then not all zero-time artefacts. */
export const firstTokenDelayMs = 20;
const streamTimeoutMs = 30_000;

export interface Level {
  concurrency: number;
  /** Tokens per stream and the gap between them: they set how long a stream stays open, i.e. the request rate at this concurrency. */
  tokenCount: number;
  tokenDelayMs: number;
  load: StreamLoad;
}

/** How long one stream lasts at the stand-in. */
export const streamMs = (tokenCount: number, tokenDelayMs: number): number => firstTokenDelayMs + (tokenCount - 1) * tokenDelayMs;

export function level(concurrency: number, tokenCount: number, tokenDelayMs: number, streamsPerWorker: number, uncountedPerWorker: number): Level {
  return {
    concurrency,
    tokenCount,
    tokenDelayMs,
    load: { concurrency, streamsPerWorker, uncountedPerWorker, spreadMs: concurrency > 1 ? streamMs(tokenCount, tokenDelayMs) : 0, timeoutMs: streamTimeoutMs },
  };
}
