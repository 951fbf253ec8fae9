import { describe, expect, it } from 'vitest';
import type { ChatEvent } from '../events';
import { openAiChunkToEvents } from './chunk-to-events';
import { readTranscript } from './fixtures/transcripts';
import { mapOpenAiFinishReason } from './map-openai-finish-reason';
import { parseSseText } from './sse-parser';
import { createOpenAiStreamDecoder } from './stream-decoder';

const chunk = (delta: Record<string, unknown>, finishReason: string | null = null, extra: Record<string, unknown> = {}): unknown => ({
  id: 'chatcmpl-1',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'm',
  choices: [{ index: 0, delta, finish_reason: finishReason }],
  ...extra,
});

/** All events of a recorded stream, through the stream decoder. */
function decodeTranscript(name: string): ChatEvent[] {
  const decoder = createOpenAiStreamDecoder();
  const events = parseSseText(readTranscript(name)).flatMap((event) => decoder.decode(event.data));
  return [...events, ...decoder.finish()];
}

describe('openAiChunkToEvents', () => {
  it('turns the role-only first chunk into nothing', () => {
    expect(openAiChunkToEvents(chunk({ role: 'assistant', content: '' }))).toEqual([]);
    expect(openAiChunkToEvents(chunk({ role: 'assistant', content: null, refusal: null }))).toEqual([]);
  });

  it('reads content, reasoning_content and reasoning (one of them when both come)', () => {
    expect(openAiChunkToEvents(chunk({ content: 'Hi' }))).toEqual([{ type: 'text-delta', text: 'Hi' }]);
    expect(openAiChunkToEvents(chunk({ reasoning_content: 'hmm' }))).toEqual([{ type: 'reasoning-delta', text: 'hmm' }]);
    expect(openAiChunkToEvents(chunk({ reasoning: 'hmm', content: null }))).toEqual([{ type: 'reasoning-delta', text: 'hmm' }]);
    expect(openAiChunkToEvents(chunk({ reasoning_content: 'hmm', reasoning: 'hmm', content: 'A' }))).toEqual([
      { type: 'reasoning-delta', text: 'hmm' },
      { type: 'text-delta', text: 'A' },
    ]);
    expect(openAiChunkToEvents(chunk({ refusal: 'I cannot' }))).toEqual([{ type: 'text-delta', text: 'I cannot' }]);
  });

  it('reads tool call pieces with their index, id and name', () => {
    expect(
      openAiChunkToEvents(
        chunk({ tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '' } }, { index: 1, function: { arguments: '{"x"' } }] }),
      ),
    ).toEqual([
      { type: 'tool-call', index: 0, id: 'call_a', name: 'get_weather', argumentsDelta: '' },
      { type: 'tool-call', index: 1, argumentsDelta: '{"x"' },
    ]);
    // Empty pieces say nothing; the deprecated function_call still reads.
    expect(openAiChunkToEvents(chunk({ tool_calls: [{ index: 0, function: { arguments: '' } }] }))).toEqual([]);
    expect(openAiChunkToEvents(chunk({ function_call: { name: 'f', arguments: '{}' } }))).toEqual([
      { type: 'tool-call', index: 0, name: 'f', argumentsDelta: '{}' },
    ]);
  });

  it('puts usage before end when both come in one chunk, and maps the finish reason', () => {
    expect(openAiChunkToEvents(chunk({}, 'length', { usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 } }))).toEqual([
      { type: 'usage', usage: { promptTokens: 3, completionTokens: 4, totalTokens: 7 } },
      { type: 'end', finishReason: 'length' },
    ]);
    expect(openAiChunkToEvents({ choices: [], usage: { prompt_tokens: 3, completion_tokens: 4 } })).toEqual([
      { type: 'usage', usage: { promptTokens: 3, completionTokens: 4, totalTokens: 7 } },
    ]);
  });

  it('reads only the first choice', () => {
    const twoChoices = { choices: [{ index: 1, delta: { content: 'B' }, finish_reason: null }, { index: 0, delta: { content: 'A' }, finish_reason: null }] };
    expect(openAiChunkToEvents(twoChoices)).toEqual([{ type: 'text-delta', text: 'A' }]);
  });

  it('turns an error object into an error event', () => {
    expect(openAiChunkToEvents({ error: { message: 'overloaded', type: 'server_error' } })).toEqual([
      { type: 'error', code: 'upstream_failed', message: 'overloaded' },
    ]);
    expect(openAiChunkToEvents({ error: 'boom' })).toEqual([{ type: 'error', code: 'upstream_failed', message: 'boom' }]);
  });

  it('ignores what is not a chunk', () => {
    expect(openAiChunkToEvents(null)).toEqual([]);
    expect(openAiChunkToEvents('text')).toEqual([]);
    expect(openAiChunkToEvents({ choices: 'no' })).toEqual([]);
  });
});

