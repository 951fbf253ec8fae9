/**
 * Two connections serving the same model: a request the first cannot take (refused, 5xx, 429 with a
 * short Retry-After) is answered by the second with no error, but nothing is retried once part of
 * the answer reached the client. The least busy connection is tried first.
 */
import { request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chatRequests, jsonOf, ndjsonLines, send, sseContent, sseData, sseErrors, startGateway, waitFor, type GatewayUnderTest } from '../../test/support/gateway';
import { defaultReplyText, type Fault, type ModelServer } from '../../test/support/model-server';

const messages = [{ role: 'user', content: 'Say hello' }];

describe('failover', () => {
  let gateway: GatewayUnderTest;
  beforeAll(async () => {
    gateway = await startGateway({ ollamaServers: 2, openaiServers: 2, env: { MODELS_CACHE_TTL: '3600' } });
  });
  afterEach(() => {
    for (const server of [...gateway.ollamaServers, ...gateway.openaiServers]) {
      server.resetBehavior();
      server.clearRequests();
    }
  });
  afterAll(async () => gateway?.close());

  it('lists a model served by both connections once, with both', async () => {
    const body = jsonOf<{ data: Array<{ id: string; connections: string[] }> }>(await send(gateway, '/api/models', { token: gateway.user.token }));
    const llama = body.data.filter((model) => model.id === 'llama3.2:latest');
    expect(llama).toHaveLength(1);
    expect(llama[0]?.connections).toHaveLength(2);
    expect(body.data.find((model) => model.id === 'gpt-4o-mini')?.connections).toHaveLength(2);
  });

  const kinds = [
    { kind: 'Ollama', model: 'llama3.2:latest', servers: () => gateway.ollamaServers as [ModelServer, ModelServer] },
    { kind: 'OpenAI-compatible', model: 'gpt-4o-mini', servers: () => gateway.openaiServers as [ModelServer, ModelServer] },
  ];

  describe.each(kinds)('between two $kind connections', ({ model, servers }) => {
    const faults: Array<{ fault: Fault; retryAfterSeconds?: number }> = [{ fault: 'status-500' }, { fault: 'status-503' }, { fault: 'status-429', retryAfterSeconds: 1 }];
    describe.each(faults)('the first answers $fault', ({ fault, retryAfterSeconds }) => {
      it.each([true, false])('the second answers, with no error (stream: %s)', async (stream) => {
        const [first, second] = servers();
        first.setBehavior({ fault, ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }) });
        const response = await send(gateway, '/api/chat/completions', { token: gateway.user.token, body: { model, messages, stream } });
        expect(response.status).toBe(200);
        if (stream) {
          expect(sseErrors(response.text)).toEqual([]);
          expect(sseContent(response.text)).toBe(defaultReplyText(8));
          expect(sseData(response.text).at(-1)).toBe('[DONE]');
        } else {
          expect(jsonOf<{ choices: Array<{ message: { content: string } }> }>(response).choices[0]?.message.content).toBe(defaultReplyText(8));
        }
        expect(chatRequests(first)).toBe(1);
        expect(chatRequests(second)).toBe(1);
        // The next connection is tried at once, not after the Retry-After.
        expect(response.elapsedMs).toBeLessThan(900);
      });
    });

    it('a reset after tokens reached the client is not retried: an error event, no [DONE]', async () => {
      const [first, second] = servers();
      first.setBehavior({ fault: 'reset-mid-stream', resetAfterTokens: 2 });
      const response = await send(gateway, '/api/chat/completions', { token: gateway.user.token, body: { model, messages, stream: true } });
      expect(response.status).toBe(200);
      expect(sseContent(response.text)).toBe('Token1 Token2 ');
      expect(sseErrors(response.text)).toEqual([expect.objectContaining({ message: expect.stringContaining('closed the connection in the middle of the answer') })]);
      expect(sseData(response.text)).not.toContain('[DONE]');
      expect(chatRequests(first)).toBe(1);
      expect(chatRequests(second)).toBe(0);
    });
  });

  it('fails over on the Ollama pass-through too', async () => {
    const [first, second] = gateway.ollamaServers as [ModelServer, ModelServer];
    first.setBehavior({ fault: 'status-500' });
    const response = await send(gateway, '/ollama/api/chat', { token: gateway.user.token, body: { model: 'llama3.2:latest', messages } });
    expect(response.status).toBe(200);
    expect(ndjsonLines(response.text).at(-1)).toMatchObject({ done: true });
    expect(chatRequests(second)).toBe(1);
  });

  it('sends the next request to the less busy connection', async () => {
    const [first, second] = gateway.ollamaServers as [ModelServer, ModelServer];
    first.setBehavior({ tokenDelayMs: 100, tokenCount: 100 });
    second.setBehavior({ tokenDelayMs: 100, tokenCount: 100 });
    const controller = new AbortController();
    // A slow stream keeps the first connection busy…
    const slow = await request(`${gateway.url}/api/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${gateway.user.token}` },
      body: JSON.stringify({ model: 'llama3.2:latest', messages, stream: true }),
      signal: controller.signal,
    });
    await slow.body[Symbol.asyncIterator]().next();
    expect(chatRequests(first)).toBe(1);
    first.resetBehavior();
    second.resetBehavior();
    try {
      // …so the next request goes to the second.
      const next = await send(gateway, '/api/chat/completions', { token: gateway.user.token, body: { model: 'llama3.2:latest', messages, stream: true } });
      expect(sseContent(next.text)).toBe(defaultReplyText(8));
      expect(chatRequests(second)).toBe(1);
      expect(chatRequests(first)).toBe(1);
    } finally {
      controller.abort();
    }
    // Once the first is free again, it is first in line again.
    await first.waitForAbortedRequests(1, 1000);
    await waitFor(() => gateway.astra.services.balancer.busy(gateway.astra.services.connections.list()[0]!.id) === 0, 1000, 'the first connection to be free');
    await send(gateway, '/api/chat/completions', { token: gateway.user.token, body: { model: 'llama3.2:latest', messages } });
    expect(chatRequests(first)).toBe(2);
  });
});

describe('failover from a connection that refuses', () => {
  it('answers from the second connection, streamed and whole', async () => {
    const gateway = await startGateway({ ollamaServers: 2, openaiServers: 0, env: { MODELS_CACHE_TTL: '3600' } });
    try {
      // Both are up when the models are listed; then the first goes away.
      expect(jsonOf<{ data: Array<{ id: string; connections: string[] }> }>(await send(gateway, '/api/models', { token: gateway.user.token })).data[0]?.connections).toHaveLength(2);
      await gateway.ollamaServers[0]!.close();
      for (const stream of [true, false]) {
        const response = await send(gateway, '/api/chat/completions', { token: gateway.user.token, body: { model: 'llama3.2:latest', messages, stream } });
        expect(response.status).toBe(200);
        expect(stream ? sseContent(response.text) : jsonOf<{ choices: Array<{ message: { content: string } }> }>(response).choices[0]?.message.content).toBe(defaultReplyText(8));
      }
      expect(chatRequests(gateway.ollamaServers[1]!)).toBe(2);
    } finally {
      await gateway.close();
    }
  });
});
