/**
 * Connections changed through the admin API apply to the very next request, with no restart: a new
 * base URL sends completions to the new server, and the model list follows.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../../test/support/backends';
import { chatRequests, jsonOf, send, sseContent, startGateway, type GatewayUnderTest } from '../../test/support/gateway';
import { defaultReplyText, startModelServer, type ModelServer } from '../../test/support/model-server';

const messages = [{ role: 'user', content: 'Say hello' }];

describe.each(databaseKinds)('editing connections (%s)', (kind) => {
  let gateway: GatewayUnderTest;
  let replacement: ModelServer;
  let connectionId: string;

  beforeAll(async () => {
    gateway = await startGateway({ kind, openaiServers: 0 });
    replacement = await startModelServer({ ollamaModels: ['llama3.2:latest', 'mistral:7b'], behavior: { replyText: 'From the new server. ' } });
    const listed = jsonOf<{ connections: Array<{ id: string; base_url: string }> }>(await send(gateway, '/api/v1/connections', { token: gateway.admin.token }));
    expect(listed.connections.map((connection) => connection.base_url)).toEqual([gateway.ollama.url]);
    connectionId = listed.connections[0]!.id;
  });
  afterEach(() => {
    gateway.ollama.clearRequests();
    replacement.clearRequests();
  });
  afterAll(async () => {
    await gateway?.close();
    await replacement?.close();
  });

  const modelIds = async (query = ''): Promise<string[]> =>
    jsonOf<{ data: Array<{ id: string }> }>(await send(gateway, `/api/models${query}`, { token: gateway.user.token })).data.map((model) => model.id).sort();

  it('a new base URL takes effect for the next completion and the model list', async () => {
    const before = await send(gateway, '/api/chat/completions', { token: gateway.user.token, body: { model: 'llama3.2:latest', messages, stream: true } });
    expect(sseContent(before.text)).toBe(defaultReplyText(8));
    expect(chatRequests(gateway.ollama)).toBe(1);
    expect(await modelIds()).toEqual(['llama3.2:latest', 'nomic-embed-text:latest', 'qwen3:8b']);

    const edited = await send(gateway, `/api/v1/connections/${connectionId}/update`, { token: gateway.admin.token, body: { base_url: replacement.url } });
    expect(edited.status).toBe(200);
    expect(jsonOf(edited)).toMatchObject({ id: connectionId, base_url: replacement.url });

    const after = await send(gateway, '/api/chat/completions', { token: gateway.user.token, body: { model: 'llama3.2:latest', messages, stream: true } });
    expect(sseContent(after.text)).toBe('From the new server. ');
    expect(chatRequests(replacement)).toBe(1);
    expect(chatRequests(gateway.ollama)).toBe(1);

    expect(await modelIds('?refresh=true')).toEqual(['llama3.2:latest', 'mistral:7b']);
    const whole = await send(gateway, '/ollama/api/chat', { token: gateway.user.token, body: { model: 'mistral:7b', messages, stream: false } });
    expect(whole.status).toBe(200);
    expect(replacement.lastRequest('/api/chat')?.body).toMatchObject({ model: 'mistral:7b' });
  });

  it('a prefix set through the API names the models prefix.model, and is stripped upstream', async () => {
    expect((await send(gateway, `/api/v1/connections/${connectionId}/update`, { token: gateway.admin.token, body: { prefix_id: 'lab' } })).status).toBe(200);
    expect(await modelIds('?refresh=true')).toEqual(['lab.llama3.2:latest', 'lab.mistral:7b']);
    const response = await send(gateway, '/api/chat/completions', { token: gateway.user.token, body: { model: 'lab.mistral:7b', messages } });
    expect(response.status).toBe(200);
    expect(jsonOf<{ model: string }>(response).model).toBe('lab.mistral:7b');
    expect(replacement.lastRequest('/api/chat')?.body).toMatchObject({ model: 'mistral:7b' });
    const unprefixed = await send(gateway, '/api/chat/completions', { token: gateway.user.token, body: { model: 'mistral:7b', messages } });
    expect(unprefixed.status).toBe(404);
  });

  it('a disabled connection serves nothing; enabled again, it serves at once', async () => {
    expect((await send(gateway, `/api/v1/connections/${connectionId}/disable`, { token: gateway.admin.token, body: {} })).status).toBe(200);
    expect(await modelIds()).toEqual([]);
    expect((await send(gateway, '/api/chat/completions', { token: gateway.user.token, body: { model: 'lab.mistral:7b', messages } })).status).toBe(404);
    expect((await send(gateway, `/api/v1/connections/${connectionId}/enable`, { token: gateway.admin.token, body: {} })).status).toBe(200);
    expect((await send(gateway, '/api/chat/completions', { token: gateway.user.token, body: { model: 'lab.mistral:7b', messages } })).status).toBe(200);
  });

  it('an added connection’s models are listed and served', async () => {
    const added = await send(gateway, '/api/v1/connections', { token: gateway.admin.token, body: { kind: 'openai', base_url: gateway.ollama.openaiBaseUrl, api_key: 'sk-unused' } });
    expect(added.status).toBe(200);
    expect(await modelIds()).toEqual(['gpt-4o', 'gpt-4o-mini', 'lab.llama3.2:latest', 'lab.mistral:7b', 'text-embedding-3-small']);
    const response = await send(gateway, '/api/chat/completions', { token: gateway.user.token, body: { model: 'gpt-4o', messages } });
    expect(response.status).toBe(200);
    expect(gateway.ollama.lastRequest('/v1/chat/completions')?.headers.authorization).toBe('Bearer sk-unused');
  });
});
