/**
 * A client that goes away takes the upstream request with it, within a second: streamed answers
 * after the first chunk, streams still waiting for their first token, and whole answers.
 */
import { request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, waitFor, type GatewayUnderTest } from '../../test/support/gateway';
import type { ModelServer } from '../../test/support/model-server';

let gateway: GatewayUnderTest;

beforeAll(async () => {
  gateway = await startGateway({ env: { MODELS_CACHE_TTL: '3600' } });
});
afterEach(() => {
  gateway.ollama.resetBehavior();
  gateway.openai.resetBehavior();
});
afterAll(async () => gateway?.close());

const routes = [
  { name: '/api/chat/completions (Ollama)', path: '/api/chat/completions', model: 'llama3.2:latest', server: () => gateway.ollama },
  { name: '/api/chat/completions (OpenAI)', path: '/api/chat/completions', model: 'gpt-4o-mini', server: () => gateway.openai },
  { name: '/ollama/api/chat', path: '/ollama/api/chat', model: 'llama3.2:latest', server: () => gateway.ollama },
  { name: '/openai/chat/completions', path: '/openai/chat/completions', model: 'gpt-4o-mini', server: () => gateway.openai },
];

/** Starts a request to Astra; `abort` ends it from the client's side. */
async function start(path: string, body: unknown): Promise<{ abort(): void; response: Awaited<ReturnType<typeof request>> }> {
  const controller = new AbortController();
  const response = await request(`${gateway.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${gateway.user.token}` },
    body: JSON.stringify(body),
    signal: controller.signal,
  });
  return { abort: () => controller.abort(), response };
}

/** Nothing is left counted as in flight on any connection (so load balancing stays fair). */
function expectNothingInFlight(): void {
  for (const connection of gateway.astra.services.connections.list()) expect(gateway.astra.services.balancer.busy(connection.id)).toBe(0);
}

async function abortsWithin(server: ModelServer, action: () => void): Promise<void> {
  const count = server.abortedRequests;
  const abortedAt = performance.now();
  action();
  const aborted = await server.waitForAbortedRequests(count + 1, 1000);
  expect(performance.now() - abortedAt).toBeLessThan(1000);
  expect(aborted.request.path).toMatch(/\/chat/);
}

describe.each(routes)('$name', ({ path, model, server }) => {
  it('a stream: read one chunk, abort, and the upstream request is gone within 1 s', async () => {
    server().setBehavior({ tokenDelayMs: 100, tokenCount: 100 });
    const { abort, response } = await start(path, { model, messages: [{ role: 'user', content: 'Hi' }], stream: true });
    expect(response.statusCode).toBe(200);
    const iterator = response.body[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.done).toBe(false);
    await abortsWithin(server(), abort);
    expect(server().aborted.at(-1)?.tokensSent).toBeLessThan(100);
    await waitFor(() => server().inFlightRequests() === 0, 1000, 'the stand-in to see no request in flight');
    expectNothingInFlight();
  });

  it('a stream still waiting for its first token', async () => {
    server().setBehavior({ firstTokenDelayMs: 10_000 });
    const { abort, response } = await start(path, { model, messages: [{ role: 'user', content: 'Hi' }], stream: true });
    // Headers come at once (the stand-in sent its own); the first token is far away.
    expect(response.statusCode).toBe(200);
    await abortsWithin(server(), abort);
    expectNothingInFlight();
  });

  it('a whole answer being generated', async () => {
    server().setBehavior({ firstTokenDelayMs: 10_000 });
    const received = server().totalRequests;
    const controller = new AbortController();
    const pending = request(`${gateway.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${gateway.user.token}` },
      body: JSON.stringify({ model, messages: [{ role: 'user', content: 'Hi' }], stream: false }),
      signal: controller.signal,
    }).catch((error: unknown) => error);
    await waitFor(() => server().totalRequests > received, 2000, 'the request to reach the model server');
    await abortsWithin(server(), () => controller.abort());
    expect(await pending).toMatchObject({ name: 'AbortError' });
    await waitFor(() => gateway.astra.services.connections.list().every((connection) => gateway.astra.services.balancer.busy(connection.id) === 0), 1000, 'the in-flight counts to drop');
    expectNothingInFlight();
  });
});
