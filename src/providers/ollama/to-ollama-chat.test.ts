import { describe, expect, it } from 'vitest';
import { AstraError } from '../../core/errors';
import type { OpenAiChatRequest } from '../openai';
import { toOllamaChatRequest } from './to-ollama-chat';

const base = (extra: Partial<OpenAiChatRequest> = {}): OpenAiChatRequest => ({
  model: 'llama3.2',
  messages: [{ role: 'user', content: 'Hi' }],
  ...extra,
});

function expectBadRequest(run: () => unknown, message: RegExp): void {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(AstraError);
    expect((error as AstraError).status).toBe(400);
    expect((error as AstraError).message).toMatch(message);
    return;
  }
  throw new Error('expected a 400');
}

describe('toOllamaChatRequest', () => {
  it('sends a plain conversation without streaming by default', () => {
    expect(toOllamaChatRequest(base())).toEqual({ model: 'llama3.2', messages: [{ role: 'user', content: 'Hi' }], stream: false });
    expect(toOllamaChatRequest(base({ stream: true })).stream).toBe(true);
  });

  it('maps roles: system, developer, user, assistant, tool', () => {
    const request = toOllamaChatRequest(
      base({
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'developer', content: 'Use metric units.' },
          { role: 'user', content: 'Weather in Paris?' },
          {
            role: 'assistant',
            content: null,
            reasoning_content: 'Need the tool.',
            tool_calls: [{ id: 'call_7', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
          },
          { role: 'tool', tool_call_id: 'call_7', content: '18 °C' },
          { role: 'tool', tool_call_id: 'call_unknown', content: 'orphan' },
          { role: 'assistant', content: [{ type: 'text', text: 'It is 18 °C.' }] },
        ],
      }),
    );
    expect(request.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'system', content: 'Use metric units.' },
      { role: 'user', content: 'Weather in Paris?' },
      { role: 'assistant', content: '', thinking: 'Need the tool.', tool_calls: [{ function: { name: 'get_weather', arguments: { city: 'Paris' } } }] },
      { role: 'tool', content: '18 °C', tool_name: 'get_weather' },
      { role: 'tool', content: 'orphan' },
      { role: 'assistant', content: 'It is 18 °C.' },
    ]);
  });

  it('joins text parts and turns data-URL images into base64 images', () => {
    const request = toOllamaChatRequest(
      base({
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What is in' },
              { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'high' } },
              { type: 'text', text: 'these pictures?' },
              { type: 'image_url', image_url: 'data:image/jpeg;BASE64,/9j/4AAQ' },
            ],
          },
        ],
      }),
    );
    expect(request.messages).toEqual([{ role: 'user', content: 'What is in\nthese pictures?', images: ['iVBORw0KGgo=', '/9j/4AAQ'] }]);
  });

  it('refuses image links, non-base64 data URLs and parts Ollama cannot take', () => {
    expectBadRequest(
      () => toOllamaChatRequest(base({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/cat.png' } }] }] })),
      /messages\[0\]\.content\[0\]\.image_url must be a data: URL/,
    );
    expectBadRequest(
      () => toOllamaChatRequest(base({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/svg+xml,%3Csvg%3E' } }] }] })),
      /base64 data: URL/,
    );
    expectBadRequest(
      () => toOllamaChatRequest(base({ messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'AAA', format: 'wav' } }] }] })),
      /type "input_audio", which Ollama models do not accept/,
    );
    expectBadRequest(
      () =>
        toOllamaChatRequest(
          base({ messages: [{ role: 'assistant', tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{broken' } }] }] }),
        ),
      /tool_calls\[0\]\.function\.arguments must be a JSON object/,
    );
    expectBadRequest(() => toOllamaChatRequest(base({ messages: [{ role: 'robot' as 'user', content: 'x' }] })), /role "robot"/);
  });

  it('passes tools through, dropping them for tool_choice none', () => {
    const tools: OpenAiChatRequest['tools'] = [
      { type: 'function', function: { name: 'get_weather', description: 'Weather now', parameters: { type: 'object', properties: { city: { type: 'string' } } }, strict: true } },
    ];
    expect(toOllamaChatRequest(base({ tools })).tools).toEqual([
      { type: 'function', function: { name: 'get_weather', description: 'Weather now', parameters: { type: 'object', properties: { city: { type: 'string' } } } } },
    ]);
    expect(toOllamaChatRequest(base({ tools, tool_choice: 'none' })).tools).toBeUndefined();
    expect(toOllamaChatRequest(base({ tools: [] })).tools).toBeUndefined();
  });

  it('maps sampling fields into options, with the body options passed through', () => {
    const request = toOllamaChatRequest(
      base({
        temperature: 0.2,
        top_p: 0.9,
        max_tokens: 100,
        seed: 42,
        frequency_penalty: 0.5,
        presence_penalty: 0.1,
        stop: 'END',
        options: { num_ctx: 8192, temperature: 1 },
      }),
    );
    expect(request.options).toEqual({ num_ctx: 8192, temperature: 0.2, top_p: 0.9, num_predict: 100, seed: 42, frequency_penalty: 0.5, presence_penalty: 0.1, stop: ['END'] });
    expect(toOllamaChatRequest(base({ max_tokens: 100, max_completion_tokens: 50, stop: ['a', 'b'] })).options).toEqual({ num_predict: 50, stop: ['a', 'b'] });
    expect(toOllamaChatRequest(base({ temperature: null, stop: [] })).options).toBeUndefined();
  });

  it('maps response_format to format', () => {
    expect(toOllamaChatRequest(base({ response_format: { type: 'text' } })).format).toBeUndefined();
    expect(toOllamaChatRequest(base({ response_format: { type: 'json_object' } })).format).toBe('json');
    const schema = { type: 'object', properties: { age: { type: 'integer' } }, required: ['age'] };
    expect(toOllamaChatRequest(base({ response_format: { type: 'json_schema', json_schema: { name: 'person', schema, strict: true } } })).format).toEqual(schema);
    expect(toOllamaChatRequest(base({ response_format: { type: 'json_schema', json_schema: { name: 'any' } } })).format).toBe('json');
    expect(toOllamaChatRequest(base({ format: 'json' })).format).toBe('json');
  });

  it('maps reasoning_effort to think, an explicit think winning', () => {
    expect(toOllamaChatRequest(base({ reasoning_effort: 'high' })).think).toBe('high');
    expect(toOllamaChatRequest(base({ reasoning_effort: 'minimal' })).think).toBe('low');
    expect(toOllamaChatRequest(base({ reasoning_effort: 'none' })).think).toBe(false);
    expect(toOllamaChatRequest(base({ reasoning_effort: 'low', think: true })).think).toBe(true);
    expect(toOllamaChatRequest(base({ think: false })).think).toBe(false);
    expect('think' in toOllamaChatRequest(base())).toBe(false);
  });

  it('passes keep_alive through', () => {
    expect(toOllamaChatRequest(base({ keep_alive: '10m' })).keep_alive).toBe('10m');
    expect(toOllamaChatRequest(base({ keep_alive: 0 })).keep_alive).toBe(0);
  });
});
