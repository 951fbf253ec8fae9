/**
 * Every way a model server can fail, through every chat route, streamed and whole: the exact error
 * a client sees. Before the answer began that is an HTTP error naming the server and what went
 * wrong; after, an error event (SSE) or error line (NDJSON), and never OpenAI's `data: [DONE]`, so
 * a cut answer cannot pass for a complete one.
 */
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { jsonOf, ndjsonLines, send, sseContent, sseData, sseErrors, startGateway, type GatewayUnderTest, type SentResponse } from '../../test/support/gateway';
import { FAULTS, type Behavior, type ModelServer } from '../../test/support/model-server';

let gateway: GatewayUnderTest;

beforeAll(async () => {
  gateway = await startGateway({
    // The list stays cached: a fault test must reach the model server, not a refreshed (empty) list.
    env: { AIOHTTP_CLIENT_TIMEOUT: '0.3', AIOHTTP_CLIENT_STREAM_IDLE_TIMEOUT: '0.3', MODELS_CACHE_TTL: '3600' },
  });
});
afterEach(() => {
  gateway.ollama.resetBehavior();
  gateway.openai.resetBehavior();
  gateway.ollama.clearRequests();
  gateway.openai.clearRequests();
});
afterAll(async () => gateway?.close());

interface Route {
  name: string;
  path: string;
  model: string;
  protocol: 'sse' | 'ndjson';
  server: () => ModelServer;
  /** The upstream path the stand-in sees. */
  upstreamPath: string;
}

const routes: Route[] = [
  { name: '/api/chat/completions (Ollama, translated)', path: '/api/chat/completions', model: 'llama3.2:latest', protocol: 'sse', server: () => gateway.ollama, upstreamPath: '/api/chat' },
  { name: '/api/chat/completions (OpenAI, passed through)', path: '/api/chat/completions', model: 'gpt-4o-mini', protocol: 'sse', server: () => gateway.openai, upstreamPath: '/v1/chat/completions' },
  { name: '/ollama/api/chat', path: '/ollama/api/chat', model: 'llama3.2:latest', protocol: 'ndjson', server: () => gateway.ollama, upstreamPath: '/api/chat' },
  { name: '/openai/chat/completions', path: '/openai/chat/completions', model: 'gpt-4o-mini', protocol: 'sse', server: () => gateway.openai, upstreamPath: '/v1/chat/completions' },
];

function ask(route: Route, stream: boolean, behavior: Partial<Behavior>): Promise<SentResponse> {
  route.server().setBehavior(behavior);
  return send(gateway, route.path, { token: gateway.user.token, body: { model: route.model, messages: [{ role: 'user', content: 'Say hello' }], stream } });
}

/** The server as errors name it: http://127.0.0.1:<port>, plus /v1 for the OpenAI connection. */
const serverName = (route: Route): string => (route.protocol === 'sse' && route.server() === gateway.openai ? gateway.openai.openaiBaseUrl : route.server().url);

