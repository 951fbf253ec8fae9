import { describe, expect, it } from 'vitest';
import { ollamaLineCarriesToken, parsedLineCarriesToken } from './carries-token';
import { readTranscript } from './fixtures/transcripts';
import { createOllamaTokenWatch } from './token-watch';

const carrying = [
  '{"model":"m","created_at":"t","message":{"role":"assistant","content":"The"},"done":false}',
  '{"model":"m","created_at":"t","message":{"role":"assistant","content":"","thinking":"Okay"},"done":false}',
  '{"model":"m","created_at":"t","message":{"role":"assistant","content":"","tool_calls":[{"function":{"name":"f","arguments":{}}}]},"done":false}',
  '{"model":"m","created_at":"t","message":{"role":"assistant","content":""},"done_reason":"load","done":true}',
  '{"model":"m","created_at":"t","response":"The","done":false}',
  '{"error":"model runner has unexpectedly stopped"}',
  '{"model": "m", "message": {"role": "assistant", "content": "Hi"}, "done": false}',
  '{"model": "m", "message": {"role": "assistant", "content": ""}, "done": true}',
];

const notCarrying = [
  '{"model":"m","created_at":"t","message":{"role":"assistant","content":""},"done":false}',
  '{"model":"m","created_at":"t","message":{"role":"assistant","content":"","thinking":""},"done":false}',
  '{"model":"m","created_at":"t","message":{"role":"assistant","content":"","tool_calls":[]},"done":false}',
  '{"model":"m","created_at":"t","response":"","done":false}',
  '{"model": "m", "message": {"role": "assistant", "content": ""}, "done": false}',
  // Key-like text inside a string value does not count.
  '{"model":"\\"content\\":\\"x\\" \\"done\\":true","message":{"role":"assistant","content":""},"done":false}',
  '',
  'garbage',
];

describe('ollamaLineCarriesToken', () => {
  it.each(carrying)('counts %s', (line) => {
    expect(ollamaLineCarriesToken(line)).toBe(true);
  });

  it.each(notCarrying)('does not count %s', (line) => {
    expect(ollamaLineCarriesToken(line)).toBe(false);
  });

  it('agrees with a full parse on every recorded line and every sample', () => {
    const recorded = ['ollama-chat-stream.ndjson', 'ollama-chat-thinking.ndjson', 'ollama-chat-tool-call.ndjson', 'ollama-generate-stream.ndjson'].flatMap((name) =>
      readTranscript(name).split('\n'),
    );
    for (const line of [...recorded, ...carrying, ...notCarrying]) expect(ollamaLineCarriesToken(line), line).toBe(parsedLineCarriesToken(line));
  });
});

describe('createOllamaTokenWatch', () => {
  it('answers true from the chunk that completes the first line with output', () => {
    const text = '{"message":{"role":"assistant","content":""},"done":false}\n{"message":{"role":"assistant","content":"Hi"},"done":false}\n{"done":true}\n';
    const completedAt = text.indexOf('\n', text.indexOf('\n') + 1);
    for (const size of [1, 3, 10, 200]) {
      const watch = createOllamaTokenWatch();
      const answers: boolean[] = [];
      for (let start = 0; start < text.length; start += size) answers.push(watch(new TextEncoder().encode(text.slice(start, start + size))));
      expect(answers.indexOf(true), `chunks of ${size}`).toBe(Math.floor(completedAt / size));
      expect(answers.slice(answers.indexOf(true)).every(Boolean)).toBe(true);
    }
  });
});
