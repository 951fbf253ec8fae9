/**
 * The OpenAI pass-through under /openai: the models of the OpenAI-compatible connections only, and
 * chat completions and embeddings whose bytes are what the model server sent.
 */
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonOf, send, sseData, startGateway, upstreamApiKey, type GatewayUnderTest } from '../../test/support/gateway';
import { embeddingVector } from '../../test/support/model-server';

let gateway: GatewayUnderTest;

beforeAll(async () => {
  gateway = await startGateway({ env: { MODELS_CACHE_TTL: '3600' } });
});
afterAll(async () => gateway?.close());

/** The same request straight to the stand-in. */
async function direct(path: string, body: unknown): Promise<string> {
  const response = await request(`${gateway.openai.openaiBaseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${upstreamApiKey}` },
    body: JSON.stringify(body),
  });
  return response.body.text();
}

/** The stand-in numbers each answer and stamps it with the time: the rest must match byte for byte. */
const withoutIdentity = (text: string): string => text.replace(/chatcmpl-stand-in-\d+/g, 'chatcmpl-ID').replace(/"created":\d+/g, '"created":0');

describe('/openai', () => {
  it('lists the models of the OpenAI-compatible connections only', async () => {
    const response = await send(gateway, '/openai/models', { token: gateway.user.token });
    expect(response.status).toBe(200);
    const body = jsonOf<{ object: string; data: Array<{ id: string; owned_by: string; object: string }> }>(response);
    expect(body.object).toBe('list');
    expect(body.data.map((model) => model.id).sort()).toEqual(['gpt-4o', 'gpt-4o-mini', 'text-embedding-3-small']);
    expect(body.data.every((model) => model.owned_by === 'openai' && model.object === 'model')).toBe(true);
  });

  it('streams a chat completion byte for byte as the model server sent it', async () => {
    const body = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say hello' }], stream: true, stream_options: { include_usage: true }, temperature: 0.2 };
    const expected = await direct('/chat/completions', body);
    const response = await send(gateway, '/openai/chat/completions', { token: gateway.user.token, body });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(withoutIdentity(response.text)).toBe(withoutIdentity(expected));
    expect(sseData(response.text).at(-1)).toBe('[DONE]');
    // The body went up as the client sent it, with the connection's key.
    const forwarded = gateway.openai.lastRequest('/v1/chat/completions');
    expect(forwarded?.body).toEqual(body);
    expect(forwarded?.headers.authorization).toBe(`Bearer ${upstreamApiKey}`);
  });

  it('answers a whole chat completion as the model server did', async () => {
    const body = { model: 'gpt-4o', messages: [{ role: 'user', content: 'Say hello' }], max_tokens: 4 };
    const expected = await direct('/chat/completions', body);
    const response = await send(gateway, '/openai/chat/completions', { token: gateway.user.token, body });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(withoutIdentity(response.text)).toBe(withoutIdentity(expected));
    expect(jsonOf<{ choices: Array<{ message: { content: string } }> }>(response).choices[0]?.message.content).toBe('Token1 Token2 Token3 Token4 ');
  });

  it('creates embeddings as the model server did', async () => {
    const body = { model: 'text-embedding-3-small', input: ['llamas eat grass'], encoding_format: 'float' };
    const expected = await direct('/embeddings', body);
    const response = await send(gateway, '/openai/embeddings', { token: gateway.user.token, body });
    expect(response.status).toBe(200);
    expect(response.text).toBe(expected);
    expect(jsonOf<{ data: Array<{ embedding: number[] }> }>(response).data[0]?.embedding).toEqual(embeddingVector('llamas eat grass', 8));
  });

  it('does not serve the models of Ollama connections', async () => {
    const chat = await send(gateway, '/openai/chat/completions', { token: gateway.user.token, body: { model: 'llama3.2:latest', messages: [{ role: 'user', content: 'Hi' }] } });
    expect(chat.status).toBe(404);
    expect(jsonOf(chat)).toMatchObject({ code: 'not_found', detail: expect.stringContaining('llama3.2:latest') });
    const embeddings = await send(gateway, '/openai/embeddings', { token: gateway.user.token, body: { model: 'nomic-embed-text:latest', input: 'x' } });
    expect(embeddings.status).toBe(404);
  });

  it('passes a model server’s own 4xx answer through unchanged, streamed and whole', async () => {
    // Astra still lists gpt-4o (its list is cached), but the server no longer has it and says so in OpenAI's shape.
    gateway.openai.setModels({ openai: ['gpt-4o-mini', 'text-embedding-3-small'] });
    try {
      for (const stream of [true, false]) {
        const response = await send(gateway, '/openai/chat/completions', { token: gateway.user.token, body: { model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi' }], stream } });
        expect(response.status).toBe(404);
        expect(jsonOf(response)).toEqual({ error: expect.objectContaining({ message: expect.stringContaining('gpt-4o'), code: 'model_not_found' }) });
      }
    } finally {
      gateway.openai.setModels({ openai: ['gpt-4o-mini', 'gpt-4o', 'text-embedding-3-small'] });
    }
  });
});
