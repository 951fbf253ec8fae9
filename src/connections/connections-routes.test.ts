import { afterEach, describe, expect, it } from 'vitest';
import { backendVariants, createTestApp, type TestApp } from '../../test/support/test-app';

/** Starts without any connection from the environment. */
const noEnvironmentConnections = { ENABLE_OLLAMA_API: 'false', ENABLE_OPENAI_API: 'false' };

const longKey = 'sk-proj-ABCDEFGHIJKLMNOPQRSTUVWXYZ0123';

describe.each(backendVariants)('connection routes ($name)', (variant) => {
  let astra: TestApp;
  afterEach(async () => astra?.close());

  it('adds, edits, enables, disables and removes connections, applying each change at once', async () => {
    astra = await createTestApp({ ...variant, env: noEnvironmentConnections });
    const admin = await astra.signUp();
    const registry = astra.services.connections;
    let changes = 0;
    registry.onChange(() => (changes += 1));

    const added = await astra.call('POST', '/api/v1/connections', admin.token, { kind: 'ollama', base_url: 'http://gpu-box:11434/' });
    expect(added.statusCode).toBe(200);
    const ollama = added.json();
    expect(ollama).toEqual({
      id: expect.any(String),
      kind: 'ollama',
      name: 'gpu-box:11434',
      base_url: 'http://gpu-box:11434',
      api_key: '',
      has_api_key: false,
      enabled: true,
      prefix_id: '',
      position: 0,
    });
    expect(registry.get(ollama.id)).toMatchObject({ baseUrl: 'http://gpu-box:11434', enabled: true });
    expect(changes).toBe(1);

    const openai = (
      await astra.call('POST', '/api/v1/connections', admin.token, {
        kind: 'openai',
        base_url: 'https://api.example.com/v1',
        api_key: longKey,
        name: 'Example',
        prefix_id: 'ex',
        enabled: false,
      })
    ).json();
    expect(openai).toMatchObject({ name: 'Example', prefix_id: 'ex', enabled: false, position: 1, has_api_key: true });
    expect(registry.list().map((connection) => connection.id)).toEqual([ollama.id, openai.id]);
    expect(registry.enabled().map((connection) => connection.id)).toEqual([ollama.id]);

    const enabled = await astra.call('POST', `/api/v1/connections/${openai.id}/enable`, admin.token);
    expect(enabled.json().enabled).toBe(true);
    expect(registry.enabled()).toHaveLength(2);
    await astra.call('POST', `/api/v1/connections/${ollama.id}/disable`, admin.token);
    expect(registry.enabled().map((connection) => connection.id)).toEqual([openai.id]);
    await astra.call('POST', `/api/v1/connections/${ollama.id}/update`, admin.token, { enabled: true });
    expect(registry.get(ollama.id)?.enabled).toBe(true);

    const edited = await astra.call('POST', `/api/v1/connections/${ollama.id}/update`, admin.token, {
      base_url: 'http://other-box:11434',
      name: 'Other',
      prefix_id: 'o.1',
      position: 5,
    });
    expect(edited.json()).toMatchObject({ base_url: 'http://other-box:11434', name: 'Other', prefix_id: 'o.1', position: 5 });
    expect(registry.list().map((connection) => connection.id)).toEqual([openai.id, ollama.id]);
    // An empty name goes back to the host.
    expect((await astra.call('POST', `/api/v1/connections/${ollama.id}/update`, admin.token, { name: '' })).json().name).toBe('other-box:11434');

    const listed = await astra.call('GET', '/api/v1/connections', admin.token);
    expect(listed.json().connections.map((connection: { name: string }) => connection.name)).toEqual(['Example', 'other-box:11434']);

    const removed = await astra.call('DELETE', `/api/v1/connections/${ollama.id}`, admin.token);
    expect(removed.statusCode).toBe(200);
    expect(removed.json()).toBe(true);
    expect(registry.get(ollama.id)).toBeUndefined();
    expect((await astra.call('GET', '/api/v1/connections', admin.token)).json().connections).toHaveLength(1);
    expect((await astra.call('DELETE', `/api/v1/connections/${ollama.id}`, admin.token)).statusCode).toBe(404);
    expect(changes).toBeGreaterThanOrEqual(8);
  });

  it('never returns a key whole; leaving api_key out keeps it and an empty one removes it', async () => {
    astra = await createTestApp({ ...variant, env: noEnvironmentConnections });
    const admin = await astra.signUp();
    const bodies: string[] = [];
    const call = async (...args: Parameters<TestApp['call']>) => {
      const response = await astra.call(...args);
      bodies.push(response.body);
      return response;
    };

    const added = (await call('POST', '/api/v1/connections', admin.token, { kind: 'openai', base_url: 'https://api.example.com/v1', api_key: longKey })).json();
    expect(added.api_key).toBe('sk-…0123');
    expect((await call('GET', '/api/v1/connections', admin.token)).json().connections[0]).toMatchObject({ api_key: 'sk-…0123', has_api_key: true });

    const renamed = (await call('POST', `/api/v1/connections/${added.id}/update`, admin.token, { name: 'Renamed' })).json();
    expect(renamed).toMatchObject({ name: 'Renamed', api_key: 'sk-…0123', has_api_key: true });
    expect(astra.services.connections.get(added.id)?.apiKey).toBe(longKey);

    const short = (await call('POST', `/api/v1/connections/${added.id}/update`, admin.token, { api_key: 'short-key' })).json();
    expect(short.api_key).toBe('****');
    expect(astra.services.connections.get(added.id)?.apiKey).toBe('short-key');

    const cleared = (await call('POST', `/api/v1/connections/${added.id}/update`, admin.token, { api_key: '' })).json();
    expect(cleared).toMatchObject({ api_key: '', has_api_key: false });
    expect(astra.services.connections.get(added.id)?.apiKey).toBe('');

    await call('POST', `/api/v1/connections/${added.id}/update`, admin.token, { api_key: longKey });
    await call('POST', `/api/v1/connections/${added.id}/disable`, admin.token);
    await call('POST', `/api/v1/connections/${added.id}/enable`, admin.token);
    await call('GET', '/api/v1/connections', admin.token);
    expect(bodies).toHaveLength(9);
    for (const body of bodies) {
      expect(body).not.toContain(longKey);
      expect(body).not.toContain('short-key');
    }
  });

  it('refuses non-admins, and bad input with the field named', async () => {
    astra = await createTestApp({ ...variant, env: { ...noEnvironmentConnections, DEFAULT_USER_ROLE: 'user' } });
    const admin = await astra.signUp();
    const user = await astra.signUp();
    const id = (await astra.call('POST', '/api/v1/connections', admin.token, { kind: 'ollama', base_url: 'http://a:11434' })).json().id as string;

    const requests: Array<[method: 'GET' | 'POST' | 'DELETE', url: string, body?: unknown]> = [
      ['GET', '/api/v1/connections'],
      ['POST', '/api/v1/connections', { kind: 'ollama', base_url: 'http://b:11434' }],
      ['POST', `/api/v1/connections/${id}/update`, { name: 'x' }],
      ['POST', `/api/v1/connections/${id}/enable`],
      ['POST', `/api/v1/connections/${id}/disable`],
      ['POST', '/api/v1/connections/verify', { id }],
      ['DELETE', `/api/v1/connections/${id}`],
    ];
    for (const [method, url, body] of requests) {
      const asUser = await astra.call(method, url, user.token, body);
      expect(asUser.statusCode, `${method} ${url}`).toBe(403);
      expect((await astra.call(method, url, undefined, body)).statusCode, `${method} ${url}`).toBe(401);
    }
    expect(astra.services.connections.list()).toHaveLength(1);

    const detail = async (url: string, body: unknown): Promise<string> => {
      const response = await astra.call('POST', url, admin.token, body);
      expect(response.statusCode).toBe(400);
      expect(response.json().code).toBe('invalid_request');
      return response.json().detail as string;
    };
    expect(await detail('/api/v1/connections', { kind: 'ollama', base_url: 'ftp://a' })).toBe('base_url: must be an http(s) URL such as http://host:11434');
    expect(await detail('/api/v1/connections', { kind: 'ollama', base_url: 'not a url' })).toMatch(/^base_url: must be an http\(s\) URL/);
    expect(await detail('/api/v1/connections', { kind: 'ollama', base_url: 'http://user:secret@a:11434' })).toMatch(/^base_url: must not contain a user name or password/);
    expect(await detail('/api/v1/connections', { kind: 'ollama' })).toBe('base_url: is required');
    expect(await detail('/api/v1/connections', { kind: 'azure', base_url: 'http://a' })).toBe('kind: must be one of "ollama", "openai"');
    expect(await detail('/api/v1/connections', { kind: 'ollama', base_url: 'http://a', name: 'n'.repeat(101) })).toBe('name: must be at most 100 characters long');
    expect(await detail('/api/v1/connections', { kind: 'ollama', base_url: 'http://a', prefix_id: 'bad prefix!' })).toMatch(/^prefix_id: must be at most 32 letters/);
    expect(await detail('/api/v1/connections', { kind: 'ollama', base_url: 'http://a', prefix_id: 'p'.repeat(33) })).toMatch(/^prefix_id: /);
    expect(await detail('/api/v1/connections', { kind: 'ollama', base_url: 'http://a', enabled: 'yes' })).toBe('enabled: must be a boolean');
    expect(await detail('/api/v1/connections', { kind: 'ollama', base_url: 'http://a', is_default: true })).toMatch(/unknown field is_default/);
    expect(await detail(`/api/v1/connections/${id}/update`, { base_url: 'http//missing-colon' })).toMatch(/^base_url: /);
    expect(await detail(`/api/v1/connections/${id}/update`, { position: -1 })).toBe('position: must be at least 0');
    expect(await detail('/api/v1/connections/verify', { kind: 'ollama' })).toBe('base_url: is required');
    expect(await detail('/api/v1/connections/verify', { id, kind: 'ollama' })).toMatch(/unknown field kind/);
    expect(astra.services.connections.list()).toHaveLength(1);

    for (const [method, url, body] of [
      ['POST', '/api/v1/connections/no-such-id/update', { name: 'x' }],
      ['POST', '/api/v1/connections/no-such-id/enable', undefined],
      ['POST', '/api/v1/connections/no-such-id/disable', undefined],
      ['DELETE', '/api/v1/connections/no-such-id', undefined],
      ['POST', '/api/v1/connections/verify', { id: 'no-such-id' }],
    ] as const) {
      const response = await astra.call(method, url, admin.token, body);
      expect(response.statusCode, `${method} ${url}`).toBe(404);
      expect(response.json()).toEqual({ detail: 'Connection not found', code: 'not_found' });
    }
    // Ids longer than any real one are refused before the route runs.
    expect((await astra.call('DELETE', `/api/v1/connections/${'x'.repeat(101)}`, admin.token)).statusCode).toBe(414);
  });
});
