/** Micro-benchmarks of the per-chunk work on the Ollama streaming path (`npx vitest bench src/providers`). */
import { bench, describe } from 'vitest';
import { createOpenAiChunkEncoder } from '../openai';
import { createOllamaChatDecoder } from './chat-chunk-to-events';
import { createNdjsonParser } from './ndjson-parser';

const line = (text: string): string => `{"model":"llama3.2","created_at":"2025-01-01T00:00:00.000000Z","message":{"role":"assistant","content":${JSON.stringify(text)}},"done":false}\n`;
const streamBytes = new TextEncoder().encode(Array.from({ length: 1000 }, (_, index) => line(`token ${index} ✓`)).join(''));

describe('Ollama stream, 1000 lines in 1 KiB reads', () => {
  bench('NDJSON parse', () => {
    const parser = createNdjsonParser(
      () => undefined,
      () => undefined,
    );
    for (let start = 0; start < streamBytes.length; start += 1024) parser.push(streamBytes.subarray(start, start + 1024));
    parser.end();
  });

  bench('NDJSON parse + decode to events + encode to OpenAI chunks', () => {
    const decoder = createOllamaChatDecoder();
    const encoder = createOpenAiChunkEncoder({ id: 'chatcmpl-1', model: 'llama3.2', created: 1 });
    const parser = createNdjsonParser(
      (value) => {
        for (const event of decoder.decode(value)) encoder.encode(event);
      },
      () => undefined,
    );
    for (let start = 0; start < streamBytes.length; start += 1024) parser.push(streamBytes.subarray(start, start + 1024));
    parser.end();
  });
});
