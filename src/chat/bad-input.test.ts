/**
 * Bad requests on each model route get a 400 that names the field, before anything is sent to a
 * model server, streamed or not.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonOf, send, startGateway, type GatewayUnderTest } from '../../test/support/gateway';

let gateway: GatewayUnderTest;
let upstreamBefore = 0;

beforeAll(async () => {
  gateway = await startGateway({ env: { MODELS_CACHE_TTL: '3600' } });
  // Loads the model list, so that the requests below are checked against known models.
  await send(gateway, '/api/models', { token: gateway.user.token });
  upstreamBefore = gateway.ollama.totalRequests + gateway.openai.totalRequests;
});
afterAll(async () => {
  // None of them reached a model server.
  expect(gateway.ollama.totalRequests + gateway.openai.totalRequests).toBe(upstreamBefore);
  await gateway?.close();
});

const user = [{ role: 'user', content: 'Hi' }];

const cases: Array<{ path: string; body: unknown; detail: string | RegExp }> = [
  { path: '/api/chat/completions', body: {}, detail: 'model: is required; messages: is required' },
  { path: '/api/chat/completions', body: { messages: user }, detail: 'model: is required' },
  { path: '/api/chat/completions', body: { model: '', messages: user }, detail: 'model: must be at least 1 characters long' },
  { path: '/api/chat/completions', body: { model: 'llama3.2:latest', messages: 'hi' }, detail: 'messages: must be an array' },
  { path: '/api/chat/completions', body: { model: 'llama3.2:latest', messages: [] }, detail: 'messages: must be at least 1' },
  { path: '/api/chat/completions', body: { model: 'llama3.2:latest', messages: [{ content: 'x' }] }, detail: 'messages.0.role: is required' },
  { path: '/api/chat/completions', body: { model: 'llama3.2:latest', messages: user, stream: 'yes' }, detail: 'stream: must be a boolean' },
  { path: '/api/chat/completions', body: { model: 'gpt-4o-mini', messages: user, stream_options: { include_usage: 'yes' } }, detail: 'stream_options.include_usage: must be a boolean' },
  // What only the Ollama translation refuses, streamed and not.
  { path: '/api/chat/completions', body: { model: 'llama3.2:latest', messages: [{ role: 'wizard', content: 'x' }], stream: true }, detail: /^messages\[0\]\.role "wizard" is not one of/ },
  { path: '/api/chat/completions', body: { model: 'llama3.2:latest', messages: [{ role: 'wizard', content: 'x' }] }, detail: /^messages\[0\]\.role "wizard" is not one of/ },
  {
    path: '/api/chat/completions',
    body: { model: 'llama3.2:latest', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/a.png' } }] }], stream: true },
    detail: /^messages\[0\]\.content\[0\]\.image_url must be a data: URL/,
  },
  { path: '/api/embeddings', body: { model: 'nomic-embed-text:latest' }, detail: 'input: is required' },
  { path: '/api/embeddings', body: { input: 'x' }, detail: 'model: is required' },
  { path: '/api/embeddings', body: { model: 'nomic-embed-text:latest', input: 5 }, detail: 'input: must be a string, an array of strings, or token arrays' },
  { path: '/api/embeddings', body: { model: 'nomic-embed-text:latest', input: [[1, 2]] }, detail: /^input must be a string or an array of strings \(Ollama models do not take token arrays\)/ },
  { path: '/api/embeddings', body: { model: 'text-embedding-3-small', input: 'x', encoding_format: 'hex' }, detail: 'encoding_format: must be one of "float", "base64"' },
  { path: '/ollama/api/chat', body: { messages: user }, detail: 'model: is required' },
  { path: '/ollama/api/chat', body: { model: 'llama3.2:latest', messages: 'hi' }, detail: 'messages: must be an array' },
  { path: '/ollama/api/chat', body: { model: 'llama3.2:latest', messages: [{ content: 'x' }] }, detail: 'messages.0.role: is required' },
  { path: '/ollama/api/chat', body: { model: 'llama3.2:latest', messages: user, stream: 'no' }, detail: 'stream: must be a boolean' },
  { path: '/ollama/api/generate', body: { prompt: 'x' }, detail: 'model: is required' },
  { path: '/ollama/api/generate', body: { model: 'llama3.2:latest', prompt: 5 }, detail: 'prompt: must be a string' },
  { path: '/ollama/api/embed', body: { input: 'x' }, detail: 'model: is required' },
  { path: '/ollama/api/embed', body: { model: 'nomic-embed-text:latest', input: 5 }, detail: 'input: must be a string or an array of strings' },
  { path: '/ollama/api/embeddings', body: { prompt: 'x' }, detail: 'model: is required' },
  { path: '/ollama/api/embeddings', body: { model: 'nomic-embed-text:latest', prompt: ['x'] }, detail: 'prompt: must be a string' },
  { path: '/ollama/api/show', body: {}, detail: 'model: is required' },
  { path: '/openai/chat/completions', body: { model: 'gpt-4o-mini' }, detail: 'messages: is required' },
  { path: '/openai/chat/completions', body: { messages: user, stream: true }, detail: 'model: is required' },
  { path: '/openai/embeddings', body: { model: 'text-embedding-3-small' }, detail: 'input: is required' },
];

describe('bad input', () => {
  it.each(cases)('$path $body → 400 "$detail"', async ({ path, body, detail }) => {
    const response = await send(gateway, path, { token: gateway.user.token, body, signal: AbortSignal.timeout(5000) });
    expect(response.status).toBe(400);
    const answer = jsonOf<{ detail: string; code: string }>(response);
    expect(answer.code).toBe('invalid_request');
    if (typeof detail === 'string') expect(answer.detail).toBe(detail);
    else expect(answer.detail).toMatch(detail);
  });

  it.each(['/api/chat/completions', '/api/embeddings', '/ollama/api/chat', '/openai/chat/completions'])('%s without a body, or with one that is not JSON', async (path) => {
    const empty = await send(gateway, path, { token: gateway.user.token, method: 'POST' });
    expect(empty.status).toBe(400);
    expect(jsonOf<{ detail: string }>(empty).detail).toBe('body: is required');
    const broken = await send(gateway, path, { token: gateway.user.token, body: '{"model": "llama3.2:latest",' });
    expect(broken.status).toBe(400);
    expect(jsonOf<{ detail: string }>(broken).detail).toMatch(/^body: is not valid JSON/);
    const array = await send(gateway, path, { token: gateway.user.token, body: [] });
    expect(array.status).toBe(400);
  });

  it('a model nobody serves is a 404 naming it', async () => {
    const response = await send(gateway, '/api/chat/completions', { token: gateway.user.token, body: { model: 'no-such-model', messages: user } });
    expect(response.status).toBe(404);
    expect(jsonOf<{ detail: string }>(response).detail).toMatch(/^Model no-such-model not found/);
  });
});
