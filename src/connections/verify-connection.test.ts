import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { backendVariants, createTestApp, type SignedInBody, type TestApp } from '../../test/support/test-app';
import { answer, refusedPort, startTinyServer, type TinyServer } from './test-servers';

const noEnvironmentConnections = { ENABLE_OLLAMA_API: 'false', ENABLE_OPENAI_API: 'false' };
const key = 'sk-verify-ABCDEFGHIJKLMNOPQRSTUVWXYZ';

describe.each(backendVariants)('verifying a connection ($name)', (variant) => {
  let astra: TestApp;
  let admin: SignedInBody;
  const servers: TinyServer[] = [];
  const serve = async (...args: Parameters<typeof startTinyServer>): Promise<TinyServer> => {
    const server = await startTinyServer(...args);
    servers.push(server);
    return server;
  };
  const verify = async (body: unknown) => {
    const response = await astra.call('POST', '/api/v1/connections/verify', admin.token, body);
    expect(response.statusCode).toBe(200);
    expect(response.body).not.toContain(key);
    return response.json();
  };
  const setUp = async (env: Record<string, string> = {}): Promise<void> => {
    astra = await createTestApp({ ...variant, env: { ...noEnvironmentConnections, ...env } });
    admin = await astra.signUp();
  };

  afterEach(async () => {
    await astra?.close();
    for (const server of servers.splice(0)) await server.close();
  });

  it('reaches an Ollama server (unsaved) and a stored OpenAI-compatible one, counting their models', async () => {
    await setUp();
    const ollama = await serve(answer(200, { models: [{ name: 'llama3:8b' }, { name: 'qwen3:4b' }] }));
    const unsaved = await verify({ kind: 'ollama', base_url: `${ollama.url}/` });
    expect(unsaved).toEqual({ ok: true, latency_ms: expect.any(Number), model_count: 2 });
    expect(ollama.requests.map((request) => `${request.method} ${request.url}`)).toEqual(['GET /api/tags']);

    const openai = await serve(answer(200, { object: 'list', data: [{ id: 'a' }, { id: 'b' }, { id: 'c' }] }));
    const stored = (await astra.call('POST', '/api/v1/connections', admin.token, { kind: 'openai', base_url: `${openai.url}/v1`, api_key: key })).json();
    expect(await verify({ id: stored.id })).toMatchObject({ ok: true, model_count: 3 });
    expect(openai.requests[0]).toMatchObject({ method: 'GET', url: '/v1/models' });
    expect(openai.requests[0]?.headers.authorization).toBe(`Bearer ${key}`);
    // A disabled connection can still be checked before turning it on.
    await astra.call('POST', `/api/v1/connections/${stored.id}/disable`, admin.token);
    expect(await verify({ id: stored.id })).toMatchObject({ ok: true, model_count: 3 });
  });

  it('reports an HTTP error with the server’s message, never the key', async () => {
    await setUp();
    const server = await serve(answer(401, { error: { message: `Incorrect API key provided: ${key}`, type: 'invalid_request_error' } }));
    const result = await verify({ kind: 'openai', base_url: `${server.url}/v1`, api_key: key });
    expect(result).toEqual({
      ok: false,
      latency_ms: expect.any(Number),
      error: `HTTP 401 from ${server.url}/v1/models: Incorrect API key provided: ****`,
      phase: 'status',
    });

    const ollamaError = await serve(answer(500, { error: 'model runner crashed' }));
    expect(await verify({ kind: 'ollama', base_url: ollamaError.url })).toMatchObject({
      error: `HTTP 500 from ${ollamaError.url}/api/tags: model runner crashed`,
      phase: 'status',
    });
  });

  it('reports a refused connection, an unknown host and a body that is not JSON', async () => {
    await setUp();
    const port = await refusedPort();
    expect(await verify({ kind: 'ollama', base_url: `http://127.0.0.1:${port}` })).toEqual({
      ok: false,
      latency_ms: expect.any(Number),
      error: `connection refused to http://127.0.0.1:${port}`,
      phase: 'connect',
    });

    const unknownHost = await verify({ kind: 'ollama', base_url: 'http://no-such-host.invalid:11434' });
    expect(unknownHost).toMatchObject({ ok: false, phase: 'connect' });
    expect(unknownHost.error).toMatch(/^DNS lookup failed for no-such-host\.invalid|^timed out after/);

    const html = await serve(answer(200, '<html><body>Welcome to nginx!</body></html>', 'text/html'));
    const notJson = await verify({ kind: 'openai', base_url: html.url });
    expect(notJson).toMatchObject({ ok: false, phase: 'body' });
    expect(notJson.error).toBe(`response was not JSON from ${html.url}/models (text/html): <html><body>Welcome to nginx!</body></html>`);

    const wrongShape = await serve(answer(200, { models: [] }));
    expect(await verify({ kind: 'openai', base_url: wrongShape.url })).toMatchObject({ ok: false, phase: 'body', error: expect.stringMatching(/has no "data" list/) });
  });

  it('gives up on a server that never answers within AIOHTTP_CLIENT_TIMEOUT_MODEL_LIST', async () => {
    await setUp({ AIOHTTP_CLIENT_TIMEOUT_MODEL_LIST: '1' });
    const silent = await serve(() => undefined);
    const stored = (await astra.call('POST', '/api/v1/connections', admin.token, { kind: 'ollama', base_url: silent.url })).json();
    for (const body of [{ kind: 'ollama', base_url: silent.url }, { id: stored.id }]) {
      const started = Date.now();
      const result = await verify(body);
      const elapsed = Date.now() - started;
      expect(result).toMatchObject({ ok: false, phase: 'response', error: `timed out after 1 s waiting for a response from ${silent.url}/api/tags` });
      expect(elapsed).toBeGreaterThanOrEqual(990);
      expect(elapsed).toBeLessThan(1200);
      expect(result.latency_ms).toBeLessThan(1200);
    }

    // One that answers its headers but never finishes the body.
    const stalled = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"models": [');
    });
    const started = Date.now();
    expect(await verify({ kind: 'ollama', base_url: stalled.url })).toMatchObject({
      ok: false,
      phase: 'body',
      error: `timed out after 1 s reading the response body from ${stalled.url}/api/tags`,
    });
    expect(Date.now() - started).toBeLessThan(1200);
  });
});