describe('mapOpenAiFinishReason', () => {
  it('maps the documented reasons and treats other ends as stop', () => {
    expect(mapOpenAiFinishReason('stop')).toBe('stop');
    expect(mapOpenAiFinishReason('length')).toBe('length');
    expect(mapOpenAiFinishReason('tool_calls')).toBe('tool_calls');
    expect(mapOpenAiFinishReason('function_call')).toBe('tool_calls');
    expect(mapOpenAiFinishReason('content_filter')).toBe('content_filter');
    expect(mapOpenAiFinishReason('eos_token')).toBe('stop');
    expect(mapOpenAiFinishReason(null)).toBeUndefined();
    expect(mapOpenAiFinishReason('')).toBeUndefined();
    expect(mapOpenAiFinishReason(undefined)).toBeUndefined();
  });
});

describe('createOpenAiStreamDecoder', () => {
  it('decodes the recorded text stream with usage before end', () => {
    const events = decodeTranscript('openai-chat-stream.sse');
    const text = events.map((event) => (event.type === 'text-delta' ? event.text : '')).join('');
    expect(text).toBe('Hello! How can I help?');
    expect(events.slice(-2)).toEqual([
      { type: 'usage', usage: { promptTokens: 9, completionTokens: 5, totalTokens: 14 } },
      { type: 'end', finishReason: 'stop' },
    ]);
  });

  it('decodes the recorded tool-call stream', () => {
    const events = decodeTranscript('openai-chat-stream-tool-call.sse');
    const toolCalls = events.filter((event) => event.type === 'tool-call');
    expect(toolCalls[0]).toEqual({ type: 'tool-call', index: 0, id: 'call_DdmO9pD3xa9XTPNJ32zg2hcA', name: 'get_weather', argumentsDelta: '' });
    expect(JSON.parse(toolCalls.map((event) => event.argumentsDelta).join(''))).toEqual({ location: 'Paris, France' });
    expect(events.at(-1)).toEqual({ type: 'end', finishReason: 'tool_calls' });
  });

  it('ends a stream that closed without a finish reason or [DONE] as interrupted', () => {
    const decoder = createOpenAiStreamDecoder();
    expect(decoder.decode(JSON.stringify(chunk({ content: 'Hal' })))).toEqual([{ type: 'text-delta', text: 'Hal' }]);
    expect(decoder.complete).toBe(false);
    expect(decoder.finish()).toEqual([{ type: 'end', finishReason: 'interrupted' }]);
  });

  it('ends at the finish reason when the server closes without [DONE]', () => {
    const decoder = createOpenAiStreamDecoder();
    expect(decoder.decode(JSON.stringify(chunk({}, 'stop')))).toEqual([]);
    expect(decoder.complete).toBe(true);
    expect(decoder.finish()).toEqual([{ type: 'end', finishReason: 'stop' }]);
    expect(decoder.finish()).toEqual([]);
  });

  it('ends with stop at [DONE] when no finish reason came, and ignores what follows', () => {
    const decoder = createOpenAiStreamDecoder();
    expect(decoder.decode('[DONE]')).toEqual([{ type: 'end', finishReason: 'stop' }]);
    expect(decoder.decode(JSON.stringify(chunk({ content: 'late' })))).toEqual([]);
    expect(decoder.finish()).toEqual([]);
  });

  it('reports a payload that is not JSON, and an error chunk, and then stops', () => {
    const broken = createOpenAiStreamDecoder();
    expect(broken.decode('{"choices":')).toEqual([
      { type: 'error', code: 'upstream_failed', message: 'the model server sent a chunk that is not JSON: {"choices":' },
    ]);
    expect(broken.finish()).toEqual([]);
    const failing = createOpenAiStreamDecoder();
    expect(failing.decode('{"error":{"message":"overloaded"}}')).toEqual([{ type: 'error', code: 'upstream_failed', message: 'overloaded' }]);
    expect(failing.decode('[DONE]')).toEqual([]);
    expect(failing.finish()).toEqual([]);
  });
});
