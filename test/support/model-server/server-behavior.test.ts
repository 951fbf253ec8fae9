/** Pacing, per-request knobs, recording, sockets, auth, model lists, load and the black hole. */
import { connect } from 'node:net';
import { Agent } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { defaultReplyText, embeddingVector, startBlackHole, startModelServer, type ModelServer } from './index';
import { agentWithTimeouts, behaviorHeader, errorCode, send } from './test-http';
import { parseSse } from './wire-shape';

let server: ModelServer;
beforeAll(async () => {
  server = await startModelServer();
});
afterEach(() => {
  server.resetBehavior();
});
afterAll(async () => {
  await server.close();
});

const chat = { model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'hi' }] };
const contentOf = (sse: string): string =>
  parseSse(sse)
    .filter((payload) => payload !== '[DONE]')
    .map((payload) => (JSON.parse(payload) as { choices: Array<{ delta: { content?: string | null } }> }).choices[0]?.delta.content ?? '')
    .join('');

describe('pacing', () => {
  it('sends headers at once and the first token not before firstTokenDelayMs', async () => {
    server.setBehavior({ firstTokenDelayMs: 300 });
    const response = await send(`${server.openaiBaseUrl}/chat/completions`, chat);
    expect(response.headersAfterMs).toBeLessThan(150);
    const first = response.chunks.find((chunk) => chunk.text.includes('Token1'));
    expect(first?.atMs).toBeGreaterThanOrEqual(295);
    // Nothing of the body, not even the role chunk, comes before the first token.
    expect(response.chunks[0]?.atMs).toBeGreaterThanOrEqual(295);
  });

  it('spaces tokens by tokenDelayMs and flushes each one on its own', async () => {
    const response = await send(`${server.ollamaBaseUrl}/api/chat`, { model: 'llama3.2', messages: [{ role: 'user', content: 'hi' }] }, { headers: behaviorHeader({ tokenDelayMs: 40, tokenCount: 5 }) });
    const tokenChunks = response.chunks.filter((chunk) => chunk.text.includes('Token'));
    expect(tokenChunks).toHaveLength(5);
    const last = tokenChunks.at(-1)?.atMs ?? 0;
    const first = tokenChunks[0]?.atMs ?? 0;
    expect(last - first).toBeGreaterThanOrEqual(4 * 40 - 10);
  });

  it('stamps each streamed token with the moment it was written when stampTokens is on', async () => {
    const before = performance.now();
    const response = await send(`${server.openaiBaseUrl}/chat/completions`, chat, { headers: behaviorHeader({ stampTokens: true, tokenCount: 3, tokenDelayMs: 20 }) });
    const after = performance.now();
    const tokens = contentOf(response.text).split(' ').filter((token) => token !== '');
    expect(tokens.map((token) => token.split('@')[0])).toEqual(['Token1', 'Token2', 'Token3']);
    const stamps = tokens.map((token) => Number(token.split('@')[1]));
    for (const stamp of stamps) {
      expect(stamp).toBeGreaterThanOrEqual(before);
      expect(stamp).toBeLessThanOrEqual(after);
    }
    expect((stamps[2] ?? 0) - (stamps[0] ?? 0)).toBeGreaterThanOrEqual(2 * 20 - 5);
    const ollama = await send(`${server.ollamaBaseUrl}/api/chat`, { model: 'llama3.2', stream: true, messages: [{ role: 'user', content: 'hi' }] }, { headers: behaviorHeader({ stampTokens: true, tokenCount: 2 }) });
    expect(ollama.text).toMatch(/"content":"Token1@\d+\.\d{3} "/);
    expect(() => server.setBehavior({ stampTokens: 'yes' } as never)).toThrow(/stampTokens/);
  });

  it('delays one-shot answers by the whole reply time', async () => {
    const response = await send(`${server.openaiBaseUrl}/chat/completions`, { ...chat, stream: false }, { headers: behaviorHeader({ firstTokenDelayMs: 100, tokenDelayMs: 20, tokenCount: 6 }) });
    expect(response.headersAfterMs).toBeGreaterThanOrEqual(100 + 5 * 20 - 5);
  });
});

