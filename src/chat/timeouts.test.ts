/**
 * The phase timeouts fire when they should (within 100 ms of their setting, measured around the
 * whole request) and a healthy slow answer is never cut: AIOHTTP_CLIENT_TIMEOUT bounds the wait
 * for the first token, AIOHTTP_CLIENT_STREAM_IDLE_TIMEOUT the silence between chunks, and
 * AIOHTTP_CLIENT_TIMEOUT_TOTAL the whole reply.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonOf, ndjsonLines, send, sseContent, sseData, sseErrors, startGateway, type GatewayUnderTest, type SentResponse } from '../../test/support/gateway';
import { defaultReplyText, type ModelServer } from '../../test/support/model-server';

/** How late a timeout may be, as the client sees it. */
const slackMs = 100;
const messages = [{ role: 'user', content: 'Say hello' }];

const routes = [
  { name: '/api/chat/completions (Ollama)', path: '/api/chat/completions', model: 'llama3.2:latest', ollama: true },
  { name: '/api/chat/completions (OpenAI)', path: '/api/chat/completions', model: 'gpt-4o-mini', ollama: false },
  { name: '/ollama/api/chat', path: '/ollama/api/chat', model: 'llama3.2:latest', ollama: true },
  { name: '/openai/chat/completions', path: '/openai/chat/completions', model: 'gpt-4o-mini', ollama: false },
];
const serverOf = (gateway: GatewayUnderTest, ollama: boolean): ModelServer => (ollama ? gateway.ollama : gateway.openai);

/** The error a streamed answer ended with (SSE event or NDJSON line). */
function streamError(response: SentResponse): string | undefined {
  if (String(response.headers['content-type']).startsWith('text/event-stream')) return sseErrors(response.text)[0]?.message;
  const last = ndjsonLines(response.text).at(-1);
  return typeof last?.error === 'string' ? last.error : undefined;
}

function expectWithin(elapsedMs: number, settingMs: number): void {
  // Timers never fire early; a millisecond of rounding is allowed.
  expect(elapsedMs).toBeGreaterThanOrEqual(settingMs - 1);
  expect(elapsedMs).toBeLessThan(settingMs + slackMs);
}

describe('first token (AIOHTTP_CLIENT_TIMEOUT=0.5) and idle (AIOHTTP_CLIENT_STREAM_IDLE_TIMEOUT=0.3)', () => {
  let gateway: GatewayUnderTest;
  beforeAll(async () => {
    gateway = await startGateway({ env: { AIOHTTP_CLIENT_TIMEOUT: '0.5', AIOHTTP_CLIENT_STREAM_IDLE_TIMEOUT: '0.3', MODELS_CACHE_TTL: '3600' } });
    // Warm the model list so the first request measures only the model server's wait.
    await send(gateway, '/api/models', { token: gateway.user.token });
  });
  afterAll(async () => gateway?.close());

  describe.each(routes)('$name', (route) => {
    it.each([true, false])('no answer at all (stream: %s): 504 after 0.5 s', async (stream) => {
      const server = serverOf(gateway, route.ollama);
      server.setBehavior({ fault: 'hang-before-headers' });
      try {
        const response = await send(gateway, route.path, { token: gateway.user.token, body: { model: route.model, messages, stream } });
        expect(response.status).toBe(504);
        expect(jsonOf<{ detail: string }>(response).detail).toMatch(/sent no (response|first token) within 0\.5 s/);
        expectWithin(response.elapsedMs, 500);
      } finally {
        server.resetBehavior();
      }
    });

    it('headers but no first token (streamed): the error event after 0.5 s', async () => {
      const server = serverOf(gateway, route.ollama);
      server.setBehavior({ firstTokenDelayMs: 5000 });
      try {
        const response = await send(gateway, route.path, { token: gateway.user.token, body: { model: route.model, messages, stream: true } });
        expect(response.status).toBe(200);
        expect(streamError(response)).toMatch(/sent no first token within 0\.5 s/);
        expectWithin(response.elapsedMs, 500);
      } finally {
        server.resetBehavior();
      }
    });

    it('silence in the middle of the answer (streamed): the error event 0.3 s after the last token', async () => {
      const server = serverOf(gateway, route.ollama);
      server.setBehavior({ fault: 'stall-mid-stream', stallAfterTokens: 3, tokenDelayMs: 50 });
      try {
        const response = await send(gateway, route.path, { token: gateway.user.token, body: { model: route.model, messages, stream: true } });
        expect(streamError(response)).toMatch(/went silent for 0\.3 s in the middle of the answer/);
        const errorChunk = response.chunks.findIndex((chunk) => chunk.text.includes('went silent'));
        const lastToken = response.chunks[errorChunk - 1];
        expect(lastToken?.text).toContain('Token3 ');
        expectWithin(response.chunks[errorChunk]!.atMs - lastToken!.atMs, 300);
      } finally {
        server.resetBehavior();
      }
    });
  });
});

