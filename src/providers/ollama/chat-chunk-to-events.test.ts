import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import type { ChatEvent } from '../events';
import { createOpenAiChunkEncoder, createOpenAiStreamDecoder, parseSseText } from '../openai';
import { createOllamaChatDecoder } from './chat-chunk-to-events';
import { readTranscript } from './fixtures/transcripts';
import { mapOllamaDoneReason } from './map-ollama-done-reason';
import { parseNdjsonText } from './ndjson-parser';

function decodeTranscript(name: string): ChatEvent[] {
  const decoder = createOllamaChatDecoder();
  return parseNdjsonText(readTranscript(name)).flatMap((chunk) => decoder.decode(chunk));
}

/** The Ollama stream's own text, straight from its lines. */
function ollamaText(name: string, field: 'content' | 'thinking'): string {
  return parseNdjsonText(readTranscript(name))
    .map((chunk) => (chunk as { message?: Record<string, string> }).message?.[field] ?? '')
    .join('');
}

function toOpenAiSse(events: ChatEvent[]): string {
  const encoder = createOpenAiChunkEncoder({ id: 'chatcmpl-1', model: 'llama3.2', created: 1, includeUsage: true });
  return events.map((event) => encoder.encode(event)).join('');
}

const doneLine = { model: 'm', created_at: '2025-01-01T00:00:00Z', message: { role: 'assistant', content: '' }, done: true };

describe('createOllamaChatDecoder', () => {
  it('decodes the recorded stream: text, then usage, then end', () => {
    const events = decodeTranscript('ollama-chat-stream.ndjson');
    expect(events.slice(0, 2)).toEqual([
      { type: 'text-delta', text: 'The' },
      { type: 'text-delta', text: ' sky' },
    ]);
    expect(events.slice(-2)).toEqual([
      { type: 'usage', usage: { promptTokens: 26, completionTokens: 282, totalTokens: 308 } },
      { type: 'end', finishReason: 'stop' },
    ]);
  });

  it('decodes thinking as reasoning, before the text', () => {
    const events = decodeTranscript('ollama-chat-thinking.ndjson');
    const reasoning = events.filter((event) => event.type === 'reasoning-delta').map((event) => event.text);
    expect(reasoning.join('')).toBe(ollamaText('ollama-chat-thinking.ndjson', 'thinking'));
    expect(events.findIndex((event) => event.type === 'text-delta')).toBeGreaterThan(events.findLastIndex((event) => event.type === 'reasoning-delta'));
  });

  it('decodes tool calls with generated ids, JSON arguments and the tool_calls finish reason', () => {
    const events = decodeTranscript('ollama-chat-tool-call.ndjson');
    expect(events).toEqual([
      { type: 'tool-call', index: 0, id: 'call_0', name: 'get_weather', argumentsDelta: '{"city":"Tokyo"}' },
      { type: 'usage', usage: { promptTokens: 169, completionTokens: 15, totalTokens: 184 } },
      { type: 'end', finishReason: 'tool_calls' },
    ]);
  });

  it('numbers tool calls across the stream and keeps ids the server gave', () => {
    const decoder = createOllamaChatDecoder();
    const first = decoder.decode({ message: { role: 'assistant', content: '', tool_calls: [{ function: { name: 'a', arguments: {} } }, { id: 'srv_1', function: { name: 'b', arguments: { x: [1] } } }] }, done: false });
    const second = decoder.decode({ message: { role: 'assistant', content: '', tool_calls: [{ function: { index: 0, name: 'c', arguments: { y: 'é' } } }] }, done: false });
    expect([...first, ...second]).toEqual([
      { type: 'tool-call', index: 0, id: 'call_0', name: 'a', argumentsDelta: '{}' },
      { type: 'tool-call', index: 1, id: 'srv_1', name: 'b', argumentsDelta: '{"x":[1]}' },
      { type: 'tool-call', index: 2, id: 'call_2', name: 'c', argumentsDelta: '{"y":"é"}' },
    ]);
  });

  it('maps done_reason: length, and load/unload as stop, without usage when there are no counts', () => {
    expect(createOllamaChatDecoder().decode({ ...doneLine, done_reason: 'length', prompt_eval_count: 1, eval_count: 2 }).at(-1)).toEqual({ type: 'end', finishReason: 'length' });
    expect(createOllamaChatDecoder().decode({ ...doneLine, done_reason: 'load' })).toEqual([{ type: 'end', finishReason: 'stop' }]);
    expect(createOllamaChatDecoder().decode({ ...doneLine, done_reason: 'unload' })).toEqual([{ type: 'end', finishReason: 'stop' }]);
    expect(mapOllamaDoneReason(undefined)).toBe('stop');
  });

  it('turns an error line into an error event', () => {
    expect(createOllamaChatDecoder().decode({ error: 'an error was encountered while running the model: unexpected EOF' })).toEqual([
      { type: 'error', code: 'upstream_failed', message: 'an error was encountered while running the model: unexpected EOF' },
    ]);
  });

  it('ignores what is not a chat object', () => {
    expect(createOllamaChatDecoder().decode(null)).toEqual([]);
    expect(createOllamaChatDecoder().decode({ message: 'x', done: false })).toEqual([]);
  });
});