describe('per-request behaviour', () => {
  it('lets parallel requests on one server behave differently', async () => {
    const [short, long] = await Promise.all([
      send(`${server.openaiBaseUrl}/chat/completions`, chat, { headers: behaviorHeader({ tokenCount: 2, tokenDelayMs: 20 }) }),
      send(`${server.openaiBaseUrl}/chat/completions`, chat, { headers: behaviorHeader({ replyText: 'Hello there, friend.' }) }),
    ]);
    expect(contentOf(short.text)).toBe('Token1 Token2 ');
    expect(contentOf(long.text)).toBe('Hello there, friend.');
    expect(server.behavior.tokenCount).toBe(8);
  });

  it('rejects a malformed header or an unknown knob with 400, and setBehavior throws', async () => {
    const bad = await send(`${server.openaiBaseUrl}/chat/completions`, chat, { headers: { 'x-stand-in-behavior': '{"fault":"explode"}' } });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('unknown fault');
    expect(() => server.setBehavior({ tokenCont: 3 } as never)).toThrow(/unknown behaviour knob "tokenCont"/);
  });

  it('echoes the last user message when asked', async () => {
    const response = await send(`${server.openaiBaseUrl}/chat/completions`, { ...chat, messages: [{ role: 'user', content: 'repeat after me' }] }, { headers: behaviorHeader({ echo: true, tokenCount: 4 }) });
    expect(contentOf(response.text)).toBe('repeat after me Token4 ');
  });
});

describe('reasoning', () => {
  it('streams thinkingTokenCount reasoning tokens as delta.reasoning_content on OpenAI', async () => {
    const response = await send(`${server.openaiBaseUrl}/chat/completions`, chat, { headers: behaviorHeader({ thinkingTokenCount: 2, tokenCount: 1 }) });
    const reasoning = parseSse(response.text)
      .filter((payload) => payload !== '[DONE]')
      .map((payload) => (JSON.parse(payload) as { choices: Array<{ delta: { reasoning_content?: string } }> }).choices[0]?.delta.reasoning_content ?? '')
      .join('');
    expect(reasoning).toBe('Thought1 Thought2 ');
    expect(contentOf(response.text)).toBe('Token1 ');
  });

  it('refuses think on an Ollama model without the thinking capability, like Ollama', async () => {
    const response = await send(`${server.ollamaBaseUrl}/api/chat`, { model: 'llama3.2', think: true, messages: [{ role: 'user', content: 'hi' }] });
    expect(response.status).toBe(400);
    expect(JSON.parse(response.text)).toEqual({ error: '"llama3.2" does not support thinking' });
  });
});

