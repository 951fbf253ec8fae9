import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import type { ChatEvent } from '../events';
import { openAiChunkToEvents } from './chunk-to-events';
import { createOpenAiChunkEncoder, encodeCompletion, type OpenAiChunkEncoderOptions } from './events-to-chunks';
import { readTranscript } from './fixtures/transcripts';
import { parseSseText } from './sse-parser';
import { createOpenAiStreamDecoder } from './stream-decoder';

const options: OpenAiChunkEncoderOptions = { id: 'chatcmpl-abc', model: 'llama3.2', created: 1_700_000_000 };

function encodeAll(events: ChatEvent[], encoderOptions: OpenAiChunkEncoderOptions = options): string {
  const encoder = createOpenAiChunkEncoder(encoderOptions);
  return events.map((event) => encoder.encode(event)).join('');
}

const dataOf = (sse: string): string[] => parseSseText(sse).map((event) => event.data);

/** An OpenAI client whose server answers every request with `body`. */
function clientAnswering(body: string, contentType = 'text/event-stream'): OpenAI {
  return new OpenAI({
    apiKey: 'sk-test',
    baseURL: 'http://model.test/v1',
    maxRetries: 0,
    fetch: async () => new Response(body, { status: 200, headers: { 'content-type': contentType } }),
  });
}

const reply: ChatEvent[] = [
  { type: 'reasoning-delta', text: 'Think.' },
  { type: 'text-delta', text: 'Hello' },
  { type: 'text-delta', text: ', "world" ✓\n' },
  { type: 'usage', usage: { promptTokens: 5, completionTokens: 3, totalTokens: 8 } },
  { type: 'end', finishReason: 'stop' },
];

