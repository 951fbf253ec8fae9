/**
 * How answers travel: a Server-Timing header on every completion, the response head before the
 * first token, each upstream token forwarded at once as its own chunk, and who is asking sent
 * upstream only when ENABLE_FORWARD_USER_INFO_HEADERS is on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send, sseContent, startGateway, type GatewayUnderTest } from '../../test/support/gateway';
import { defaultReplyText, type ModelServer } from '../../test/support/model-server';

const messages = [{ role: 'user', content: 'Say hello' }];

const routes = [
  { name: '/api/chat/completions (Ollama)', path: '/api/chat/completions', model: 'llama3.2:latest', ollama: true },
  { name: '/api/chat/completions (OpenAI)', path: '/api/chat/completions', model: 'gpt-4o-mini', ollama: false },
  { name: '/ollama/api/chat', path: '/ollama/api/chat', model: 'llama3.2:latest', ollama: true },
  { name: '/openai/chat/completions', path: '/openai/chat/completions', model: 'gpt-4o-mini', ollama: false },
];

/** The steps of a Server-Timing header, by name. */
function serverTiming(header: string | string[] | undefined): Record<string, number> {
  const steps: Record<string, number> = {};
  for (const part of String(header ?? '').split(',')) {
    const match = /^\s*([\w-]+);dur=([\d.]+)\s*$/.exec(part);
    if (match) steps[match[1]!] = Number(match[2]);
  }
  return steps;
}

describe('streaming', () => {
  let gateway: GatewayUnderTest;
  beforeAll(async () => {
    gateway = await startGateway({ env: { MODELS_CACHE_TTL: '3600' } });
  });
  afterAll(async () => gateway?.close());
  const serverOf = (ollama: boolean): ModelServer => (ollama ? gateway.ollama : gateway.openai);

  describe.each(routes)('$name', ({ path, model, ollama }) => {
    it.each([true, false])('sends Server-Timing with auth, routing, upstream-connect and upstream-first-byte (stream: %s)', async (stream) => {
      const response = await send(gateway, path, { token: gateway.user.token, body: { model, messages, stream } });
      expect(response.status).toBe(200);
      const steps = serverTiming(response.headers['server-timing']);
      expect(Object.keys(steps)).toEqual(['auth', 'routing', 'upstream-connect', 'upstream-first-byte']);
      for (const duration of Object.values(steps)) expect(duration).toBeGreaterThanOrEqual(0);
      expect(steps['upstream-first-byte']).toBeGreaterThanOrEqual(steps['upstream-connect']!);
    });

    it('sends the response head before the first token (the server answers at once, its first token after 500 ms)', async () => {
      serverOf(ollama).setBehavior({ firstTokenDelayMs: 500 });
      try {
        const response = await send(gateway, path, { token: gateway.user.token, body: { model, messages, stream: true } });
        expect(response.status).toBe(200);
        expect(response.headersAfterMs).toBeLessThan(150);
        expect(response.chunks[0]!.atMs).toBeGreaterThanOrEqual(499);
      } finally {
        serverOf(ollama).resetBehavior();
      }
    });

    it('forwards each token as its own chunk the moment it arrives (a token every 100 ms)', async () => {
      serverOf(ollama).setBehavior({ tokenDelayMs: 100, tokenCount: 6 });
      try {
        const response = await send(gateway, path, { token: gateway.user.token, body: { model, messages, stream: true } });
        const tokenChunks = response.chunks.filter((chunk) => /Token\d/.test(chunk.text));
        // Nothing held back and sent together: one chunk per token.
        expect(tokenChunks.map((chunk) => chunk.text.match(/Token\d/g)?.length)).toEqual([1, 1, 1, 1, 1, 1]);
        const gaps = tokenChunks.slice(1).map((chunk, index) => chunk.atMs - tokenChunks[index]!.atMs);
        for (const gap of gaps) {
          expect(gap).toBeGreaterThan(60);
          expect(gap).toBeLessThan(250);
        }
        const average = gaps.reduce((sum, gap) => sum + gap, 0) / gaps.length;
        expect(average).toBeGreaterThan(90);
        expect(average).toBeLessThan(150);
      } finally {
        serverOf(ollama).resetBehavior();
      }
    });
  });

  it('sends Server-Timing on embeddings too', async () => {
    for (const [path, model] of [
      ['/api/embeddings', 'nomic-embed-text:latest'],
      ['/api/embeddings', 'text-embedding-3-small'],
      ['/ollama/api/embed', 'nomic-embed-text:latest'],
      ['/openai/embeddings', 'text-embedding-3-small'],
    ] as const) {
      const response = await send(gateway, path, { token: gateway.user.token, body: { model, input: 'x' } });
      expect(response.status).toBe(200);
      expect(Object.keys(serverTiming(response.headers['server-timing']))).toEqual(['auth', 'routing', 'upstream-connect', 'upstream-first-byte']);
    }
  });

  it('does not send who is asking upstream unless told to', async () => {
    await send(gateway, '/api/chat/completions', { token: gateway.user.token, body: { model: 'gpt-4o-mini', messages } });
    await send(gateway, '/ollama/api/chat', { token: gateway.user.token, body: { model: 'llama3.2:latest', messages, stream: false } });
    for (const recorded of [gateway.openai.lastRequest('/v1/chat/completions'), gateway.ollama.lastRequest('/api/chat')]) {
      expect(Object.keys(recorded?.headers ?? {}).filter((name) => name.startsWith('x-openwebui-'))).toEqual([]);
    }
  });
});

describe('ENABLE_FORWARD_USER_INFO_HEADERS=true', () => {
  let gateway: GatewayUnderTest;
  beforeAll(async () => {
    gateway = await startGateway({ env: { ENABLE_FORWARD_USER_INFO_HEADERS: 'true' } });
  });
  afterAll(async () => gateway?.close());

  it('sends X-OpenWebUI-User-Id, -Email, -Name and -Role on every model call', async () => {
    const { user } = gateway;
    const calls: Array<[string, Record<string, unknown>, ModelServer, string]> = [
      ['/api/chat/completions', { model: 'gpt-4o-mini', messages, stream: true }, gateway.openai, '/v1/chat/completions'],
      ['/api/chat/completions', { model: 'llama3.2:latest', messages }, gateway.ollama, '/api/chat'],
      ['/api/embeddings', { model: 'text-embedding-3-small', input: 'x' }, gateway.openai, '/v1/embeddings'],
      ['/ollama/api/generate', { model: 'llama3.2:latest', prompt: 'x', stream: false }, gateway.ollama, '/api/generate'],
      ['/openai/chat/completions', { model: 'gpt-4o', messages }, gateway.openai, '/v1/chat/completions'],
    ];
    for (const [path, body, server, upstreamPath] of calls) {
      const response = await send(gateway, path, { token: user.token, body });
      expect(response.status).toBe(200);
      expect(server.lastRequest(upstreamPath)?.headers).toMatchObject({
        'x-openwebui-user-id': user.id,
        'x-openwebui-user-email': user.email,
        // Names may hold any character; they go percent-encoded, as Open WebUI sends them.
        'x-openwebui-user-name': encodeURIComponent(user.name),
        'x-openwebui-user-role': 'user',
      });
    }
    expect(sseContent((await send(gateway, '/api/chat/completions', { token: gateway.admin.token, body: { model: 'gpt-4o-mini', messages, stream: true } })).text)).toBe(defaultReplyText(8));
    expect(gateway.openai.lastRequest('/v1/chat/completions')?.headers).toMatchObject({ 'x-openwebui-user-id': gateway.admin.id, 'x-openwebui-user-role': 'admin' });
  });
});
