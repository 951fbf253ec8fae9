import { afterEach, describe, expect, it } from 'vitest';
import { backendVariants, createTestApp, type TestApp } from '../../test/support/test-app';

describe.each(backendVariants)('sessions ($name)', (variant) => {
  let astra: TestApp;
  afterEach(async () => astra?.close());

  it('sign-out ends the session at once, by GET or POST, and clears the cookie', async () => {
    astra = await createTestApp(variant);
    const user = await astra.signUp({ email: 'so@example.com', password: 'password one' });
    const other = (await astra.signIn('so@example.com', 'password one')).json().token as string;
    const response = await astra.call('POST', '/api/v1/auths/signout', user.token);
    expect(response.statusCode).toBe(200);
    expect(String(response.headers['set-cookie'])).toMatch(/^token=;/);
    const after = await astra.call('GET', '/api/v1/auths/', user.token);
    expect(after.statusCode).toBe(401);
    expect(after.json().code).toBe('unauthenticated');
    // Only that session ended.
    expect((await astra.call('GET', '/api/v1/auths/', other)).statusCode).toBe(200);
    expect((await astra.call('GET', '/api/v1/auths/signout', other)).statusCode).toBe(200);
    expect((await astra.call('GET', '/api/v1/auths/', other)).statusCode).toBe(401);
  });

  it('a password change ends the other sessions and keeps this one', async () => {
    astra = await createTestApp(variant);
    const user = await astra.signUp({ email: 'pw@example.com', password: 'old password' });
    const laptop = (await astra.signIn('pw@example.com', 'old password')).json().token as string;
    const wrong = await astra.call('POST', '/api/v1/auths/update/password', user.token, { password: 'not it at all', new_password: 'new password' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().detail).toMatch(/^password: the current password is incorrect/);
    const short = await astra.call('POST', '/api/v1/auths/update/password', user.token, { password: 'old password', new_password: 'short' });
    expect(short.statusCode).toBe(400);
    expect(short.json().detail).toMatch(/^new_password: must be 8 to 128/);
    expect((await astra.call('GET', '/api/v1/auths/', laptop)).statusCode).toBe(200);

    const changed = await astra.call('POST', '/api/v1/auths/update/password', user.token, { password: 'old password', new_password: 'new password' });
    expect(changed.statusCode).toBe(200);
    expect((await astra.call('GET', '/api/v1/auths/', user.token)).statusCode).toBe(200);
    expect((await astra.call('GET', '/api/v1/auths/', laptop)).statusCode).toBe(401);
    expect((await astra.signIn('pw@example.com', 'old password')).statusCode).toBe(400);
    expect((await astra.signIn('pw@example.com', 'new password')).statusCode).toBe(200);
  });

  it('an expired session stops working', async () => {
    astra = await createTestApp({ ...variant, env: { JWT_EXPIRES_IN: '1s' } });
    const user = await astra.signUp();
    expect(user.expires_at).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 1);
    expect((await astra.call('GET', '/api/v1/auths/', user.token)).statusCode).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await astra.call('GET', '/api/v1/auths/', user.token)).statusCode).toBe(401);
  });

  it('answers 401 to no credentials, a malformed header and an unknown token', async () => {
    astra = await createTestApp(variant);
    expect((await astra.call('GET', '/api/v1/auths/', undefined)).json()).toEqual({
      detail: expect.stringMatching(/^Sign in first/),
      code: 'unauthenticated',
    });
    const malformed = await astra.app.inject({ method: 'GET', url: '/api/v1/auths/', headers: { authorization: 'Basic abc' } });
    expect(malformed.statusCode).toBe(401);
    expect((await astra.call('GET', '/api/v1/auths/', 'x'.repeat(43))).statusCode).toBe(401);
  });
});