describe('createOpenAiChunkEncoder', () => {
  it('writes the role chunk first, the deltas, the finish chunk and [DONE]', () => {
    const sse = encodeAll(reply);
    const chunks = dataOf(sse);
    expect(chunks.at(-1)).toBe('[DONE]');
    const parsed = chunks.slice(0, -1).map((data) => JSON.parse(data) as Record<string, unknown>);
    expect(parsed[0]).toEqual({
      id: 'chatcmpl-abc',
      object: 'chat.completion.chunk',
      created: 1_700_000_000,
      model: 'llama3.2',
      choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }],
    });
    expect(parsed.map((chunk) => (chunk.choices as Array<{ delta: unknown }>)[0]?.delta)).toEqual([
      { role: 'assistant', content: '' },
      { reasoning_content: 'Think.' },
      { content: 'Hello' },
      { content: ', "world" ✓\n' },
      {},
    ]);
    expect((parsed.at(-1)!.choices as Array<{ finish_reason: unknown }>)[0]?.finish_reason).toBe('stop');
    // Without include_usage, no usage chunk and no usage fields.
    expect(sse).not.toContain('usage');
    expect(sse.endsWith('\n\ndata: [DONE]\n\n')).toBe(true);
  });

  it('adds "usage": null to each chunk and a usage chunk before [DONE] when asked', () => {
    const chunks = dataOf(encodeAll(reply, { ...options, includeUsage: true }));
    expect(chunks.at(-1)).toBe('[DONE]');
    expect(JSON.parse(chunks.at(-2)!)).toEqual({
      id: 'chatcmpl-abc',
      object: 'chat.completion.chunk',
      created: 1_700_000_000,
      model: 'llama3.2',
      choices: [],
      usage: { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 },
    });
    for (const data of chunks.slice(0, -2)) expect((JSON.parse(data) as { usage: unknown }).usage).toBeNull();
  });

  it('writes tool calls: id, type and name on the first piece, then argument pieces', () => {
    const chunks = dataOf(
      encodeAll([
        { type: 'tool-call', index: 0, id: 'call_0', name: 'get_weather', argumentsDelta: '{"city":' },
        { type: 'tool-call', index: 0, argumentsDelta: '"Tokyo"}' },
        { type: 'end', finishReason: 'tool_calls' },
      ]),
    );
    const deltas = chunks.slice(0, -1).map((data) => (JSON.parse(data) as { choices: Array<{ delta: unknown; finish_reason: unknown }> }).choices[0]);
    expect(deltas.map((choice) => choice?.delta)).toEqual([
      { role: 'assistant', content: '' },
      { tool_calls: [{ index: 0, id: 'call_0', type: 'function', function: { name: 'get_weather', arguments: '{"city":' } }] },
      { tool_calls: [{ index: 0, function: { arguments: '"Tokyo"}' } }] },
      {},
    ]);
    expect(deltas.at(-1)?.finish_reason).toBe('tool_calls');
  });

  it('ends an error with an error payload and no [DONE], and writes nothing after', () => {
    const encoder = createOpenAiChunkEncoder(options);
    const text = encoder.encode({ type: 'text-delta', text: 'Half an ans' });
    const error = encoder.encode({ type: 'error', code: 'upstream_timeout', message: 'model server at http://gpu1:11434 went silent for 30 s' });
    expect(error).toBe('data: {"error":{"message":"model server at http://gpu1:11434 went silent for 30 s","type":"server_error","code":"upstream_timeout"}}\n\n');
    expect(encoder.finished).toBe(true);
    expect(encoder.encode({ type: 'end', finishReason: 'error' })).toBe('');
    expect(encoder.encode({ type: 'text-delta', text: 'more' })).toBe('');
    expect(text + error).not.toContain('[DONE]');
  });

  it('ends an interrupted reply with an error payload, not [DONE]', () => {
    const sse = encodeAll([{ type: 'text-delta', text: 'Half' }, { type: 'end', finishReason: 'interrupted' }]);
    expect(sse).not.toContain('[DONE]');
    expect(sse).not.toContain('finish_reason":"');
    expect(JSON.parse(dataOf(sse).at(-1)!)).toEqual({
      error: { message: 'the reply was interrupted before it was complete', type: 'server_error', code: 'interrupted' },
    });
  });

  it('ends a reply the user stopped normally, with finish_reason stop', () => {
    const chunks = dataOf(encodeAll([{ type: 'text-delta', text: 'Part' }, { type: 'end', finishReason: 'stopped' }]));
    expect(chunks.at(-1)).toBe('[DONE]');
    expect(chunks.at(-2)).toContain('"finish_reason":"stop"');
  });

  it('writes nothing for empty deltas and still sends the role chunk for an empty reply', () => {
    const encoder = createOpenAiChunkEncoder(options);
    expect(encoder.encode({ type: 'text-delta', text: '' })).toBe('');
    const chunks = dataOf(encoder.encode({ type: 'end', finishReason: 'stop' }));
    expect(chunks).toHaveLength(3);
    expect(chunks[0]).toContain('"role":"assistant"');
  });

  it('escapes ids and model names', () => {
    const chunks = dataOf(encodeAll([{ type: 'text-delta', text: 'x' }], { id: 'a"b', model: 'm\\n', created: 1.7 }));
    expect(JSON.parse(chunks[1]!)).toMatchObject({ id: 'a"b', model: 'm\\n', created: 1 });
  });

  it('round-trips the recorded OpenAI stream: decode, encode, decode gives the same events', () => {
    for (const name of ['openai-chat-stream.sse', 'openai-chat-stream-tool-call.sse']) {
      const decoder = createOpenAiStreamDecoder();
      const events = parseSseText(readTranscript(name)).flatMap((event) => decoder.decode(event.data));
      const again = createOpenAiStreamDecoder();
      const reencoded = parseSseText(encodeAll(events, { ...options, includeUsage: true })).flatMap((event) => again.decode(event.data));
      expect(reencoded).toEqual(events);
    }
  });

  it('is read by the official openai client, which reassembles the reply', async () => {
    const sse = encodeAll(
      [
        { type: 'text-delta', text: 'The weather' },
        { type: 'tool-call', index: 0, id: 'call_0', name: 'get_weather', argumentsDelta: '{"city":"Paris"}' },
        { type: 'usage', usage: { promptTokens: 5, completionTokens: 3, totalTokens: 8 } },
        { type: 'end', finishReason: 'tool_calls' },
      ],
      { ...options, includeUsage: true },
    );
    const client = clientAnswering(sse);
    const runner = client.chat.completions.stream({ model: 'llama3.2', messages: [{ role: 'user', content: 'hi' }], stream_options: { include_usage: true } });
    const completion = await runner.finalChatCompletion();
    expect(completion.choices[0]?.message.content).toBe('The weather');
    expect(completion.choices[0]?.message.tool_calls).toEqual([{ id: 'call_0', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }]);
    expect(completion.choices[0]?.finish_reason).toBe('tool_calls');
    expect(completion.usage).toEqual({ prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 });
  });

  it('makes the official openai client throw on an error payload', async () => {
    const sse = encodeAll([
      { type: 'text-delta', text: 'Half' },
      { type: 'error', code: 'upstream_failed', message: 'model server at http://gpu1:11434 closed the connection in the middle of the answer' },
    ]);
    const stream = await clientAnswering(sse).chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true });
    const received: string[] = [];
    await expect(
      (async () => {
        for await (const chunk of stream) received.push(chunk.choices[0]?.delta.content ?? '');
      })(),
    ).rejects.toThrow(/closed the connection in the middle of the answer/);
    expect(received.join('')).toBe('Half');
  });
});

