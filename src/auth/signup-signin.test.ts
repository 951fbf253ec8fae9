import { afterEach, describe, expect, it } from 'vitest';
import { backendVariants, createTestApp, type TestApp } from '../../test/support/test-app';

describe.each(backendVariants)('sign-up and sign-in ($name)', (variant) => {
  let astra: TestApp;
  afterEach(async () => astra?.close());

  it('signs up: first account is admin, later ones get DEFAULT_USER_ROLE, cookie is HttpOnly+Lax', async () => {
    astra = await createTestApp({ ...variant, env: { DEFAULT_USER_ROLE: 'user' } });
    const response = await astra.call('POST', '/api/v1/auths/signup', undefined, {
      name: 'Ada',
      email: '  Ada@Example.COM ',
      password: 'correct horse battery',
    });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({ token_type: 'Bearer', email: 'ada@example.com', name: 'Ada', role: 'admin' });
    expect(body.token).toMatch(/^[A-Za-z0-9_-]{43}$/); // 256 bits, base64url
    expect(body.expires_at).toBeGreaterThan(Date.now() / 1000 + 27 * 24 * 3600); // default 4 weeks
    expect(body).not.toHaveProperty('password_hash');
    const cookie = String(response.headers['set-cookie']);
    expect(cookie).toMatch(/^token=[A-Za-z0-9_-]{43};/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).not.toMatch(/Secure/); // plain HTTP here

    const second = await astra.signUp();
    expect(second.role).toBe('user');
    const me = await astra.call('GET', '/api/v1/auths/', body.token);
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ id: body.id, email: 'ada@example.com', role: 'admin' });
  });

  it('gives later accounts the pending role by default, and pending accounts can only read themselves and sign out', async () => {
    astra = await createTestApp(variant);
    const admin = await astra.signUp();
    const pending = await astra.signUp();
    expect(pending.role).toBe('pending');
    expect((await astra.call('GET', '/api/v1/auths/', pending.token)).statusCode).toBe(200);
    const refused = await astra.call('POST', '/api/v1/auths/api_key', pending.token);
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toEqual({ detail: expect.stringMatching(/waiting for an administrator/), code: 'account_pending' });
    expect((await astra.call('GET', '/api/v1/users/', pending.token)).statusCode).toBe(403);
    expect((await astra.call('POST', '/api/v1/auths/signout', pending.token)).statusCode).toBe(200);
    expect((await astra.call('GET', '/api/v1/users/', admin.token)).statusCode).toBe(200);
  });

  it('refuses sign-up with 403 when ENABLE_SIGNUP=false', async () => {
    astra = await createTestApp({ ...variant, env: { ENABLE_SIGNUP: 'false' } });
    const response = await astra.call('POST', '/api/v1/auths/signup', undefined, { name: 'A', email: 'a@example.com', password: 'long enough' });
    expect(response.statusCode).toBe(403);
    expect(response.json().code).toBe('signup_disabled');
  });

  it('signs in with a fresh token each time; wrong password or unknown email is one 400', async () => {
    astra = await createTestApp(variant);
    const user = await astra.signUp({ email: 'bo@example.com', password: 'bo password 1' });
    const first = await astra.signIn('BO@example.com', 'bo password 1');
    const second = await astra.signIn('bo@example.com', 'bo password 1');
    expect(first.statusCode).toBe(200);
    expect(second.statusCode).toBe(200);
    const tokens = new Set([user.token, first.json().token, second.json().token]);
    expect(tokens.size).toBe(3);
    for (const token of tokens) expect((await astra.call('GET', '/api/v1/auths/', token)).statusCode).toBe(200);

    const wrong = await astra.signIn('bo@example.com', 'not the password');
    const unknown = await astra.signIn('nobody@example.com', 'not the password');
    expect(wrong.statusCode).toBe(400);
    expect(unknown.statusCode).toBe(400);
    expect(wrong.json()).toEqual(unknown.json());
    expect(wrong.json().code).toBe('invalid_credentials');
  });

  it('refuses a second account with the same email, whatever its case', async () => {
    astra = await createTestApp(variant);
    await astra.signUp({ email: 'cy@example.com' });
    const again = await astra.call('POST', '/api/v1/auths/signup', undefined, { name: 'C', email: 'CY@example.com', password: 'long enough' });
    expect(again.statusCode).toBe(400);
    expect(again.json()).toEqual({ detail: 'An account with this email already exists', code: 'email_taken' });
  });
});

describe('sign-up and sign-in bad input', () => {
  let astra: TestApp;
  afterEach(async () => astra?.close());

  it('names the field and the limit, and saves nothing', async () => {
    astra = await createTestApp();
    const cases: Array<[unknown, RegExp]> = [
      [{ email: 'a@example.com', password: 'long enough' }, /^name: is required/],
      [{ name: 'A', email: 'not an email', password: 'long enough' }, /^email: must be a valid email address/],
      [{ name: 'A', email: 'a@example.com', password: 'short' }, /^password: must be 8 to 128 characters long \(got 5\)/],
      [{ name: 'A', email: 'a@example.com', password: 'x'.repeat(129) }, /^password: must be 8 to 128 characters long \(got 129\)/],
      [{ name: '', email: 'a@example.com', password: 'long enough' }, /^name: must be at least 1 characters long/],
      [{ name: 'A', email: 42, password: 'long enough' }, /^email: must be a string/],
      [[1, 2], /^body: must be an object/],
    ];
    for (const [body, message] of cases) {
      const response = await astra.call('POST', '/api/v1/auths/signup', undefined, body);
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(response.json().detail).toMatch(message);
      expect(response.json().code).toBe('invalid_request');
    }
    expect(await astra.services.auth.users.count()).toBe(0);
  });

  it('answers broken JSON with 400, a missing body with 400, and an oversized body with 413', async () => {
    astra = await createTestApp();
    const broken = await astra.app.inject({ method: 'POST', url: '/api/v1/auths/signin', headers: { 'content-type': 'application/json' }, payload: '{"email":' });
    expect(broken.statusCode).toBe(400);
    expect(broken.json().detail).toMatch(/^body: is not valid JSON/);
    const missing = await astra.app.inject({ method: 'POST', url: '/api/v1/auths/signin' });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().detail).toMatch(/^body: is required/);
    const huge = await astra.app.inject({
      method: 'POST',
      url: '/api/v1/auths/signup',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) }),
    });
    expect(huge.statusCode).toBe(413);
    expect(huge.json()).toEqual({ detail: 'Request body is larger than the limit of 1 MiB', code: 'payload_too_large' });
    const text = await astra.app.inject({ method: 'POST', url: '/api/v1/auths/signin', headers: { 'content-type': 'text/plain' }, payload: 'hi' });
    expect(text.statusCode).toBe(415);
  });
});
