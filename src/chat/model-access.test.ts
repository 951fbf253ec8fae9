/**
 * Per-model access on every route that takes a model or lists them: a model an admin keeps for
 * admins is invisible and unusable (404, as if it did not exist) for others, listed users may use
 * it, admins always may, and BYPASS_MODEL_ACCESS_CONTROL lets everyone. Pending accounts get 403,
 * requests without a token 401. Settings are stored, so this runs on each database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../../test/support/backends';
import { jsonOf, send, startGateway, type GatewayUnderTest } from '../../test/support/gateway';
import { ModelAccess } from '../models';

const messages = [{ role: 'user', content: 'Hi' }];
const restricted = ['llama3.2:latest', 'nomic-embed-text:latest', 'gpt-4o-mini', 'text-embedding-3-small'];

/** Every route that takes a model, with a request each for a restricted model. */
const modelRoutes: Array<{ path: string; body: Record<string, unknown> }> = [
  { path: '/api/chat/completions', body: { model: 'llama3.2:latest', messages } },
  { path: '/api/chat/completions', body: { model: 'gpt-4o-mini', messages, stream: true } },
  { path: '/api/embeddings', body: { model: 'nomic-embed-text:latest', input: 'x' } },
  { path: '/api/embeddings', body: { model: 'text-embedding-3-small', input: 'x' } },
  { path: '/ollama/api/chat', body: { model: 'llama3.2:latest', messages, stream: false } },
  { path: '/ollama/api/generate', body: { model: 'llama3.2:latest', prompt: 'Hi', stream: false } },
  { path: '/ollama/api/embed', body: { model: 'nomic-embed-text:latest', input: 'x' } },
  { path: '/ollama/api/embeddings', body: { model: 'nomic-embed-text:latest', prompt: 'x' } },
  { path: '/ollama/api/show', body: { model: 'llama3.2:latest' } },
  { path: '/openai/chat/completions', body: { model: 'gpt-4o-mini', messages } },
  { path: '/openai/embeddings', body: { model: 'text-embedding-3-small', input: 'x' } },
];

/** The model ids each list route shows the caller. */
async function visibleModels(gateway: GatewayUnderTest, token: string): Promise<Record<string, string[]>> {
  const api = jsonOf<{ data: Array<{ id: string }> }>(await send(gateway, '/api/models', { token }));
  const tags = jsonOf<{ models: Array<{ name: string }> }>(await send(gateway, '/ollama/api/tags', { token }));
  const openai = jsonOf<{ data: Array<{ id: string }> }>(await send(gateway, '/openai/models', { token }));
  return { '/api/models': api.data.map((model) => model.id), '/ollama/api/tags': tags.models.map((model) => model.name), '/openai/models': openai.data.map((model) => model.id) };
}

async function expectAllowed(gateway: GatewayUnderTest, token: string): Promise<void> {
  for (const route of modelRoutes) {
    const response = await send(gateway, route.path, { token, body: route.body });
    expect({ route: `${route.path} ${String(route.body.model)}`, status: response.status }).toEqual({ route: `${route.path} ${String(route.body.model)}`, status: 200 });
  }
  const visible = await visibleModels(gateway, token);
  expect(visible['/api/models']).toEqual(expect.arrayContaining(restricted));
  expect(visible['/ollama/api/tags']).toEqual(expect.arrayContaining(['llama3.2:latest', 'nomic-embed-text:latest']));
  expect(visible['/openai/models']).toEqual(expect.arrayContaining(['gpt-4o-mini', 'text-embedding-3-small']));
}