describe('encodeCompletion', () => {
  it('builds a chat.completion from the events', () => {
    expect(encodeCompletion(options, reply)).toEqual({
      id: 'chatcmpl-abc',
      object: 'chat.completion',
      created: 1_700_000_000,
      model: 'llama3.2',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hello, "world" ✓\n', reasoning_content: 'Think.' }, finish_reason: 'stop', logprobs: null }],
      usage: { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 },
    });
  });

  it('joins tool call pieces by index and leaves content null when there is no text', () => {
    const completion = encodeCompletion(options, [
      { type: 'tool-call', index: 1, id: 'call_b', name: 'second', argumentsDelta: '{}' },
      { type: 'tool-call', index: 0, id: 'call_a', name: 'first', argumentsDelta: '{"a"' },
      { type: 'tool-call', index: 0, argumentsDelta: ':1}' },
      { type: 'tool-call', index: 2, name: 'third', argumentsDelta: '{}' },
      { type: 'end', finishReason: 'tool_calls' },
    ]);
    expect(completion).toMatchObject({
      choices: [
        {
          message: {
            role: 'assistant',
            content: null,
            tool_calls: [
              { id: 'call_a', type: 'function', function: { name: 'first', arguments: '{"a":1}' } },
              { id: 'call_b', type: 'function', function: { name: 'second', arguments: '{}' } },
              { id: 'call_2', type: 'function', function: { name: 'third', arguments: '{}' } },
            ],
          },
          finish_reason: 'tool_calls',
        },
      ],
    });
    expect('usage' in completion).toBe(false);
  });

  it('gives the error body for an error, an abnormal end, or no end', () => {
    expect(encodeCompletion(options, [{ type: 'text-delta', text: 'x' }, { type: 'error', code: 'upstream_timeout', message: 'slow' }])).toEqual({
      error: { message: 'slow', type: 'server_error', code: 'upstream_timeout' },
    });
    expect(encodeCompletion(options, [{ type: 'text-delta', text: 'x' }, { type: 'end', finishReason: 'interrupted' }])).toMatchObject({ error: { code: 'interrupted' } });
    expect(encodeCompletion(options, [{ type: 'text-delta', text: 'x' }])).toMatchObject({ error: { code: 'interrupted' } });
    expect(encodeCompletion(options, [{ type: 'end', finishReason: 'error' }])).toMatchObject({ error: { code: 'upstream_failed' } });
  });

  it('is read by the official openai client', async () => {
    const body = JSON.stringify(encodeCompletion(options, reply));
    const completion = await clientAnswering(body, 'application/json').chat.completions.create({ model: 'llama3.2', messages: [{ role: 'user', content: 'hi' }] });
    expect(completion.choices[0]?.message.content).toBe('Hello, "world" ✓\n');
    expect(completion.usage?.total_tokens).toBe(8);
  });

  it('matches the shape of the recorded chat.completion', () => {
    const recorded = JSON.parse(readTranscript('openai-chat.json')) as { choices: Array<{ message: { content: string } }>; usage: Record<string, unknown> };
    const events = openAiChunkToEvents({ choices: [{ index: 0, delta: { content: recorded.choices[0]?.message.content }, finish_reason: 'stop' }], usage: recorded.usage });
    const completion = encodeCompletion(options, events);
    expect(Object.keys(completion).filter((key) => key !== 'system_fingerprint')).toEqual(
      Object.keys(recorded).filter((key) => key !== 'system_fingerprint' && key !== 'service_tier'),
    );
  });
});
