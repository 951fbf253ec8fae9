import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/support/test-app';

describe('cookie sessions and CSRF', () => {
  let astra: TestApp;
  afterEach(async () => astra?.close());

  it('reads the session from the cookie, and refuses cookie-authenticated changes from another site', async () => {
    astra = await createTestApp();
    const user = await astra.signUp({ password: 'cookie password' });
    const cookies = { token: user.token };
    const read = await astra.app.inject({ method: 'GET', url: '/api/v1/auths/', cookies });
    expect(read.statusCode).toBe(200);

    const body = { password: 'cookie password', new_password: 'another password' };
    const bare = await astra.app.inject({ method: 'POST', url: '/api/v1/auths/update/password', cookies, payload: body });
    expect(bare.statusCode).toBe(403);
    expect(bare.json().code).toBe('csrf_failed');
    const foreign = await astra.app.inject({
      method: 'POST',
      url: '/api/v1/auths/update/password',
      cookies,
      headers: { origin: 'https://evil.example', host: 'astra.local' },
      payload: body,
    });
    expect(foreign.statusCode).toBe(403);

    const sameOrigin = await astra.app.inject({
      method: 'POST',
      url: '/api/v1/auths/api_key',
      cookies,
      headers: { origin: 'http://astra.local', host: 'astra.local' },
    });
    expect(sameOrigin.statusCode).toBe(200);
    const sameReferer = await astra.app.inject({
      method: 'POST',
      url: '/api/v1/auths/api_key',
      cookies,
      headers: { referer: 'http://astra.local/c/123', host: 'astra.local' },
    });
    expect(sameReferer.statusCode).toBe(200);
    const customHeader = await astra.app.inject({ method: 'DELETE', url: '/api/v1/auths/api_key', cookies, headers: { 'x-requested-with': 'fetch' } });
    expect(customHeader.statusCode).toBe(200);
    // A bearer token is not sent by browsers on their own, so it needs no CSRF check.
    expect((await astra.call('POST', '/api/v1/auths/api_key', user.token)).statusCode).toBe(200);
  });

  it('marks the cookie Secure when the request came over HTTPS through a trusted proxy', async () => {
    astra = await createTestApp();
    const response = await astra.app.inject({
      method: 'POST',
      url: '/api/v1/auths/signup',
      remoteAddress: '127.0.0.1',
      headers: { 'x-forwarded-proto': 'https' },
      payload: { name: 'S', email: 's@example.com', password: 'secure enough' },
    });
    expect(response.statusCode).toBe(200);
    expect(String(response.headers['set-cookie'])).toMatch(/; Secure/);
  });
});