describe.each(databaseKinds)('model access (%s)', (kind) => {
  let gateway: GatewayUnderTest;
  beforeAll(async () => {
    gateway = await startGateway({ kind });
  });
  afterAll(async () => gateway?.close());

  it('everyone may use every model until an admin says otherwise', async () => {
    await expectAllowed(gateway, gateway.user.token);
  });

  it('a model kept for admins is a 404 on every route, and missing from every list, for a user', async () => {
    // Both forms of the update route: the id percent-encoded in the path, and Open WebUI's ?id=.
    for (const [index, id] of restricted.entries()) {
      const path = index % 2 === 0 ? `/api/v1/models/${encodeURIComponent(id)}/update` : `/api/v1/models/model/update?id=${encodeURIComponent(id)}`;
      const updated = await send(gateway, path, { token: gateway.admin.token, body: { access: 'admins' } });
      expect(updated.status).toBe(200);
      expect(jsonOf(updated)).toEqual({ id, access: 'admins', user_ids: [] });
    }
    const settings = jsonOf<Array<{ id: string; access: string }>>(await send(gateway, '/api/v1/models/', { token: gateway.admin.token }));
    expect(settings.filter((model) => model.access === 'admins').map((model) => model.id).sort()).toEqual([...restricted].sort());

    const upstreamBefore = gateway.ollama.totalRequests + gateway.openai.totalRequests;
    const unknown = jsonOf(await send(gateway, '/api/chat/completions', { token: gateway.user.token, body: { model: 'no-such-model', messages } }));
    for (const route of modelRoutes) {
      const response = await send(gateway, route.path, { token: gateway.user.token, body: route.body });
      expect({ route: `${route.path} ${String(route.body.model)}`, status: response.status }).toEqual({ route: `${route.path} ${String(route.body.model)}`, status: 404 });
      // Refused exactly as a model that does not exist is, so names do not leak.
      const detail = String(unknown.detail).replace('no-such-model', String(route.body.model));
      // The Ollama routes repeat the message as `error`, which Ollama's clients read.
      const ollamaError = route.path.startsWith('/ollama/') ? { error: detail } : {};
      expect(jsonOf(response)).toEqual({ code: 'not_found', detail, ...ollamaError });
    }
    expect(gateway.ollama.totalRequests + gateway.openai.totalRequests).toBe(upstreamBefore);

    const visible = await visibleModels(gateway, gateway.user.token);
    for (const list of Object.values(visible)) for (const id of restricted) expect(list).not.toContain(id);
    expect(visible['/api/models']).toEqual(expect.arrayContaining(['qwen3:8b', 'gpt-4o']));
    expect(visible['/ollama/api/tags']).toEqual(['qwen3:8b']);
    expect(visible['/openai/models']).toEqual(['gpt-4o']);
  });

  it('admins may still use them', async () => {
    await expectAllowed(gateway, gateway.admin.token);
  });

  it('hides a restricted model from /ollama/api/ps too', async () => {
    // The admin's requests above loaded llama3.2 on the server.
    const admin = jsonOf<{ models: Array<{ name: string }> }>(await send(gateway, '/ollama/api/ps', { token: gateway.admin.token }));
    expect(admin.models.map((model) => model.name)).toContain('llama3.2:latest');
    const user = jsonOf<{ models: Array<{ name: string }> }>(await send(gateway, '/ollama/api/ps', { token: gateway.user.token }));
    expect(user.models.map((model) => model.name)).not.toContain('llama3.2:latest');
  });

  it('listed users may use them; others still may not', async () => {
    for (const id of restricted) {
      const updated = await send(gateway, `/api/v1/models/${encodeURIComponent(id)}/update`, { token: gateway.admin.token, body: { access: 'users', user_ids: [gateway.user.id] } });
      expect(jsonOf(updated)).toEqual({ id, access: 'users', user_ids: [gateway.user.id] });
    }
    await expectAllowed(gateway, gateway.user.token);
    const other = await gateway.addAccount('user');
    for (const route of modelRoutes) expect((await send(gateway, route.path, { token: other.token, body: route.body })).status).toBe(404);
  });

  it('only admins may change who may use a model', async () => {
    const refused = await send(gateway, `/api/v1/models/${encodeURIComponent('qwen3:8b')}/update`, { token: gateway.user.token, body: { access: 'admins' } });
    expect(refused.status).toBe(403);
    const unknown = await send(gateway, `/api/v1/models/${encodeURIComponent('no-such-model')}/update`, { token: gateway.admin.token, body: { access: 'admins' } });
    expect(unknown.status).toBe(404);
    const bad = await send(gateway, `/api/v1/models/${encodeURIComponent('qwen3:8b')}/update`, { token: gateway.admin.token, body: { access: 'friends' } });
    expect(bad.status).toBe(400);
    expect(jsonOf<{ detail: string }>(bad).detail).toMatch(/^access: must be one of/);
  });

  it('settings survive a restart (they are read from the database)', async () => {
    const services = gateway.astra.services;
    const fresh = new ModelAccess(services.database.db, services.pubSub, false);
    await fresh.start();
    try {
      expect(fresh.settingOf('llama3.2:latest')).toEqual({ modelId: 'llama3.2:latest', access: 'users', userIds: [gateway.user.id] });
      expect(fresh.canUse({ id: gateway.user.id, role: 'user' }, 'llama3.2:latest')).toBe(true);
      expect(fresh.canUse({ id: 'someone-else', role: 'user' }, 'llama3.2:latest')).toBe(false);
    } finally {
      await fresh.stop();
    }
  });

  it('pending accounts get 403 and requests without a token 401, on every route', async () => {
    for (const route of [...modelRoutes.map((entry) => ({ path: entry.path, body: entry.body as unknown })), ...['/api/models', '/ollama/api/tags', '/openai/models', '/ollama/api/ps', '/ollama/api/version'].map((path) => ({ path, body: undefined as unknown }))]) {
      const pending = await send(gateway, route.path, { token: gateway.pending.token, body: route.body });
      expect({ path: route.path, status: pending.status, code: jsonOf(pending).code }).toEqual({ path: route.path, status: 403, code: 'account_pending' });
      const anonymous = await send(gateway, route.path, { body: route.body });
      expect({ path: route.path, status: anonymous.status, code: jsonOf(anonymous).code }).toEqual({ path: route.path, status: 401, code: 'unauthenticated' });
    }
  });
});

describe('BYPASS_MODEL_ACCESS_CONTROL=true', () => {
  it('lets every user use every model, whatever the settings say', async () => {
    const gateway = await startGateway({ env: { BYPASS_MODEL_ACCESS_CONTROL: 'true' } });
    try {
      await send(gateway, '/api/models', { token: gateway.admin.token });
      for (const id of restricted) {
        expect((await send(gateway, `/api/v1/models/${encodeURIComponent(id)}/update`, { token: gateway.admin.token, body: { access: 'admins' } })).status).toBe(200);
      }
      await expectAllowed(gateway, gateway.user.token);
      // Still no way in without an approved account.
      expect((await send(gateway, '/api/chat/completions', { token: gateway.pending.token, body: { model: 'qwen3:8b', messages } })).status).toBe(403);
    } finally {
      await gateway.close();
    }
  });
});
