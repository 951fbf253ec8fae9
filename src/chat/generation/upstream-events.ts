/**
 * A model server's streamed bytes as events, for either protocol: SSE `data:` payloads through the
 * OpenAI stream decoder, or NDJSON lines through the Ollama chat decoder. Each chunk is parsed once:
 * `carriesToken` (asked by the exchange for its first-token timer) keeps the events it found for the
 * `take` that follows with the same chunk.
 */
import type { ConnectionKind } from '../../connections';
import { createNdjsonParser, createOllamaChatDecoder, createOpenAiStreamDecoder, createSseParser, type ChatEvent } from '../../providers';

/** Decodes one upstream stream (make one per attempt). */
export interface UpstreamEventDecoder {
  /** Whether the chunk carries real output (text, reasoning or a tool call). */
  carriesToken(chunk: Buffer): boolean;
  /** The events of one chunk, in order. */
  take(chunk: Buffer): ChatEvent[];
  /** The stream ended: what is left, ending with `end` or `error` (a stream cut short is an error). */
  finish(): ChatEvent[];
}

const cutShort: ChatEvent = { type: 'error', code: 'upstream_failed', message: 'the model server closed the stream before the answer was complete' };

/** A decoder for a connection of the given kind. */
export function createUpstreamEventDecoder(kind: ConnectionKind): UpstreamEventDecoder {
  let pending: ChatEvent[] = [];
  let ended = false;
  const note = (event: ChatEvent): void => {
    if (event.type === 'end' || event.type === 'error') ended = true;
    pending.push(event);
  };
  let push: (chunk: Buffer) => void;
  let close: () => void;
  if (kind === 'openai') {
    const decoder = createOpenAiStreamDecoder();
    const parser = createSseParser((event) => {
      for (const decoded of decoder.decode(event.data)) note(decoded);
    });
    push = (chunk) => parser.push(chunk);
    close = () => {
      parser.end();
      for (const decoded of decoder.finish()) note(decoded.type === 'end' && decoded.finishReason === 'interrupted' ? cutShort : decoded);
    };
  } else {
    const decoder = createOllamaChatDecoder();
    const parser = createNdjsonParser(
      (value) => {
        for (const decoded of decoder.decode(value)) note(decoded);
      },
      (error) => note({ type: 'error', code: 'upstream_failed', message: `the model server sent a malformed line: ${error.message}` }),
    );
    push = (chunk) => parser.push(chunk);
    close = () => parser.end();
  }

  // The chunk most recently parsed by carriesToken, and its events.
  let parsedChunk: Buffer | undefined;
  const drain = (): ChatEvent[] => {
    const events = pending;
    pending = [];
    return events;
  };

  return {
    carriesToken(chunk) {
      push(chunk);
      parsedChunk = chunk;
      return pending.some((event) => event.type === 'text-delta' || event.type === 'reasoning-delta' || event.type === 'tool-call');
    },
    take(chunk) {
      if (parsedChunk === chunk) parsedChunk = undefined;
      else push(chunk);
      return drain();
    },
    finish() {
      close();
      if (!ended) note(cutShort);
      return drain();
    },
  };
}
