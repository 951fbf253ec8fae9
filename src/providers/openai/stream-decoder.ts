/**
 * A whole OpenAI-compatible stream as events, one SSE `data:` payload at a time. Unlike the
 * stateless `openAiChunkToEvents`, it keeps `end` last: with `stream_options.include_usage` the
 * usage chunk comes after the finish chunk, so `end` is held until `[DONE]` (or the stream closes)
 * and `usage` goes out first.
 */
import type { ChatEvent } from '../events';
import { openAiChunkToEvents } from './chunk-to-events';

export interface OpenAiStreamDecoder {
  /** One SSE data payload (JSON text or `[DONE]`) → events. */
  decode(data: string): ChatEvent[];
  /**
   * The stream closed: the held `end`, or, when the server sent neither a finish reason nor
   * `[DONE]`, an `end` with reason `interrupted` (the answer was cut).
   */
  finish(): ChatEvent[];
  /** A finish reason or `[DONE]` arrived: the answer is whole. */
  readonly complete: boolean;
}

export function createOpenAiStreamDecoder(): OpenAiStreamDecoder {
  let heldEnd: ChatEvent | undefined;
  let done = false;
  let failed = false;

  return {
    get complete() {
      return done || heldEnd !== undefined;
    },
    decode(data) {
      if (done || failed) return [];
      if (data.startsWith('[DONE]')) {
        done = true;
        const end: ChatEvent = heldEnd ?? { type: 'end', finishReason: 'stop' };
        heldEnd = undefined;
        return [end];
      }
      let chunk: unknown;
      try {
        chunk = JSON.parse(data);
      } catch {
        failed = true;
        const shown = data.length > 200 ? `${data.slice(0, 200)}…` : data;
        return [{ type: 'error', code: 'upstream_failed', message: `the model server sent a chunk that is not JSON: ${shown}` }];
      }
      const events = openAiChunkToEvents(chunk);
      const last = events[events.length - 1];
      if (last?.type === 'end') {
        events.pop();
        heldEnd = last;
      } else if (last?.type === 'error') {
        failed = true;
      }
      return events;
    },
    finish() {
      if (done || failed) return [];
      done = true;
      const end: ChatEvent = heldEnd ?? { type: 'end', finishReason: 'interrupted' };
      heldEnd = undefined;
      return [end];
    },
  };
}
