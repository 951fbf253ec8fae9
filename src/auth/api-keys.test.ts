import { afterEach, describe, expect, it } from 'vitest';
import { backendVariants, createTestApp, type TestApp } from '../../test/support/test-app';

describe.each(backendVariants)('API keys ($name)', (variant) => {
  let astra: TestApp;
  afterEach(async () => astra?.close());

  it('creates a key shown once, authenticates with it, shows only a hint, and deleting it ends it', async () => {
    astra = await createTestApp(variant);
    const user = await astra.signUp();
    expect((await astra.call('GET', '/api/v1/auths/api_key', user.token)).statusCode).toBe(404);
    const created = await astra.call('POST', '/api/v1/auths/api_key', user.token);
    expect(created.statusCode).toBe(200);
    const key = created.json().api_key as string;
    expect(key).toMatch(/^sk-[0-9a-f]{48}$/); // 192 random bits

    const me = await astra.call('GET', '/api/v1/auths/', key);
    expect(me.statusCode).toBe(200);
    expect(me.json().id).toBe(user.id);
    const shown = await astra.call('GET', '/api/v1/auths/api_key', user.token);
    expect(shown.json().api_key).toBe(`${key.slice(0, 7)}…${key.slice(-4)}`);
    expect(JSON.stringify(await astra.services.database.db.selectFrom('api_keys').selectAll().execute())).not.toContain(key);

    // A new key replaces the old one.
    const replaced = (await astra.call('POST', '/api/v1/auths/api_key', user.token)).json().api_key as string;
    expect((await astra.call('GET', '/api/v1/auths/', key)).statusCode).toBe(401);
    expect((await astra.call('GET', '/api/v1/auths/', replaced)).statusCode).toBe(200);
    expect((await astra.call('DELETE', '/api/v1/auths/api_key', user.token)).statusCode).toBe(200);
    expect((await astra.call('GET', '/api/v1/auths/', replaced)).statusCode).toBe(401);
  });

  it('refuses keys when ENABLE_API_KEYS=false', async () => {
    astra = await createTestApp({ ...variant, env: { ENABLE_API_KEYS: 'false' } });
    const user = await astra.signUp();
    const refused = await astra.call('POST', '/api/v1/auths/api_key', user.token);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe('api_keys_disabled');
    const used = await astra.call('GET', '/api/v1/auths/', `sk-${'0'.repeat(48)}`);
    expect(used.statusCode).toBe(403);
    expect(used.json().detail).toMatch(/ENABLE_API_KEYS=false/);
  });
});
