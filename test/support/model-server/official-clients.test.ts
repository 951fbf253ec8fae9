/** The official `openai` and `ollama` npm clients work against the stand-in. */
import { Ollama } from 'ollama';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_OLLAMA_MODELS, DEFAULT_OPENAI_MODELS, defaultReplyText, embeddingVector, startModelServer, type ModelServer } from './index';

const API_KEY = 'sk-stand-in-test';
let server: ModelServer;
let openai: OpenAI;
let ollama: Ollama;

beforeAll(async () => {
  server = await startModelServer({ apiKey: API_KEY });
  openai = new OpenAI({ baseURL: server.openaiBaseUrl, apiKey: API_KEY, maxRetries: 0 });
  ollama = new Ollama({ host: server.ollamaBaseUrl });
});
afterAll(async () => {
  await server.close();
});

const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Get the weather in a given city',
    parameters: { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer' } }, required: ['city', 'days'] },
  },
};

describe('the openai client', () => {
  it('streams a chat completion with usage', async () => {
    const stream = await openai.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Say hello' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let finishReason: string | null = null;
    let completionTokens: number | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finishReason = chunk.choices[0]?.finish_reason ?? finishReason;
      completionTokens = chunk.usage?.completion_tokens ?? completionTokens;
    }
    expect(text).toBe(defaultReplyText(8));
    expect(finishReason).toBe('stop');
    expect(completionTokens).toBe(8);
  });

  it('gets a whole chat completion, honouring max_tokens', async () => {
    const completion = await openai.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi' }], max_tokens: 3 });
    expect(completion.choices[0]?.message.content).toBe('Token1 Token2 Token3 ');
    expect(completion.choices[0]?.finish_reason).toBe('length');
    expect(completion.usage?.completion_tokens).toBe(3);
  });

  it('receives a tool call, streamed and whole', async () => {
    const messages = [{ role: 'user' as const, content: 'Weather in Paris? call tool' }];
    const whole = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages, tools: [weatherTool] });
    const call = whole.choices[0]?.message.tool_calls?.[0];
    expect(whole.choices[0]?.finish_reason).toBe('tool_calls');
    expect(call?.type === 'function' ? call.function.name : undefined).toBe('get_weather');
    expect(call?.type === 'function' ? JSON.parse(call.function.arguments) : undefined).toEqual({ city: 'test', days: 1 });

    const stream = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages, tools: [weatherTool], stream: true });
    let name = '';
    let argumentsText = '';
    for await (const chunk of stream) {
      const piece = chunk.choices[0]?.delta.tool_calls?.[0];
      name += piece?.function?.name ?? '';
      argumentsText += piece?.function?.arguments ?? '';
    }
    expect(name).toBe('get_weather');
    expect(JSON.parse(argumentsText)).toEqual({ city: 'test', days: 1 });
  });

  it('creates embeddings (base64 by default, and float)', async () => {
    const decoded = await openai.embeddings.create({ model: 'text-embedding-3-small', input: ['llamas eat grass', 'the sky is blue'] });
    expect(decoded.data.map((item) => Array.from(item.embedding))).toEqual([embeddingVector('llamas eat grass', 8), embeddingVector('the sky is blue', 8)]);
    const floats = await openai.embeddings.create({ model: 'text-embedding-3-small', input: 'llamas eat grass', encoding_format: 'float', dimensions: 4 });
    expect(floats.data[0]?.embedding).toEqual(embeddingVector('llamas eat grass', 4));
  });

  it('lists models', async () => {
    const ids: string[] = [];
    for await (const model of openai.models.list()) ids.push(model.id);
    expect(ids).toEqual([...DEFAULT_OPENAI_MODELS]);
  });

  it('maps the errors to the client error classes', async () => {
    const wrongKey = new OpenAI({ baseURL: server.openaiBaseUrl, apiKey: 'sk-wrong', maxRetries: 0 });
    await expect(wrongKey.models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    await expect(openai.chat.completions.create({ model: 'gpt-9', messages: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({
      status: 404,
      code: 'model_not_found',
    });
    server.setBehavior({ fault: 'status-429', retryAfterSeconds: 3 });
    try {
      await expect(openai.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] })).rejects.toBeInstanceOf(
        OpenAI.RateLimitError,
      );
    } finally {
      server.resetBehavior();
    }
  });
});

describe('the ollama client', () => {
  it('streams a chat', async () => {
    const stream = await ollama.chat({ model: 'llama3.2', messages: [{ role: 'user', content: 'hello' }], stream: true });
    let text = '';
    let doneReason: string | undefined;
    for await (const part of stream) {
      text += part.message.content;
      if (part.done) doneReason = part.done_reason;
    }
    expect(text).toBe(defaultReplyText(8));
    expect(doneReason).toBe('stop');
  });

  it('gets a whole chat, with thinking and echo', async () => {
    server.setBehavior({ echo: true, tokenCount: 5 });
    try {
      const response = await ollama.chat({ model: 'qwen3:8b', think: true, messages: [{ role: 'user', content: 'tell me a joke' }] });
      expect(response.message.thinking).toBe('Thought1 Thought2 Thought3 ');
      expect(response.message.content).toBe('tell me a joke Token5 ');
      expect(response.eval_count).toBe(3 + 5);
    } finally {
      server.resetBehavior();
    }
  });

  it('receives a tool call', async () => {
    const response = await ollama.chat({ model: 'llama3.2', messages: [{ role: 'user', content: 'call tool please' }], tools: [weatherTool] });
    expect(response.message.tool_calls).toEqual([{ function: { name: 'get_weather', arguments: { city: 'test', days: 1 } } }]);
  });

  it('generates, lists, shows and embeds', async () => {
    const generated = await ollama.generate({ model: 'llama3.2', prompt: 'Why is the sky blue?', options: { num_predict: 2 } });
    expect(generated.response).toBe('Token1 Token2 ');
    expect(generated.done_reason).toBe('length');

    const list = await ollama.list();
    expect(list.models.map((model) => model.name)).toEqual([...DEFAULT_OLLAMA_MODELS]);

    const shown = await ollama.show({ model: 'qwen3:8b' });
    expect(shown.capabilities).toEqual(['completion', 'tools', 'thinking']);

    const embedded = await ollama.embed({ model: 'nomic-embed-text', input: ['llamas eat grass'] });
    expect(embedded.embeddings).toEqual([embeddingVector('llamas eat grass', 8)]);
  });

  it('reports an unknown model as a 404 ResponseError', async () => {
    await expect(ollama.chat({ model: 'missing-model', messages: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({
      status_code: 404,
      error: "model 'missing-model' not found",
    });
  });
});