/** A self-signed certificate for localhost and 127.0.0.1, made with the openssl command when it is installed. */
function selfSignedCertificate(directory: string): { certFile: string; key: string; cert: string } | undefined {
  const keyFile = path.join(directory, 'key.pem');
  const certFile = path.join(directory, 'cert.pem');
  try {
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-keyout', keyFile, '-out', certFile,
    ], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  return { certFile, key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8') };
}

describe('verifying a connection over TLS', () => {
  const directory = mkdtempSync(path.join(os.tmpdir(), 'astra-tls-'));
  const certificate = selfSignedCertificate(directory);
  let astra: TestApp | undefined;
  let server: Server | undefined;
  afterEach(async () => {
    await astra?.close();
    astra = undefined;
  });
  afterAll(async () => {
    if (server) await new Promise((resolve) => server!.close(resolve));
    rmSync(directory, { recursive: true, force: true });
  });

  it.runIf(certificate !== undefined)('checks certificates unless AIOHTTP_CLIENT_SESSION_SSL says otherwise, or trusts the CA file it names', async () => {
    server = createHttpsServer({ key: certificate!.key, cert: certificate!.cert }, answer(200, { models: [{ name: 'a' }] }));
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const check = async (env: Record<string, string>, baseUrl: string) => {
      astra = await createTestApp({ env: { ...noEnvironmentConnections, ...env } });
      const admin = await astra.signUp();
      const result = (await astra.call('POST', '/api/v1/connections/verify', admin.token, { kind: 'ollama', base_url: baseUrl })).json();
      await astra.close();
      astra = undefined;
      return result;
    };

    const refused = await check({}, `https://127.0.0.1:${port}`);
    expect(refused).toMatchObject({ ok: false, phase: 'connect' });
    expect(refused.error).toMatch(new RegExp(`^TLS handshake with https://127\\.0\\.0\\.1:${port} failed: self[- ]signed certificate`));
    expect(await check({ AIOHTTP_CLIENT_SESSION_SSL: 'false' }, `https://127.0.0.1:${port}`)).toMatchObject({ ok: true, model_count: 1 });
    // By name, through the DNS cache: the certificate is checked against "localhost".
    expect(await check({ AIOHTTP_CLIENT_SESSION_SSL: certificate!.certFile }, `https://localhost:${port}`)).toMatchObject({ ok: true, model_count: 1 });
  });
});