describe('Ollama stream → events → OpenAI chunks', () => {
  for (const name of ['ollama-chat-stream.ndjson', 'ollama-chat-thinking.ndjson']) {
    it(`keeps the text, reasoning, finish reason and usage of ${name}`, () => {
      const sse = toOpenAiSse(decodeTranscript(name));
      const data = parseSseText(sse).map((event) => event.data);
      expect(data.at(-1)).toBe('[DONE]');
      const chunks = data.slice(0, -1).map((text) => JSON.parse(text) as { choices: Array<{ delta: { content?: string; reasoning_content?: string }; finish_reason: string | null }>; usage: unknown });
      const content = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
      const reasoning = chunks.map((chunk) => chunk.choices[0]?.delta.reasoning_content ?? '').join('');
      expect(content).toBe(ollamaText(name, 'content'));
      expect(reasoning).toBe(ollamaText(name, 'thinking'));
      expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('stop');
      const last = parseNdjsonText(readTranscript(name)).at(-1) as { prompt_eval_count: number; eval_count: number };
      expect(chunks.at(-1)?.usage).toEqual({ prompt_tokens: last.prompt_eval_count, completion_tokens: last.eval_count, total_tokens: last.prompt_eval_count + last.eval_count });
      // Decoding the OpenAI chunks gives back the same events.
      const decoder = createOpenAiStreamDecoder();
      expect(data.flatMap((text) => decoder.decode(text))).toEqual(decodeTranscript(name));
    });
  }

  it('keeps a tool call, which the official openai client reassembles', async () => {
    const sse = toOpenAiSse(decodeTranscript('ollama-chat-tool-call.ndjson'));
    const client = new OpenAI({ apiKey: 'sk-test', baseURL: 'http://model.test/v1', maxRetries: 0, fetch: async () => new Response(sse, { headers: { 'content-type': 'text/event-stream' } }) });
    const completion = await client.chat.completions.stream({ model: 'llama3.2', messages: [{ role: 'user', content: 'Weather?' }] }).finalChatCompletion();
    expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
    expect(completion.choices[0]?.message.tool_calls).toEqual([{ id: 'call_0', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Tokyo"}' } }]);
  });

  it('ends a stream that failed midway without [DONE]', () => {
    const decoder = createOllamaChatDecoder();
    const events = [
      ...decoder.decode({ message: { role: 'assistant', content: 'Half' }, done: false }),
      ...decoder.decode({ error: 'model runner has unexpectedly stopped' }),
    ];
    const sse = toOpenAiSse(events);
    expect(sse).not.toContain('[DONE]');
    expect(JSON.parse(parseSseText(sse).at(-1)!.data)).toEqual({ error: { message: 'model runner has unexpectedly stopped', type: 'server_error', code: 'upstream_failed' } });
  });
});
