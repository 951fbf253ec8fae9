/**
 * GET /api/models against real model servers: merged across connections, prefixes routed to the
 * right server, a silent server costing the list its bound once and then nothing (and coming back
 * when it answers), `?refresh=true`, and stale lists served at once while they refresh.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { chatRequests, jsonOf, send, startGateway, waitFor, type GatewayUnderTest } from '../../test/support/gateway';
import { startBlackHole, startModelServer, type BlackHole, type ModelServer } from '../../test/support/model-server';

interface ListedModel {
  id: string;
  owned_by: string;
  connection: string;
  connections: string[];
}

const messages = [{ role: 'user', content: 'Hi' }];
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function gatewayWith(options: Parameters<typeof startGateway>[0]): Promise<GatewayUnderTest> {
  const gateway = await startGateway(options);
  cleanups.push(() => gateway.close());
  return gateway;
}

async function listModels(gateway: GatewayUnderTest, query = ''): Promise<{ ids: string[]; models: ListedModel[]; elapsedMs: number }> {
  const response = await send(gateway, `/api/models${query}`, { token: gateway.user.token });
  expect(response.status).toBe(200);
  const models = jsonOf<{ data: ListedModel[] }>(response).data;
  return { ids: models.map((model) => model.id).sort(), models, elapsedMs: response.elapsedMs };
}

const tagRequests = (server: ModelServer): number => server.requests.filter((entry) => entry.path === '/api/tags').length;

describe('GET /api/models', () => {
  it('merges every connection’s models; one served by two connections is one entry naming both', async () => {
    const gateway = await gatewayWith({ ollamaServers: 2 });
    const { models, ids } = await listModels(gateway);
    expect(ids).toEqual(['gpt-4o', 'gpt-4o-mini', 'llama3.2:latest', 'nomic-embed-text:latest', 'qwen3:8b', 'text-embedding-3-small']);
    const llama = models.find((model) => model.id === 'llama3.2:latest');
    const hosts = gateway.ollamaServers.map((server) => new URL(server.url).host);
    expect(llama).toMatchObject({ object: 'model', owned_by: 'ollama', connection: hosts[0], connections: hosts });
    expect(models.find((model) => model.id === 'gpt-4o')).toMatchObject({ owned_by: 'openai', connections: [new URL(gateway.openai.url).host] });
  });

  it('routes prefix.model to its connection, with the prefix stripped upstream', async () => {
    const gateway = await gatewayWith({ ollamaServers: 2, openaiServers: 0 });
    const connections = gateway.astra.services.connections.list();
    await gateway.astra.services.connections.update(connections[0]!.id, { prefixId: 'left' });
    await gateway.astra.services.connections.update(connections[1]!.id, { prefixId: 'right' });
    const { ids } = await listModels(gateway);
    expect(ids).toEqual(['left.llama3.2:latest', 'left.nomic-embed-text:latest', 'left.qwen3:8b', 'right.llama3.2:latest', 'right.nomic-embed-text:latest', 'right.qwen3:8b']);
    const [left, right] = gateway.ollamaServers as [ModelServer, ModelServer];
    for (const [id, server, path] of [
      ['right.qwen3:8b', right, '/api/chat/completions'],
      ['left.qwen3:8b', left, '/api/chat/completions'],
      ['right.llama3.2:latest', right, '/ollama/api/chat'],
    ] as const) {
      const response = await send(gateway, path, { token: gateway.user.token, body: { model: id, messages, stream: false } });
      expect(response.status).toBe(200);
      expect(server.lastRequest('/api/chat')?.body).toMatchObject({ model: id.slice(id.indexOf('.') + 1) });
    }
    expect(chatRequests(left)).toBe(1);
    expect(chatRequests(right)).toBe(2);
    // The client's name for it comes back, on the pass-through as well.
    expect(jsonOf(await send(gateway, '/ollama/api/show', { token: gateway.user.token, body: { model: 'left.qwen3:8b' } }))).toMatchObject({ capabilities: ['completion', 'tools', 'thinking'] });
  });

  it('a silent server delays the first list by its bound only; later lists return at once; it comes back when it answers', async () => {
    const hole: BlackHole = await startBlackHole();
    const revived: { server?: ModelServer } = {};
    cleanups.push(async () => {
      await hole.close();
      await revived.server?.close();
    });
    const gateway = await gatewayWith({ openaiServers: 0, extraOllamaUrls: [hole.url], env: { AIOHTTP_CLIENT_TIMEOUT_MODEL_LIST: '0.5' } });

    const first = await listModels(gateway);
    expect(first.ids).toEqual(['llama3.2:latest', 'nomic-embed-text:latest', 'qwen3:8b']);
    expect(first.elapsedMs).toBeGreaterThanOrEqual(499);
    expect(first.elapsedMs).toBeLessThan(650);
    expect(hole.acceptedConnections).toBeGreaterThanOrEqual(1);

    for (let index = 0; index < 3; index += 1) {
      const later = await listModels(gateway);
      expect(later.ids).toEqual(first.ids);
      expect(later.elapsedMs).toBeLessThan(100);
    }
    // Completions do not wait on it either.
    expect((await send(gateway, '/api/chat/completions', { token: gateway.user.token, body: { model: 'qwen3:8b', messages } })).status).toBe(200);

    // The server at that address starts answering: the background probe finds it.
    await hole.close();
    revived.server = await startModelServer({ port: hole.port, ollamaModels: ['mistral:7b'] });
    await waitFor(async () => (await listModels(gateway)).ids.includes('mistral:7b'), 6000, 'the revived server’s models');
    expect((await send(gateway, '/api/chat/completions', { token: gateway.user.token, body: { model: 'mistral:7b', messages } })).status).toBe(200);
  });

  it('?refresh=true asks every server again', async () => {
    const gateway = await gatewayWith({ openaiServers: 0, env: { MODELS_CACHE_TTL: '3600' } });
    await listModels(gateway);
    await listModels(gateway);
    expect(tagRequests(gateway.ollama)).toBe(1);
    gateway.ollama.setModels({ ollama: ['llama3.2:latest', 'phi4:14b'] });
    expect((await listModels(gateway)).ids).toEqual(['llama3.2:latest', 'nomic-embed-text:latest', 'qwen3:8b']);
    expect((await listModels(gateway, '?refresh=true')).ids).toEqual(['llama3.2:latest', 'phi4:14b']);
    expect(tagRequests(gateway.ollama)).toBe(2);
    expect((await send(gateway, '/api/models?refresh=maybe', { token: gateway.user.token })).status).toBe(400);
  });

  it('serves a stale list at once while a slow server refreshes it (MODELS_CACHE_TTL)', async () => {
    const gateway = await gatewayWith({ openaiServers: 0, env: { MODELS_CACHE_TTL: '0.2' } });
    expect((await listModels(gateway)).ids).toEqual(['llama3.2:latest', 'nomic-embed-text:latest', 'qwen3:8b']);
    gateway.ollama.setBehavior({ listModelsDelayMs: 1000 });
    gateway.ollama.setModels({ ollama: ['phi4:14b'] });
    const fetchedAt = performance.now();
    // Past the TTL: the list is stale.
    await waitFor(() => performance.now() - fetchedAt > 250, 1000, 'the list to go stale');
    const stale = await listModels(gateway);
    expect(stale.ids).toEqual(['llama3.2:latest', 'nomic-embed-text:latest', 'qwen3:8b']);
    expect(stale.elapsedMs).toBeLessThan(100);
    await waitFor(() => tagRequests(gateway.ollama) === 2, 1000, 'the background refresh to reach the server');
    // Asked again while that refresh runs: still the stale list at once.
    const again = await listModels(gateway);
    expect(again.ids).toEqual(stale.ids);
    expect(again.elapsedMs).toBeLessThan(100);
    await waitFor(async () => (await listModels(gateway)).ids.includes('phi4:14b'), 3000, 'the refreshed list');
    // Everyone who asked meanwhile shared that one refresh.
    expect(tagRequests(gateway.ollama)).toBe(2);
  });

  it('with ENABLE_MODEL_CACHE=false a stale list is refreshed before it is served', async () => {
    const gateway = await gatewayWith({ openaiServers: 0, env: { MODELS_CACHE_TTL: '0', ENABLE_MODEL_CACHE: 'false' } });
    await listModels(gateway);
    gateway.ollama.setModels({ ollama: ['phi4:14b'] });
    expect((await listModels(gateway)).ids).toEqual(['phi4:14b']);
  });
});
