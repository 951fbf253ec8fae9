/**
 * The official `openai` client against Astra's /api: models, chat completions (streamed and whole,
 * with usage) from an Ollama connection (translated) and an OpenAI-compatible one (passed through),
 * embeddings from both, and tool calls through the Ollama translation.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, upstreamApiKey, type GatewayUnderTest } from '../../test/support/gateway';
import { defaultReplyText, embeddingVector } from '../../test/support/model-server';

let gateway: GatewayUnderTest;
let openai: OpenAI;

beforeAll(async () => {
  gateway = await startGateway();
  openai = new OpenAI({ baseURL: `${gateway.url}/api`, apiKey: gateway.user.token, maxRetries: 0, timeout: 10_000 });
});
afterAll(async () => gateway?.close());

const messages = [{ role: 'user' as const, content: 'Say hello' }];
/** "Say hello": two words, as the stand-in counts prompt tokens. */
const expectedUsage = { prompt_tokens: 2, completion_tokens: 8, total_tokens: 10 };

const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Get the weather in a given city',
    parameters: { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer' } }, required: ['city', 'days'] },
  },
};

describe('the openai client through Astra', () => {
  it('lists the models of both connections', async () => {
    const page = await openai.models.list();
    const byId = new Map(page.data.map((model) => [model.id, model as unknown as Record<string, unknown>]));
    for (const id of ['llama3.2:latest', 'qwen3:8b', 'nomic-embed-text:latest']) expect(byId.get(id)).toMatchObject({ object: 'model', owned_by: 'ollama' });
    for (const id of ['gpt-4o-mini', 'gpt-4o', 'text-embedding-3-small']) expect(byId.get(id)).toMatchObject({ object: 'model', owned_by: 'openai' });
    expect(byId.size).toBe(6);
  });

  describe.each([
    { kind: 'Ollama (translated)', model: 'llama3.2:latest' },
    { kind: 'OpenAI-compatible (passed through)', model: 'gpt-4o-mini' },
  ])('chat completions from an $kind connection', ({ model }) => {
    it('streams the exact text, the finish reason and the usage', async () => {
      const stream = await openai.chat.completions.create({ model, messages, stream: true, stream_options: { include_usage: true } });
      let text = '';
      let finishReason: string | null = null;
      let usage: unknown;
      let role: string | undefined;
      for await (const chunk of stream) {
        expect(chunk.object).toBe('chat.completion.chunk');
        expect(chunk.model).toBe(model);
        role ??= chunk.choices[0]?.delta.role;
        text += chunk.choices[0]?.delta.content ?? '';
        finishReason = chunk.choices[0]?.finish_reason ?? finishReason;
        usage = chunk.usage ?? usage;
      }
      expect(role).toBe('assistant');
      expect(text).toBe(defaultReplyText(8));
      expect(finishReason).toBe('stop');
      expect(usage).toMatchObject(expectedUsage);
    });

    it('streams without usage when it was not asked for', async () => {
      const stream = await openai.chat.completions.create({ model, messages, stream: true });
      let usage: unknown;
      let text = '';
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta.content ?? '';
        usage = chunk.usage ?? usage;
      }
      expect(text).toBe(defaultReplyText(8));
      expect(usage).toBeUndefined();
    });

    it('answers whole, with the exact text and usage', async () => {
      const completion = await openai.chat.completions.create({ model, messages });
      expect(completion.object).toBe('chat.completion');
      expect(completion.model).toBe(model);
      expect(completion.choices[0]?.message).toMatchObject({ role: 'assistant', content: defaultReplyText(8) });
      expect(completion.choices[0]?.finish_reason).toBe('stop');
      expect(completion.usage).toMatchObject(expectedUsage);
    });

    it('honours max_tokens (finish reason length)', async () => {
      const completion = await openai.chat.completions.create({ model, messages, max_tokens: 3 });
      expect(completion.choices[0]?.message.content).toBe('Token1 Token2 Token3 ');
      expect(completion.choices[0]?.finish_reason).toBe('length');
    });
  });

  it('sends the connection key to the OpenAI-compatible server, not the caller’s token', async () => {
    await openai.chat.completions.create({ model: 'gpt-4o', messages });
    const forwarded = gateway.openai.lastRequest('/v1/chat/completions');
    expect(forwarded?.headers.authorization).toBe(`Bearer ${upstreamApiKey}`);
    expect(forwarded?.body).toMatchObject({ model: 'gpt-4o', messages });
  });

  it('creates embeddings from both connections (base64 by default, and float)', async () => {
    const inputs = ['llamas eat grass', 'the sky is blue'];
    const asFloat32 = (vector: number[]): number[] => Array.from(new Float32Array(vector));
    for (const model of ['nomic-embed-text:latest', 'text-embedding-3-small']) {
      const decoded = await openai.embeddings.create({ model, input: inputs });
      expect(decoded.model).toBe(model);
      expect(decoded.data.map((item) => Array.from(item.embedding))).toEqual(inputs.map((text) => asFloat32(embeddingVector(text, 8))));
      const floats = await openai.embeddings.create({ model, input: 'llamas eat grass', encoding_format: 'float' });
      expect(floats.data[0]?.embedding).toEqual(embeddingVector('llamas eat grass', 8));
      expect(floats.usage.prompt_tokens).toBe(3);
    }
    expect(gateway.ollama.lastRequest('/api/embed')?.body).toMatchObject({ model: 'nomic-embed-text:latest', input: 'llamas eat grass' });
  });

  it('receives a tool call through the Ollama translation, streamed and whole', async () => {
    const toolMessages = [{ role: 'user' as const, content: 'Weather in Paris? call tool' }];
    const whole = await openai.chat.completions.create({ model: 'llama3.2:latest', messages: toolMessages, tools: [weatherTool] });
    expect(whole.choices[0]?.finish_reason).toBe('tool_calls');
    const call = whole.choices[0]?.message.tool_calls?.[0];
    expect(call?.type).toBe('function');
    expect(call?.id).toEqual(expect.any(String));
    expect(call?.type === 'function' ? call.function.name : undefined).toBe('get_weather');
    expect(call?.type === 'function' ? JSON.parse(call.function.arguments) : undefined).toEqual({ city: 'test', days: 1 });
    // Ollama was offered the tool in its own shape.
    expect(gateway.ollama.lastRequest('/api/chat')?.body).toMatchObject({ tools: [weatherTool], stream: false });

    const stream = await openai.chat.completions.create({ model: 'llama3.2:latest', messages: toolMessages, tools: [weatherTool], stream: true });
    let name = '';
    let argumentsText = '';
    let finishReason: string | null = null;
    for await (const chunk of stream) {
      const piece = chunk.choices[0]?.delta.tool_calls?.[0];
      name += piece?.function?.name ?? '';
      argumentsText += piece?.function?.arguments ?? '';
      finishReason = chunk.choices[0]?.finish_reason ?? finishReason;
    }
    expect(name).toBe('get_weather');
    expect(JSON.parse(argumentsText)).toEqual({ city: 'test', days: 1 });
    expect(finishReason).toBe('tool_calls');
  });

  it('passes a tool call from an OpenAI-compatible server through', async () => {
    const completion = await openai.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Weather in Paris? call tool' }],
      tools: [weatherTool],
    });
    const call = completion.choices[0]?.message.tool_calls?.[0];
    expect(call?.type === 'function' ? JSON.parse(call.function.arguments) : undefined).toEqual({ city: 'test', days: 1 });
  });
});
