import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { backendVariants, createTestApp, type TestApp } from '../../test/support/test-app';
import { answer, startTinyServer, type TinyServer } from './test-servers';

const noEnvironmentConnections = { ENABLE_OLLAMA_API: 'false', ENABLE_OPENAI_API: 'false' };

/** Waits until `condition` holds; returns how long that took. Fails after `limitMs`. */
async function within(limitMs: number, condition: () => boolean): Promise<number> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > limitMs) throw new Error(`not within ${limitMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return Date.now() - started;
}

describe.each(backendVariants)('connection registry across processes ($name)', (variant) => {
  const apps: TestApp[] = [];
  afterEach(async () => {
    for (const app of apps.splice(0).reverse()) await app.close();
  });

  it('applies a change made in one process in another within a second', async () => {
    const first = await createTestApp({ ...variant, env: noEnvironmentConnections });
    apps.push(first);
    const second = await createTestApp({ ...variant, shareWith: first, env: noEnvironmentConnections });
    apps.push(second);
    const admin = await first.signUp();
    let heard = 0;
    second.services.connections.onChange(() => (heard += 1));

    const added = (await first.call('POST', '/api/v1/connections', admin.token, { kind: 'ollama', base_url: 'http://box:11434' })).json();
    expect(await within(1000, () => second.services.connections.get(added.id) !== undefined)).toBeLessThan(1000);
    expect(heard).toBe(1);

    await first.call('POST', `/api/v1/connections/${added.id}/update`, admin.token, { name: 'Renamed', enabled: false });
    await within(1000, () => second.services.connections.get(added.id)?.name === 'Renamed');
    expect(second.services.connections.enabled()).toEqual([]);

    // And the other way round, through the second process's API.
    const viaSecond = await second.call('POST', `/api/v1/connections/${added.id}/enable`, admin.token);
    expect(viaSecond.statusCode).toBe(200);
    await within(1000, () => first.services.connections.enabled().length === 1);

    await first.call('DELETE', `/api/v1/connections/${added.id}`, admin.token);
    await within(1000, () => second.services.connections.list().length === 0);
  });
});

describe('connection pools', () => {
  let astra: TestApp | undefined;
  const servers: TinyServer[] = [];
  afterEach(async () => {
    await astra?.close();
    astra = undefined;
    for (const server of servers.splice(0)) await server.close();
  });

  it('shares one pool per origin, keeps it while a connection uses the origin, and lets requests in flight finish', async () => {
    astra = await createTestApp({ env: noEnvironmentConnections });
    const registry = astra.services.connections;
    let release: (() => void) | undefined;
    const server = await startTinyServer((incoming, response) => {
      if (incoming.url === '/slow') {
        release = () => answer(200, { done: true })(incoming, response);
        return;
      }
      answer(200, { host: incoming.headers.host })(incoming, response);
    });
    servers.push(server);
    const other = await startTinyServer(answer(200, {}));
    servers.push(other);

    const one = await registry.add({ kind: 'openai', baseUrl: `${server.url}/v1` });
    const two = await registry.add({ kind: 'ollama', baseUrl: server.url });
    const three = await registry.add({ kind: 'ollama', baseUrl: other.url });
    const shared = registry.dispatcherFor(one);
    expect(registry.dispatcherFor(two)).toBe(shared);
    expect(registry.dispatcherFor(three)).not.toBe(shared);

    const reply = await request(`${server.url}/v1/models`, { dispatcher: shared });
    expect(await reply.body.json()).toEqual({ host: `127.0.0.1:${server.port}` });

    // A request in flight when its connection goes away still finishes.
    const slow = request(`${server.url}/slow`, { dispatcher: shared });
    await within(1000, () => release !== undefined);
    await registry.remove(one.id);
    expect(registry.dispatcherFor(two)).toBe(shared);
    const moved = await registry.update(two.id, { baseUrl: other.url });
    expect(registry.dispatcherFor(moved)).toBe(registry.dispatcherFor(three));
    release?.();
    const finished = await slow;
    expect(await finished.body.json()).toEqual({ done: true });
    // The pool of the origin nobody uses any more is closed; a new connection there gets a new one.
    await expect(request(`${server.url}/v1/models`, { dispatcher: shared })).rejects.toThrow(/destroyed|closed/i);
    const again = await registry.add({ kind: 'ollama', baseUrl: server.url });
    expect(registry.dispatcherFor(again)).not.toBe(shared);
  });

  it('resolves host names through its DNS cache and keeps the Host header', async () => {
    astra = await createTestApp({ env: { ...noEnvironmentConnections, AIOHTTP_POOL_DNS_TTL: '60', AIOHTTP_POOL_CONNECTIONS_PER_HOST: '2' } });
    const server = await startTinyServer((incoming, response) => answer(200, { host: incoming.headers.host })(incoming, response));
    servers.push(server);
    const connection = await astra.services.connections.add({ kind: 'ollama', baseUrl: `http://localhost:${server.port}` });
    const dispatcher = astra.services.connections.dispatcherFor(connection);
    const replies = await Promise.all(
      [1, 2, 3, 4].map(async () => (await request(`http://localhost:${server.port}/api/tags`, { dispatcher })).body.json()),
    );
    expect(replies).toEqual(Array(4).fill({ host: `localhost:${server.port}` }));
    // AIOHTTP_POOL_CONNECTIONS_PER_HOST=2: four requests at once share two sockets.
    expect(server.sockets()).toBeLessThanOrEqual(2);
  });

  it('closes every pool when closed', async () => {
    astra = await createTestApp({ env: noEnvironmentConnections });
    const server = await startTinyServer(answer(200, {}));
    servers.push(server);
    const connection = await astra.services.connections.add({ kind: 'ollama', baseUrl: server.url });
    const dispatcher = astra.services.connections.dispatcherFor(connection);
    await (await request(`${server.url}/api/tags`, { dispatcher })).body.dump();
    await astra.services.connections.close();
    await expect(request(`${server.url}/api/tags`, { dispatcher })).rejects.toThrow(/destroyed|closed/i);
    expect(() => astra!.services.connections.dispatcherFor(connection)).toThrow(/closed/);
  });
});
