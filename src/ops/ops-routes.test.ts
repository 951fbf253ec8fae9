import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/support/test-app';

describe('operations routes', () => {
  let astra: TestApp;
  afterEach(async () => astra?.close());

  it('serves /health, /health/db and /ready, each with security headers', async () => {
    astra = await createTestApp();
    for (const url of ['/health', '/health/db', '/ready']) {
      const response = await astra.app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(200);
      expect(response.json()).toEqual({ status: true });
      const csp = String(response.headers['content-security-policy']);
      expect(csp).toContain("object-src 'none'");
      expect(csp).toContain("base-uri 'none'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
    }
  });

  it('answers unknown routes with a 404 in the error shape, with the headers too', async () => {
    astra = await createTestApp();
    const response = await astra.app.inject({ method: 'GET', url: '/api/v1/nothing-here?x=1' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ detail: 'No route for GET /api/v1/nothing-here', code: 'not_found' });
    expect(response.headers['x-content-type-options']).toBe('nosniff');
  });

  it('reports /ready and /health/db as 503 naming the store when the database is gone', async () => {
    astra = await createTestApp();
    await astra.services.database.close();
    const ready = await astra.app.inject({ method: 'GET', url: '/ready' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json().detail).toMatch(/database/i);
    expect((await astra.app.inject({ method: 'GET', url: '/health/db' })).statusCode).toBe(503);
    // Liveness touches nothing.
    expect((await astra.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
  });

  it('serves the public bootstrap config, with onboarding until the first account exists', async () => {
    astra = await createTestApp({ env: { WEBUI_NAME: 'Team Chat', ENABLE_SIGNUP: 'false' } });
    const before = (await astra.app.inject({ method: 'GET', url: '/api/config' })).json();
    expect(before).toMatchObject({ status: true, name: 'Team Chat', onboarding: true, features: { auth: true, enable_signup: false } });
    expect(before.version).toMatch(/^\d+\.\d+\.\d+/);
    await astra.services.auth.accounts.addUser({ name: 'A', email: 'a@example.com', password: 'password a', role: 'admin' });
    expect((await astra.app.inject({ method: 'GET', url: '/api/config' })).json().onboarding).toBe(false);
  });

  it('accepts paths with or without the trailing slash', async () => {
    astra = await createTestApp();
    const user = await astra.signUp();
    expect((await astra.call('GET', '/api/v1/auths', user.token)).statusCode).toBe(200);
    expect((await astra.call('GET', '/api/v1/auths/', user.token)).statusCode).toBe(200);
  });
});