describe('observability', () => {
  it('records requests (method, path, headers, parsed body) and keeps only the most recent', async () => {
    const small = await startModelServer({ requestLogLimit: 3 });
    try {
      for (let index = 0; index < 5; index += 1) await send(`${small.ollamaBaseUrl}/api/embed`, { model: 'nomic-embed-text', input: `text ${index}` }, { headers: { 'x-test': String(index) } });
      expect(small.totalRequests).toBe(5);
      expect(small.requests.map((request) => (request.body as { input: string }).input)).toEqual(['text 2', 'text 3', 'text 4']);
      const last = small.lastRequest('/api/embed');
      expect(last).toMatchObject({ method: 'POST', path: '/api/embed', headers: { 'x-test': '4' } });
    } finally {
      await small.close();
    }
  });

  it('counts open and closed sockets, and close() destroys open ones', async () => {
    const own = await startModelServer();
    const socket = connect(own.port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(own.openSockets()).toBe(1);
    const closed = new Promise((resolve) => socket.once('close', resolve));
    await own.close();
    await closed;
    expect(own.openSockets()).toBe(0);
    expect(own.socketsClosed).toBe(1);
  });
});

describe('models, auth and embeddings', () => {
  it('serves the configured model lists per protocol, and setModels changes them', async () => {
    const own = await startModelServer({ ollamaModels: ['mistral:7b'], openaiModels: ['my-model'] });
    try {
      expect(JSON.parse((await send(`${own.ollamaBaseUrl}/api/tags`)).text).models.map((model: { name: string }) => model.name)).toEqual(['mistral:7b']);
      expect(JSON.parse((await send(`${own.openaiBaseUrl}/models`)).text).data.map((model: { id: string }) => model.id)).toEqual(['my-model']);
      own.setModels({ openai: ['a', 'b'] });
      expect(JSON.parse((await send(`${own.openaiBaseUrl}/models`)).text).data).toHaveLength(2);
      const missing = await send(`${own.openaiBaseUrl}/chat/completions`, { ...chat, model: 'gpt-4o-mini' });
      expect(missing.status).toBe(404);
      expect(JSON.parse(missing.text)).toMatchObject({ error: { code: 'model_not_found', type: 'invalid_request_error' } });
    } finally {
      await own.close();
    }
  });

  it('requires the bearer key only when started with apiKey', async () => {
    const locked = await startModelServer({ apiKey: 'sk-right' });
    try {
      const none = await send(`${locked.openaiBaseUrl}/models`);
      expect(none.status).toBe(401);
      expect(JSON.parse(none.text)).toMatchObject({ error: { type: 'invalid_request_error' } });
      expect((await send(`${locked.openaiBaseUrl}/models`, undefined, { headers: { authorization: 'Bearer sk-wrong' } })).status).toBe(401);
      expect((await send(`${locked.openaiBaseUrl}/models`, undefined, { headers: { authorization: 'Bearer sk-right' } })).status).toBe(200);
    } finally {
      await locked.close();
    }
    expect((await send(`${server.openaiBaseUrl}/models`)).status).toBe(200);
  });

  it('derives embeddings deterministically from the text (dimension 8 by default)', async () => {
    const first = JSON.parse((await send(`${server.openaiBaseUrl}/embeddings`, { model: 'text-embedding-3-small', input: ['llama wool', 'llama wool', 'sky'] })).text);
    const vectors = first.data.map((item: { embedding: number[] }) => item.embedding);
    expect(vectors[0]).toHaveLength(8);
    expect(vectors[0]).toEqual(vectors[1]);
    expect(vectors[0]).toEqual(embeddingVector('llama wool', 8));
    expect(vectors[2]).not.toEqual(vectors[0]);
    const norm = Math.hypot(...(vectors[0] as number[]));
    expect(norm).toBeCloseTo(1, 5);
  });
});

describe('load', () => {
  it('serves 1,000 concurrent streams', async () => {
    const dispatcher = new Agent({ connections: 1000, pipelining: 0 });
    const own = await startModelServer({ behavior: { tokenCount: 20, tokenDelayMs: 10 } });
    try {
      const started = performance.now();
      const results = await Promise.all(
        Array.from({ length: 1000 }, (_, index) =>
          index % 2 === 0
            ? send(`${own.openaiBaseUrl}/chat/completions`, chat, { dispatcher }).then((response) => contentOf(response.text))
            : send(`${own.ollamaBaseUrl}/api/chat`, { model: 'llama3.2', messages: [{ role: 'user', content: 'hi' }] }, { dispatcher }).then((response) =>
                response.text
                  .trim()
                  .split('\n')
                  .map((line) => (JSON.parse(line) as { message: { content: string } }).message.content)
                  .join(''),
              ),
        ),
      );
      const elapsed = performance.now() - started;
      expect(new Set(results)).toEqual(new Set([defaultReplyText(20)]));
      expect(own.totalRequests).toBe(1000);
      // 20 tokens × 10 ms is 200 ms per stream; all of them together should not take much longer.
      expect(elapsed).toBeLessThan(10_000);
    } finally {
      await own.close();
      await dispatcher.close();
    }
  });
});

describe('startBlackHole', () => {
  it('accepts connections and never answers', async () => {
    const hole = await startBlackHole();
    const dispatcher = agentWithTimeouts({ headersTimeout: 300 });
    try {
      const failure = await send(`${hole.url}/api/tags`, undefined, { dispatcher }).catch((error: unknown) => error);
      expect(errorCode(failure)).toBe('UND_ERR_HEADERS_TIMEOUT');
      expect(hole.acceptedConnections).toBe(1);
    } finally {
      await dispatcher.close();
      await hole.close();
    }
  });
});
