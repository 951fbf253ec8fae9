import { describe, expect, it } from 'vitest';
import { readJsonTranscript, readTranscript } from './fixtures/transcripts';
import { ollamaChatToOpenAiCompletion } from './to-openai-completion';

describe('ollamaChatToOpenAiCompletion', () => {
  it('turns the recorded non-streamed answer into a chat.completion', () => {
    expect(ollamaChatToOpenAiCompletion(readJsonTranscript('ollama-chat.json'), { id: 'chatcmpl-1' })).toEqual({
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: Math.floor(Date.parse('2023-12-12T14:13:43.416799Z') / 1000),
      model: 'llama3.2',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hello! How are you today?' }, finish_reason: 'stop', logprobs: null }],
      usage: { prompt_tokens: 26, completion_tokens: 298, total_tokens: 324 },
    });
  });

  it('has the keys of the recorded OpenAI chat.completion', () => {
    const recorded = readJsonTranscript('openai-chat.json') as Record<string, unknown>;
    const converted = ollamaChatToOpenAiCompletion(readJsonTranscript('ollama-chat.json'), { id: 'chatcmpl-1' });
    const optional = new Set(['system_fingerprint', 'service_tier']);
    expect(Object.keys(converted)).toEqual(Object.keys(recorded).filter((key) => !optional.has(key)));
  });

  it('carries thinking and tool calls, and reports the given model and time', () => {
    const answer = {
      model: 'qwen3',
      created_at: '2025-05-29T09:35:57Z',
      message: { role: 'assistant', content: '', thinking: 'Use the tool.', tool_calls: [{ function: { name: 'get_weather', arguments: { city: 'Tokyo' } } }] },
      done_reason: 'stop',
      done: true,
      prompt_eval_count: 10,
      eval_count: 5,
    };
    expect(ollamaChatToOpenAiCompletion(answer, { id: 'chatcmpl-2', model: 'alias', created: 123 })).toEqual({
      id: 'chatcmpl-2',
      object: 'chat.completion',
      created: 123,
      model: 'alias',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: null,
            reasoning_content: 'Use the tool.',
            tool_calls: [{ id: 'call_0', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Tokyo"}' } }],
          },
          finish_reason: 'tool_calls',
          logprobs: null,
        },
      ],
      usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
    });
  });

  it('gives an error body for an error or an unfinished answer', () => {
    expect(ollamaChatToOpenAiCompletion({ error: "model 'x' not found" }, { id: 'c' })).toEqual({
      error: { message: "model 'x' not found", type: 'server_error', code: 'upstream_failed' },
    });
    expect(ollamaChatToOpenAiCompletion({ model: 'm', message: { role: 'assistant', content: 'Hal' }, done: false }, { id: 'c' })).toMatchObject({
      error: { code: 'interrupted' },
    });
  });

  it('reads the last line of a recorded stream as well', () => {
    const lines = readTranscript('ollama-chat-stream.ndjson').trim().split('\n');
    expect(ollamaChatToOpenAiCompletion(JSON.parse(lines.at(-1)!), { id: 'c' })).toMatchObject({ choices: [{ message: { content: '' }, finish_reason: 'stop' }] });
  });
});
