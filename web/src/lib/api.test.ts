import { describe, expect, it } from 'vitest';
import { ApiClient } from './api';
import { ApiError } from './api-error';
import { json, manualConnectivity, scriptedFetch } from './test-fetch';

const quick = { backoff: { baseMs: 1, maxMs: 5 } };

describe('ApiClient', () => {
  it('sends JSON with the session cookie and the CSRF header', async () => {
    const { fetch, requests } = scriptedFetch(() => json(200, { ok: true }));
    const client = new ApiClient({ fetch, ...quick });
    expect(await client.post('/api/v1/chats/new', { chat: { title: 'x' } })).toEqual({ ok: true });
    expect(requests[0]).toMatchObject({
      method: 'POST',
      url: '/api/v1/chats/new',
      credentials: 'same-origin',
      body: { chat: { title: 'x' } },
      headers: { 'content-type': 'application/json', 'x-requested-with': 'XMLHttpRequest' },
    });
  });

  it('retries a GET on 502/503/504 and network errors, then succeeds', async () => {
    const answers = [() => json(503, { detail: 'busy', code: 'unavailable' }), () => Promise.reject(new TypeError('fetch failed')), () => json(200, [1])];
    const { fetch, requests } = scriptedFetch(() => answers.shift()!());
    const client = new ApiClient({ fetch, ...quick });
    expect(await client.get('/api/v1/chats/')).toEqual([1]);
    expect(requests).toHaveLength(3);
  });

  it('gives up after the attempts, with the last error', async () => {
    const { fetch, requests } = scriptedFetch(() => json(502, { detail: 'the model server refused the connection', code: 'upstream_failed' }));
    const client = new ApiClient({ fetch, maxAttempts: 3, ...quick });
    await expect(client.get('/api/models')).rejects.toMatchObject({ status: 502, message: 'The model server refused the connection' });
    expect(requests).toHaveLength(3);
  });

  it('sends a POST once unless it is marked idempotent', async () => {
    const { fetch, requests } = scriptedFetch(() => json(503, {}));
    const client = new ApiClient({ fetch, ...quick });
    await expect(client.post('/api/v1/chats/1/pin')).rejects.toMatchObject({ status: 503 });
    expect(requests).toHaveLength(1);
    await expect(client.post('/api/v1/chats/1', { chat: { title: 't' } }, { idempotent: true })).rejects.toMatchObject({ status: 503 });
    expect(requests).toHaveLength(4);
  });

  it('does not retry client errors', async () => {
    const { fetch, requests } = scriptedFetch(() => json(404, { detail: 'Chat not found', code: 'not_found' }));
    const client = new ApiClient({ fetch, ...quick });
    await expect(client.get('/api/v1/chats/x')).rejects.toMatchObject({ kind: 'http', status: 404, code: 'not_found' });
    expect(requests).toHaveLength(1);
  });

  it('times out with a message naming the wait, and aborts the request', async () => {
    let signal: AbortSignal | undefined;
    const { fetch } = scriptedFetch((request) => {
      signal = request.signal;
      return new Promise<Response>(() => {});
    });
    const client = new ApiClient({ fetch, timeoutMs: 30, maxAttempts: 1 });
    const error = await client.get('/api/models').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ kind: 'timeout', message: 'The server did not answer within 0.03 s' });
    expect(signal?.aborted).toBe(true);
  });

  it("stops when the caller's signal aborts", async () => {
    const { fetch } = scriptedFetch(() => new Promise<Response>(() => {}));
    const client = new ApiClient({ fetch });
    const controller = new AbortController();
    const request = client.get('/api/v1/chats/search?text=a', { signal: controller.signal });
    controller.abort();
    await expect(request).rejects.toMatchObject({ kind: 'aborted' });
  });

  it('says offline when the browser is offline', async () => {
    const { fetch } = scriptedFetch(() => Promise.reject(new TypeError('Failed to fetch')));
    const client = new ApiClient({ fetch, maxAttempts: 1, connectivity: manualConnectivity(false) });
    await expect(client.get('/api/config')).rejects.toMatchObject({ kind: 'network', message: expect.stringMatching(/offline/) });
  });

  it('adopts the deadline from /api/config and reports an ended session', async () => {
    const { fetch } = scriptedFetch((request) =>
      request.url === '/api/config' ? json(200, { status: true, name: 'Astra', request_timeout_ms: 12_000 }) : json(401, { detail: 'Sign in', code: 'unauthenticated' }),
    );
    const client = new ApiClient({ fetch });
    await client.loadConfig();
    expect(client.timeoutMs).toBe(12_000);
    let ended = 0;
    client.onUnauthenticated = () => (ended += 1);
    await expect(client.get('/api/v1/auths/')).rejects.toMatchObject({ status: 401 });
    expect(ended).toBe(1);
  });
});
