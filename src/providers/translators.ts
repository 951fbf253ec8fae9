/**
 * The byte translators between a model server and our client, per pair of protocols. Same protocol
 * on both sides: the bytes pass through untouched (no parse, no re-encoding), and only a watcher
 * looks for the first token. Ollama to OpenAI: NDJSON lines become events, then OpenAI chunks,
 * one upstream chunk giving at most one write.
 */
import { randomUUID } from 'node:crypto';
import type { ChatEvent } from './events';
import { createNdjsonParser, createOllamaChatDecoder, createOllamaTokenWatch } from './ollama';
import { createOpenAiChunkEncoder, createOpenAiTokenWatch } from './openai';
import type { StreamTranslator } from './relay';

/** OpenAI-compatible server to an OpenAI client, or Ollama to an Ollama client: bytes as they are. */
export function passThroughTranslator(protocol: 'openai' | 'ollama'): StreamTranslator {
  const watch = protocol === 'openai' ? createOpenAiTokenWatch() : createOllamaTokenWatch();
  return { carriesToken: watch, translate: (chunk) => chunk, finish: () => '' };
}

/** Ollama's /api/chat stream to OpenAI chat.completion.chunk events. */
export function ollamaToOpenAiTranslator(options: { model: string; includeUsage: boolean }): StreamTranslator {
  const watch = createOllamaTokenWatch();
  const decoder = createOllamaChatDecoder();
  const encoder = createOpenAiChunkEncoder({
    id: `chatcmpl-${randomUUID()}`,
    model: options.model,
    created: Date.now() / 1000,
    includeUsage: options.includeUsage,
  });
  let out = '';
  const emit = (event: ChatEvent): void => {
    out += encoder.encode(event);
  };
  const parser = createNdjsonParser(
    (value) => {
      for (const event of decoder.decode(value)) emit(event);
    },
    (error) => emit({ type: 'error', code: 'upstream_failed', message: `the model server sent a malformed line: ${error.message}` }),
  );
  return {
    carriesToken: watch,
    translate(chunk) {
      parser.push(chunk);
      const text = out;
      out = '';
      return text;
    },
    finish() {
      parser.end();
      // A stream that closed without Ollama's final `done` line was cut: say so rather than [DONE].
      if (!encoder.finished) emit({ type: 'error', code: 'upstream_failed', message: 'the model server closed the stream before the answer was complete' });
      const text = out;
      out = '';
      return text;
    },
  };
}