/** What a client of a stream sees after the answer began: the tokens so far, one error, and no end marker. */
function expectStreamError(route: Route, response: SentResponse, message: RegExp | string, tokensBefore: string): void {
  expect(response.status).toBe(200);
  expect(response.bodyError).toBeUndefined();
  if (route.protocol === 'sse') {
    expect(response.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    const errors = sseErrors(response.text);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toMatch(message);
    expect(sseData(response.text)).not.toContain('[DONE]');
    expect(sseContent(response.text)).toBe(tokensBefore);
  } else {
    const lines = ndjsonLines(response.text);
    const last = lines.at(-1);
    expect(typeof last?.error).toBe('string');
    expect(last?.error).toMatch(message);
    expect(lines.some((line) => line.done === true)).toBe(false);
    expect(lines.map((line) => (line.message as { content?: string } | undefined)?.content ?? '').join('')).toBe(tokensBefore);
  }
}

function expectHttpError(response: SentResponse, status: number, code: string, ...parts: Array<string | RegExp>): void {
  expect(response.status).toBe(status);
  const body = jsonOf<{ detail: string; code: string }>(response);
  expect(body.code).toBe(code);
  for (const part of parts) expect(body.detail).toMatch(part);
}

describe.each(routes)('faults through $name', (route) => {
  describe.each([true, false])('stream: %s', (stream) => {
    it('hang-before-headers: 504 naming the server and the wait', async () => {
      const response = await ask(route, stream, { fault: 'hang-before-headers' });
      expectHttpError(response, 504, 'upstream_timeout', `model server at ${serverName(route)} `, /sent no (response|first token) within 0\.3 s/);
    });

    it('hang-after-headers', async () => {
      const response = await ask(route, stream, { fault: 'hang-after-headers' });
      if (stream) expectStreamError(route, response, `model server at ${serverName(route)} sent no first token within 0.3 s`, '');
      else expectHttpError(response, 504, 'upstream_timeout', `model server at ${serverName(route)} sent no first token within 0.3 s`);
    });

    it('stall-mid-stream: "went silent" after the idle timeout', async () => {
      const response = await ask(route, stream, { fault: 'stall-mid-stream' });
      const message = `model server at ${serverName(route)} went silent for 0.3 s in the middle of the answer`;
      if (stream) expectStreamError(route, response, message, 'Token1 Token2 ');
      else expectHttpError(response, 504, 'upstream_timeout', message);
    });

    it('reset-mid-stream', async () => {
      const response = await ask(route, stream, { fault: 'reset-mid-stream' });
      const message = `model server at ${serverName(route)} closed the connection in the middle of the answer`;
      if (stream) expectStreamError(route, response, message, 'Token1 Token2 ');
      else expectHttpError(response, 502, 'upstream_failed', message);
    });

    it.each(['status-500', 'status-503'] as const)('%s: 502 naming the server and the status', async (fault) => {
      const response = await ask(route, stream, { fault });
      expectHttpError(response, 502, 'upstream_failed', `model server at ${serverName(route)} answered HTTP ${fault.slice(-3)}`);
    });

    it('status-429 with a short Retry-After: one more try, then 429 with Retry-After', async () => {
      const started = performance.now();
      const response = await ask(route, stream, { fault: 'status-429', retryAfterSeconds: 1 });
      expectHttpError(response, 429, 'too_many_requests', `model server at ${serverName(route)} answered HTTP 429`);
      expect(response.headers['retry-after']).toBe('1');
      expect(route.server().requests.filter((entry) => entry.path === route.upstreamPath)).toHaveLength(2);
      expect(performance.now() - started).toBeGreaterThanOrEqual(990);
    });

    it('error-mid-stream: the error reaches the client', async () => {
      const response = await ask(route, stream, { fault: 'error-mid-stream' });
      if (!stream) {
        // A failed one-shot generation is the server's 500.
        expectHttpError(response, 502, 'upstream_failed', `model server at ${serverName(route)} answered HTTP 500`);
        return;
      }
      const message = route.upstreamPath === '/api/chat' ? 'an error was encountered while running the model' : 'The server had an error while processing your request';
      expectStreamError(route, response, message, 'Token1 Token2 ');
    });
  });
});

describe('faults that depend on the route', () => {
  const [translated, , ollamaPassThrough] = routes as [Route, Route, Route, Route];

  it('a long Retry-After is not waited for: 429 at once, with the server’s Retry-After', async () => {
    for (const stream of [true, false]) {
      gateway.ollama.clearRequests();
      const response = await ask(translated, stream, { fault: 'status-429', retryAfterSeconds: 30 });
      expectHttpError(response, 429, 'too_many_requests', 'answered HTTP 429');
      expect(response.headers['retry-after']).toBe('30');
      expect(response.elapsedMs).toBeLessThan(1000);
      expect(gateway.ollama.requests.filter((entry) => entry.path === '/api/chat')).toHaveLength(1);
    }
  });

  it('malformed-chunk in an Ollama stream being translated: an error event, no [DONE]', async () => {
    const response = await ask(translated, true, { fault: 'malformed-chunk' });
    expectStreamError(translated, response, /the model server sent a malformed line/, 'Token1 Token2 ');
  });

  it('malformed-chunk in a whole Ollama answer being translated: 502 naming the server', async () => {
    const response = await ask(translated, false, { fault: 'malformed-chunk' });
    expectHttpError(response, 502, 'upstream_failed', `model server at ${gateway.ollama.url} sent a malformed answer`);
  });

  it('malformed-chunk passed through to an Ollama client: the line arrives as the server sent it', async () => {
    const response = await ask(ollamaPassThrough, true, { fault: 'malformed-chunk' });
    expect(response.status).toBe(200);
    expect(response.text).toContain('"content":"malformed\n');
  });
});

describe('a server that refuses connections', () => {
  it('gets a 502 at once on every route, streamed and whole', async () => {
    const refusing = await startGateway({ env: { MODELS_CACHE_TTL: '3600' } });
    try {
      // The models are listed while the servers are up; then they go away.
      expect((await send(refusing, '/api/models', { token: refusing.user.token })).status).toBe(200);
      const urls = { ollama: refusing.ollama.url, openai: refusing.openai.openaiBaseUrl };
      await refusing.ollama.close();
      await refusing.openai.close();
      for (const [path, model, server] of [
        ['/api/chat/completions', 'llama3.2:latest', urls.ollama],
        ['/api/chat/completions', 'gpt-4o-mini', urls.openai],
        ['/ollama/api/chat', 'llama3.2:latest', urls.ollama],
        ['/openai/chat/completions', 'gpt-4o-mini', urls.openai],
      ] as const) {
        for (const stream of [true, false]) {
          const response = await send(refusing, path, { token: refusing.user.token, body: { model, messages: [{ role: 'user', content: 'Hi' }], stream } });
          expectHttpError(response, 502, 'upstream_failed', `model server at ${server} `, /refused the connection|closed the connection before answering/);
          expect(response.elapsedMs).toBeLessThan(500);
        }
      }
    } finally {
      await refusing.close();
    }
  });
});

describe('the official openai client sees every fault as an error, never as a shorter answer', () => {
  const faults = FAULTS.filter((fault) => fault !== 'none');
  describe.each([
    { kind: 'Ollama', model: 'llama3.2:latest', server: () => gateway.ollama },
    { kind: 'OpenAI-compatible', model: 'gpt-4o-mini', server: () => gateway.openai },
  ])('from an $kind connection', ({ model, server }) => {
    it.each(faults.flatMap((fault) => [true, false].map((stream) => ({ fault, stream }))))('$fault (stream: $stream)', async ({ fault, stream }) => {
      // retryAfterSeconds 0: the one retry after a short Retry-After happens at once.
      server().setBehavior({ fault, retryAfterSeconds: 0 });
      const openai = new OpenAI({ baseURL: `${gateway.url}/api`, apiKey: gateway.user.token, maxRetries: 0, logLevel: 'off' });
      const messages = [{ role: 'user' as const, content: 'Say hello' }];
      const answer = async (): Promise<string> => {
        if (!stream) return (await openai.chat.completions.create({ model, messages })).choices[0]?.message.content ?? '';
        let text = '';
        for await (const chunk of await openai.chat.completions.create({ model, messages, stream: true })) text += chunk.choices[0]?.delta.content ?? '';
        return text;
      };
      await expect(answer()).rejects.toThrow();
    });
  });
});