describe('a healthy slow answer (a token every 200 ms for 3 s) with AIOHTTP_CLIENT_TIMEOUT=1 and idle 0.5', () => {
  let gateway: GatewayUnderTest;
  beforeAll(async () => {
    gateway = await startGateway({
      env: { AIOHTTP_CLIENT_TIMEOUT: '1', AIOHTTP_CLIENT_STREAM_IDLE_TIMEOUT: '0.5', MODELS_CACHE_TTL: '3600' },
      serverOptions: { behavior: { firstTokenDelayMs: 700, tokenDelayMs: 200, tokenCount: 15 } },
    });
  });
  afterAll(async () => gateway?.close());

  it('is not cut, on the translated and the passed-through route', async () => {
    const [translated, passedThrough] = await Promise.all(
      ['llama3.2:latest', 'gpt-4o-mini'].map((model) => send(gateway, '/api/chat/completions', { token: gateway.user.token, body: { model, messages, stream: true } })),
    );
    for (const response of [translated!, passedThrough!]) {
      expect(response.status).toBe(200);
      expect(sseErrors(response.text)).toEqual([]);
      expect(sseContent(response.text)).toBe(defaultReplyText(15));
      expect(sseData(response.text).at(-1)).toBe('[DONE]');
      expect(response.elapsedMs).toBeGreaterThan(3000);
    }
  });

  it('a whole answer sends nothing until it is complete, so for it the first-token budget bounds the whole generation', async () => {
    // The stand-in answers after 0.7 s + 14 × 0.2 s = 3.5 s, beyond AIOHTTP_CLIENT_TIMEOUT=1.
    const response = await send(gateway, '/api/chat/completions', { token: gateway.user.token, body: { model: 'gpt-4o-mini', messages } });
    expect(response.status).toBe(504);
  });
});

describe('a cap on the whole reply (AIOHTTP_CLIENT_TIMEOUT_TOTAL=0.8)', () => {
  let gateway: GatewayUnderTest;
  beforeAll(async () => {
    gateway = await startGateway({
      env: { AIOHTTP_CLIENT_TIMEOUT: '0.5', AIOHTTP_CLIENT_STREAM_IDLE_TIMEOUT: '0.5', AIOHTTP_CLIENT_TIMEOUT_TOTAL: '0.8', MODELS_CACHE_TTL: '3600' },
      serverOptions: { behavior: { tokenDelayMs: 100, tokenCount: 30 } },
    });
    await send(gateway, '/api/models', { token: gateway.user.token });
  });
  afterAll(async () => gateway?.close());

  it.each(routes)('cuts a healthy but long answer after 0.8 s with an error event: $name', async (route) => {
    const response = await send(gateway, route.path, { token: gateway.user.token, body: { model: route.model, messages, stream: true } });
    expect(response.status).toBe(200);
    expect(streamError(response)).toMatch(/did not finish within 0\.8 s \(AIOHTTP_CLIENT_TIMEOUT_TOTAL\)/);
    expectWithin(response.elapsedMs, 800);
    expect(sseData(response.text)).not.toContain('[DONE]');
  });
});
