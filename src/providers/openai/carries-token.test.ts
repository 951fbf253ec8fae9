import { describe, expect, it } from 'vitest';
import { chunkCarriesToken, parsedCarriesToken } from './carries-token';
import { readTranscript } from './fixtures/transcripts';
import { parseSseText } from './sse-parser';
import { createOpenAiTokenWatch } from './token-watch';

const carrying = [
  '{"choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}',
  '{"choices":[{"index":0,"delta":{"content":" "},"finish_reason":null}]}',
  '{"choices":[{"index":0,"delta":{"content":"\\n"},"finish_reason":null}]}',
  '{"choices":[{"index":0,"delta":{"role":"assistant","content":"Hi"},"finish_reason":null}]}',
  '{"choices":[{"index":0,"delta":{"reasoning_content":"Let me think"},"finish_reason":null}]}',
  '{"choices":[{"index":0,"delta":{"content":null,"reasoning":"Hmm"},"finish_reason":null}]}',
  '{"choices":[{"index":0,"delta":{"refusal":"No."},"finish_reason":null}]}',
  '{"choices":[{"index":0,"delta":{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"f","arguments":""}}]},"finish_reason":null}]}',
  '{"choices":[{"index":0,"delta":{"function_call":{"name":"f","arguments":""}},"finish_reason":null}]}',
  '{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}',
  '{"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":"length"}]}',
  '{"choices":[],"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}}',
  '{"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}}',
  '{"error":{"message":"overloaded","type":"server_error"}}',
  '{"error":"boom"}',
  // Written with spaces, as Python's json.dumps does.
  '{"choices": [{"index": 0, "delta": {"content": "Hi"}, "finish_reason": null}]}',
  '{"choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": "stop"}]}',
  '{ "choices" : [ { "delta" : { "tool_calls" : [ { "index" : 0 } ] } } ] }',
  '[DONE]',
  ' [DONE]',
];

const notCarrying = [
  '{"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}',
  '{"choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}],"usage":null}',
  '{"choices":[{"index":0,"delta":{"role":"assistant","content":null,"reasoning_content":null,"tool_calls":[]},"finish_reason":null}]}',
  '{"choices":[{"index":0,"delta":{"role":"assistant","content":"","reasoning":""},"finish_reason":""}]}',
  '{"choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": null}], "usage": null}',
  // Running usage on the role chunk (vLLM's continuous usage stats) is not output.
  '{"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}],"usage":{"prompt_tokens":5,"completion_tokens":0,"total_tokens":5}}',
  // Words that look like keys inside a string value do not count.
  '{"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}],"model":"\\"content\\":\\"x\\""}',
  '{"choices":[{"index":0,"delta":{"role":"content"},"finish_reason":null}]}',
  '{"choices":[{"index":0,"delta":{},"logprobs":{"content":[]},"finish_reason":null}]}',
  // Backslashes and escaped quotes just before a closing quote.
  '{"model":"a\\\\","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}',
  '{"model":"say \\"content\\": \\"x\\"","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}',
  '{}',
  'not json',
  '',
];

describe('chunkCarriesToken', () => {
  it.each(carrying)('counts %s', (data) => {
    expect(chunkCarriesToken(data)).toBe(true);
  });

  it.each(notCarrying)('does not count %s', (data) => {
    expect(chunkCarriesToken(data)).toBe(false);
  });

  it('agrees with a full parse on every recorded chunk and every sample', () => {
    const recorded = ['openai-chat-stream.sse', 'openai-chat-stream-tool-call.sse'].flatMap((name) => parseSseText(readTranscript(name)).map((event) => event.data));
    for (const data of [...recorded, ...carrying, ...notCarrying]) expect(chunkCarriesToken(data), data).toBe(parsedCarriesToken(data));
  });

  it('agrees with a full parse on generated chunks, compact and spaced', () => {
    let seed = 7;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const pick = <T>(values: T[]): T => values[Math.floor(random() * values.length)]!;
    const texts = ['', '', 'x', ' ', '"', '\\', 'content', '"content":"', '{"error":1}', null, undefined];
    for (let round = 0; round < 3000; round += 1) {
      const delta: Record<string, unknown> = {};
      for (const key of ['role', 'content', 'reasoning_content', 'reasoning', 'refusal']) {
        const value = pick(texts);
        if (value !== undefined) delta[key] = key === 'role' ? 'assistant' : value;
      }
      if (random() < 0.2) delta.tool_calls = pick([[], null, [{ index: 0, function: { arguments: '' } }]]);
      const choice: Record<string, unknown> = { index: 0, delta, finish_reason: pick([null, null, null, 'stop', '']) };
      if (random() < 0.2) choice.logprobs = pick([null, { content: [] }, { content: [{ token: 'a' }] }]);
      const chunk: Record<string, unknown> = { id: pick(['chatcmpl-1', 'a\\', 'q"uote']), choices: random() < 0.1 ? [] : [choice] };
      if (random() < 0.3) chunk.usage = pick([null, { prompt_tokens: 1 }]);
      if (random() < 0.05) chunk.error = pick([null, { message: 'x' }]);
      const data = random() < 0.5 ? JSON.stringify(chunk) : JSON.stringify(chunk, null, 1);
      expect(chunkCarriesToken(data), data).toBe(parsedCarriesToken(data));
    }
  });

  it('finds the first token of the recorded stream in its second chunk (the role chunk does not count)', () => {
    const chunks = parseSseText(readTranscript('openai-chat-stream.sse')).map((event) => event.data);
    expect(chunks.map(chunkCarriesToken).indexOf(true)).toBe(1);
  });

  it('parses when a value has a form it does not expect', () => {
    expect(chunkCarriesToken('{"choices":[{"delta":{"content":42}}]}')).toBe(parsedCarriesToken('{"choices":[{"delta":{"content":42}}]}'));
    expect(chunkCarriesToken('{"choices":[{"delta":{"tool_calls":{"index":0}}}]}')).toBe(false);
  });
});

describe('createOpenAiTokenWatch', () => {
  it('answers true from the chunk that completes the first token event, wherever the bytes are cut', () => {
    const text = readTranscript('openai-chat-stream.sse');
    const bytes = new TextEncoder().encode(text);
    // The second event carries the first content; it is complete at the second newline of its "\n\n".
    expect(parseSseText(text)[1]?.data).toContain('"content":"Hello"');
    const completedAt = new TextEncoder().encode(text.slice(0, text.indexOf('\n\n', text.indexOf('\n\n') + 2) + 2)).length - 1;
    for (const size of [1, 2, 5, 16, 64, 1000]) {
      const watch = createOpenAiTokenWatch();
      const answers: boolean[] = [];
      for (let start = 0; start < bytes.length; start += size) answers.push(watch(bytes.subarray(start, start + size)));
      expect(answers.indexOf(true), `chunks of ${size}`).toBe(Math.floor(completedAt / size));
      expect(answers.slice(answers.indexOf(true)).every(Boolean)).toBe(true);
    }
  });

  it('stays false for the role chunk and comments alone', () => {
    const watch = createOpenAiTokenWatch();
    expect(watch(': ping\n\n')).toBe(false);
    expect(watch('data: {"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}\n\n')).toBe(false);
    expect(watch('data: {"choices":[{"index":0,"delta":{"content":"A"},"finish_reason":null}]}\n\n')).toBe(true);
    expect(watch('anything')).toBe(true);
  });
});
