/** Every fault does what it says, for both protocols, and client aborts are observed. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startModelServer, type ModelServer } from './index';
import { agentWithTimeouts, behaviorHeader, errorCode, readUntilFailure, send } from './test-http';
import { parseNdjson, parseSse } from './wire-shape';

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

const openaiChat = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  model: 'gpt-4o-mini',
  stream: true,
  messages: [{ role: 'user', content: 'hi' }],
  ...extra,
});
const ollamaChat = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  model: 'llama3.2',
  messages: [{ role: 'user', content: 'hi' }],
  ...extra,
});
const countTokens = (text: string): number => text.match(/Token\d+ /g)?.length ?? 0;

describe('faults before the response', () => {
  it('hang-before-headers: a 300 ms headersTimeout fires, and the client going away counts as an abort', async () => {
    const abortsBefore = server.abortedRequests;
    const dispatcher = agentWithTimeouts({ headersTimeout: 300 });
    const started = performance.now();
    const failure = await send(`${server.openaiBaseUrl}/chat/completions`, openaiChat(), {
      dispatcher,
      headers: behaviorHeader({ fault: 'hang-before-headers' }),
    }).catch((error: unknown) => error);
    expect(errorCode(failure)).toBe('UND_ERR_HEADERS_TIMEOUT');
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    const aborted = await server.waitForAbortedRequests(abortsBefore + 1, 1000);
    expect(aborted.headersSent).toBe(false);
    await dispatcher.close();
  });

  it.each([
    ['status-500', 500],
    ['status-503', 503],
    ['status-429', 429],
  ] as const)('%s answers %i with each protocol’s error body', async (fault, status) => {
    const headers = behaviorHeader({ fault, retryAfterSeconds: 2 });
    const openai = await send(`${server.openaiBaseUrl}/chat/completions`, openaiChat(), { headers });
    expect(openai.status).toBe(status);
    expect(JSON.parse(openai.text)).toMatchObject({ error: { message: expect.any(String), type: expect.any(String) } });
    const ollama = await send(`${server.ollamaBaseUrl}/api/chat`, ollamaChat(), { headers });
    expect(ollama.status).toBe(status);
    expect(JSON.parse(ollama.text)).toEqual({ error: expect.any(String) });
    expect(openai.headers['retry-after']).toBe(status === 429 ? '2' : undefined);
    expect(ollama.headers['retry-after']).toBe(status === 429 ? '2' : undefined);
  });
});

describe('faults during the response', () => {
  it('hang-after-headers: 200 and headers arrive, then the body times out empty', async () => {
    const dispatcher = agentWithTimeouts({ bodyTimeout: 300 });
    const result = await readUntilFailure(`${server.openaiBaseUrl}/chat/completions`, openaiChat(), dispatcher, behaviorHeader({ fault: 'hang-after-headers' }));
    expect(result.status).toBe(200);
    expect(result.text).toBe('');
    expect(errorCode(result.error)).toBe('UND_ERR_BODY_TIMEOUT');
    await dispatcher.close();
  });

  it('stall-mid-stream: N tokens arrive, then silence until the body timeout', async () => {
    const dispatcher = agentWithTimeouts({ bodyTimeout: 300 });
    const headers = behaviorHeader({ fault: 'stall-mid-stream', stallAfterTokens: 3 });
    const openai = await readUntilFailure(`${server.openaiBaseUrl}/chat/completions`, openaiChat(), dispatcher, headers);
    expect(countTokens(openai.text)).toBe(3);
    expect(errorCode(openai.error)).toBe('UND_ERR_BODY_TIMEOUT');
    const ollama = await readUntilFailure(`${server.ollamaBaseUrl}/api/chat`, ollamaChat(), dispatcher, headers);
    expect(countTokens(ollama.text)).toBe(3);
    expect(errorCode(ollama.error)).toBe('UND_ERR_BODY_TIMEOUT');
    await dispatcher.close();
  });

  it('reset-mid-stream: the client sees a socket error after N tokens, not counted as a client abort', async () => {
    const abortsBefore = server.abortedRequests;
    const dispatcher = agentWithTimeouts({});
    const headers = behaviorHeader({ fault: 'reset-mid-stream', resetAfterTokens: 2 });
    for (const [url, body] of [
      [`${server.openaiBaseUrl}/chat/completions`, openaiChat()],
      [`${server.ollamaBaseUrl}/api/chat`, ollamaChat()],
    ] as const) {
      const result = await readUntilFailure(url, body, dispatcher, headers);
      expect(countTokens(result.text)).toBe(2);
      expect(result.error).toBeDefined();
      expect(['ECONNRESET', 'UND_ERR_SOCKET']).toContain(errorCode(result.error));
    }
    expect(server.abortedRequests).toBe(abortsBefore);
    await dispatcher.close();
  });

  it('malformed-chunk: one invalid JSON chunk mid-stream, then the stream continues to the end', async () => {
    const headers = behaviorHeader({ fault: 'malformed-chunk', malformedAfterTokens: 2, tokenCount: 4 });
    const openai = await send(`${server.openaiBaseUrl}/chat/completions`, openaiChat(), { headers });
    const payloads = parseSse(openai.text);
    const invalid = payloads.map((payload, index) => ({ payload, index })).filter(({ payload }) => payload !== '[DONE]' && !isJson(payload));
    expect(invalid).toHaveLength(1);
    // role chunk, Token1, Token2, then the malformed chunk
    expect(invalid[0]?.index).toBe(3);
    expect(payloads.at(-1)).toBe('[DONE]');
    expect(countTokens(openai.text)).toBe(4);

    const ollama = await send(`${server.ollamaBaseUrl}/api/chat`, ollamaChat(), { headers });
    const lines = ollama.text.split('\n').filter((line) => line !== '');
    expect(lines.filter((line) => !isJson(line))).toHaveLength(1);
    expect(JSON.parse(lines.at(-1) ?? '')).toMatchObject({ done: true });
  });

  it('error-mid-stream: the protocol’s in-stream error after N tokens, then the end', async () => {
    const headers = behaviorHeader({ fault: 'error-mid-stream', errorAfterTokens: 1 });
    const openai = parseSse((await send(`${server.openaiBaseUrl}/chat/completions`, openaiChat(), { headers })).text);
    expect(JSON.parse(openai.at(-1) ?? '')).toMatchObject({ error: { message: expect.any(String) } });
    expect(openai).not.toContain('[DONE]');
    const ollama = parseNdjson((await send(`${server.ollamaBaseUrl}/api/chat`, ollamaChat(), { headers })).text);
    expect(ollama.at(-1)).toEqual({ error: expect.any(String) });
    expect(ollama).toHaveLength(2);
  });

  it('applies to one-shot answers too (stream:false and embeddings)', async () => {
    const dispatcher = agentWithTimeouts({ bodyTimeout: 300 });
    const whole = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] };
    const stalled = await readUntilFailure(`${server.openaiBaseUrl}/chat/completions`, whole, dispatcher, behaviorHeader({ fault: 'stall-mid-stream' }));
    expect(errorCode(stalled.error)).toBe('UND_ERR_BODY_TIMEOUT');
    expect(stalled.text.length).toBeGreaterThan(0);
    const reset = await readUntilFailure(`${server.ollamaBaseUrl}/api/embed`, { model: 'nomic-embed-text', input: 'x' }, dispatcher, behaviorHeader({ fault: 'reset-mid-stream' }));
    expect(reset.error).toBeDefined();
    // A reset, not the body timeout: the half body is followed by the connection going away.
    expect(errorCode(reset.error)).not.toBe('UND_ERR_BODY_TIMEOUT');
    const malformed = await send(`${server.openaiBaseUrl}/embeddings`, { model: 'text-embedding-3-small', input: 'x' }, { headers: behaviorHeader({ fault: 'malformed-chunk' }) });
    expect(malformed.status).toBe(200);
    expect(isJson(malformed.text)).toBe(false);
    await dispatcher.close();
  });
});

describe('model-list knobs', () => {
  it('listModelsFault hang: no headers ever, on both protocols', async () => {
    server.setBehavior({ listModelsFault: 'hang' });
    const dispatcher = agentWithTimeouts({ headersTimeout: 300 });
    for (const url of [`${server.openaiBaseUrl}/models`, `${server.ollamaBaseUrl}/api/tags`]) {
      const failure = await send(url, undefined, { dispatcher }).catch((error: unknown) => error);
      expect(errorCode(failure)).toBe('UND_ERR_HEADERS_TIMEOUT');
    }
    await dispatcher.close();
  });

  it('listModelsFault status-500 and listModelsDelayMs', async () => {
    server.setBehavior({ listModelsFault: 'status-500' });
    expect((await send(`${server.openaiBaseUrl}/models`)).status).toBe(500);
    expect((await send(`${server.ollamaBaseUrl}/api/tags`)).status).toBe(500);
    server.setBehavior({ listModelsFault: 'none', listModelsDelayMs: 200 });
    const slow = await send(`${server.ollamaBaseUrl}/api/tags`);
    expect(slow.status).toBe(200);
    expect(slow.headersAfterMs).toBeGreaterThanOrEqual(195);
    // Chat is not slowed by the model-list delay.
    expect((await send(`${server.ollamaBaseUrl}/api/chat`, ollamaChat())).headersAfterMs).toBeLessThan(150);
  });
});

describe('client aborts', () => {
  it('records an abort mid-stream and sees the upstream socket closed within 1 s', async () => {
    const abortsBefore = server.abortedRequests;
    const closedBefore = server.socketsClosed;
    const seen: number[] = [];
    const unsubscribe = server.onRequestAborted((aborted) => seen.push(aborted.tokensSent));
    const controller = new AbortController();
    const dispatcher = agentWithTimeouts({});
    const reading = send(`${server.openaiBaseUrl}/chat/completions`, openaiChat(), {
      dispatcher,
      signal: controller.signal,
      headers: behaviorHeader({ tokenDelayMs: 50, tokenCount: 100 }),
    }).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 130));
    const abortedAt = performance.now();
    controller.abort();
    const aborted = await server.waitForAbortedRequests(abortsBefore + 1, 1000);
    await server.waitForSocketsClosed(closedBefore + 1, 1000);
    expect(performance.now() - abortedAt).toBeLessThan(1000);
    expect(aborted.request.path).toBe('/v1/chat/completions');
    expect(aborted.headersSent).toBe(true);
    expect(aborted.tokensSent).toBeGreaterThanOrEqual(1);
    expect(aborted.tokensSent).toBeLessThan(100);
    expect(seen).toEqual([aborted.tokensSent]);
    expect(await reading).toBeInstanceOf(Error);
    expect(server.inFlightRequests()).toBe(0);
    unsubscribe();
    await dispatcher.close();
  });

  it('a finished response is not an abort', async () => {
    const abortsBefore = server.abortedRequests;
    await send(`${server.ollamaBaseUrl}/api/chat`, ollamaChat());
    expect(server.abortedRequests).toBe(abortsBefore);
  });
});

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
