/** Micro-benchmarks of the per-chunk work on the streaming path (`npx vitest bench src/providers`). */
import { bench, describe } from 'vitest';
import { chunkCarriesToken } from './carries-token';
import { createOpenAiChunkEncoder } from './events-to-chunks';
import { createSseParser } from './sse-parser';
import { createOpenAiStreamDecoder } from './stream-decoder';

const contentChunk = (text: string): string =>
  `data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":${JSON.stringify(text)}},"finish_reason":null}]}\n\n`;
const streamBytes = new TextEncoder().encode(Array.from({ length: 1000 }, (_, index) => contentChunk(`token ${index} ✓`)).join(''));
const roleChunk = '{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}],"usage":null}';

describe('OpenAI stream, 1000 chunks in 1 KiB reads', () => {
  bench('SSE parse', () => {
    const parser = createSseParser(() => undefined);
    for (let start = 0; start < streamBytes.length; start += 1024) parser.push(streamBytes.subarray(start, start + 1024));
    parser.end();
  });

  bench('SSE parse + decode to events + encode to chunks', () => {
    const decoder = createOpenAiStreamDecoder();
    const encoder = createOpenAiChunkEncoder({ id: 'chatcmpl-2', model: 'm', created: 1 });
    const parser = createSseParser((event) => {
      for (const chatEvent of decoder.decode(event.data)) encoder.encode(chatEvent);
    });
    for (let start = 0; start < streamBytes.length; start += 1024) parser.push(streamBytes.subarray(start, start + 1024));
    parser.end();
  });
});

describe('first-token check', () => {
  bench('role chunk (scan only)', () => {
    chunkCarriesToken(roleChunk);
  });
  bench('role chunk (JSON.parse, for comparison)', () => {
    JSON.parse(roleChunk);
  });
});
