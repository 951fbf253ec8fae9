import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../test/support/gateway';
import { backendVariants, createTestApp, type TestApp } from '../../test/support/test-app';

const path = '/api/v1/auths/admin/config';

async function publicSignupSwitch(astra: TestApp): Promise<boolean> {
  return (await astra.app.inject({ method: 'GET', url: '/api/config' })).json().features.enable_signup as boolean;
}

function signUpAttempt(astra: TestApp, email: string): ReturnType<TestApp['call']> {
  return astra.call('POST', '/api/v1/auths/signup', undefined, { name: 'Someone', email, password: 'correct horse battery' });
}

describe.each(backendVariants)('admin config: sign-up switch and default role ($name)', (variant) => {
  const apps: TestApp[] = [];
  afterEach(async () => {
    for (const app of apps.reverse()) await app.close();
    apps.length = 0;
  });

  async function start(options: Parameters<typeof createTestApp>[0] = {}): Promise<TestApp> {
    const astra = await createTestApp({ ...variant, ...options });
    apps.push(astra);
    return astra;
  }

  it('is for admins only: 403 for a user or a pending account, 401 without a session', async () => {
    const astra = await start({ env: { DEFAULT_USER_ROLE: 'user' } });
    await astra.signUp();
    const user = await astra.signUp();
    expect(user.role).toBe('user');
    for (const [method, body] of [['GET', undefined], ['POST', { ENABLE_SIGNUP: false }]] as const) {
      const refused = await astra.call(method, path, user.token, body);
      expect(refused.statusCode).toBe(403);
      expect(refused.json().code).toBe('forbidden');
      expect((await astra.call(method, path, undefined, body)).statusCode).toBe(401);
    }
    await astra.services.auth.settings.update({ defaultUserRole: 'pending' });
    const pending = await astra.signUp();
    expect((await astra.call('GET', path, pending.token)).statusCode).toBe(403);
    // Nothing was changed by the refused requests.
    expect(await publicSignupSwitch(astra)).toBe(true);
  });

  it('answers with the environment’s values until an administrator sets them', async () => {
    const astra = await start({ env: { DEFAULT_USER_ROLE: 'user' } });
    const admin = await astra.signUp();
    const response = await astra.call('GET', path, admin.token);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ ENABLE_SIGNUP: true, DEFAULT_USER_ROLE: 'user' });
  });

  it('validates the body: a 400 naming the field', async () => {
    const astra = await start();
    const admin = await astra.signUp();
    const cases: Array<[unknown, RegExp]> = [
      [{ ENABLE_SIGNUP: 'no' }, /^ENABLE_SIGNUP: must be a boolean/],
      [{ DEFAULT_USER_ROLE: 'guest' }, /^DEFAULT_USER_ROLE: must be one of "admin", "user", "pending"/],
      [{ DEFAULT_USER_ROLE: null }, /^DEFAULT_USER_ROLE: /],
      [{ ENABLE_SIGNUPS: false }, /unknown field ENABLE_SIGNUPS/],
      [[true], /body: /],
    ];
    for (const [body, detail] of cases) {
      const response = await astra.call('POST', path, admin.token, body);
      expect({ body, status: response.statusCode }).toEqual({ body, status: 400 });
      expect(response.json().code).toBe('invalid_request');
      expect(response.json().detail).toMatch(detail);
    }
    expect((await astra.call('GET', path, admin.token)).json()).toEqual({ ENABLE_SIGNUP: true, DEFAULT_USER_ROLE: 'pending' });
  });

  it('accepts Open WebUI’s whole admin-config form, applying the two fields it knows', async () => {
    const astra = await start();
    const admin = await astra.signUp();
    const form = {
      SHOW_ADMIN_DETAILS: true,
      WEBUI_URL: 'http://localhost:8080',
      ENABLE_SIGNUP: true,
      ENABLE_API_KEY: true,
      ENABLE_API_KEY_ENDPOINT_RESTRICTIONS: false,
      API_KEY_ALLOWED_ENDPOINTS: '',
      DEFAULT_USER_ROLE: 'user',
      JWT_EXPIRES_IN: '-1',
      ENABLE_COMMUNITY_SHARING: true,
      ENABLE_MESSAGE_RATING: true,
      ENABLE_CHANNELS: false,
      ENABLE_NOTES: true,
      ENABLE_USER_WEBHOOKS: false,
      PENDING_USER_OVERLAY_TITLE: null,
      PENDING_USER_OVERLAY_CONTENT: null,
      RESPONSE_WATERMARK: null,
    };
    const response = await astra.call('POST', path, admin.token, form);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ ENABLE_SIGNUP: true, DEFAULT_USER_ROLE: 'user' });
    // One field alone changes that field only.
    expect((await astra.call('POST', path, admin.token, { ENABLE_SIGNUP: false })).json()).toEqual({ ENABLE_SIGNUP: false, DEFAULT_USER_ROLE: 'user' });
  });

  it('applies at once: sign-up is refused right after switching it off, and new accounts get the new role', async () => {
    const astra = await start();
    const admin = await astra.signUp();
    expect(await publicSignupSwitch(astra)).toBe(true);

    const off = await astra.call('POST', path, admin.token, { ENABLE_SIGNUP: false });
    expect(off.json()).toEqual({ ENABLE_SIGNUP: false, DEFAULT_USER_ROLE: 'pending' });
    const refused = await signUpAttempt(astra, 'late@example.com');
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe('signup_disabled');
    expect(await publicSignupSwitch(astra)).toBe(false);
    // An administrator still adds accounts.
    expect((await astra.call('POST', '/api/v1/auths/add', admin.token, { name: 'Added', email: 'added@example.com', password: 'long enough pass', role: 'user' })).statusCode).toBe(200);

    await astra.call('POST', path, admin.token, { ENABLE_SIGNUP: true, DEFAULT_USER_ROLE: 'user' });
    expect(await publicSignupSwitch(astra)).toBe(true);
    const welcome = await signUpAttempt(astra, 'welcome@example.com');
    expect(welcome.statusCode).toBe(200);
    expect(welcome.json().role).toBe('user');
  });

  it('is stored: a process started later keeps the administrator’s values over the environment’s', async () => {
    const first = await start({ env: { ENABLE_SIGNUP: 'true', DEFAULT_USER_ROLE: 'pending' } });
    const admin = await first.signUp();
    await first.call('POST', path, admin.token, { ENABLE_SIGNUP: false, DEFAULT_USER_ROLE: 'user' });

    // A restart: a new process on the same storage, whose environment still says otherwise.
    const restarted = await start({ shareWith: first, env: { ENABLE_SIGNUP: 'true', DEFAULT_USER_ROLE: 'pending' } });
    expect((await restarted.call('GET', path, admin.token)).json()).toEqual({ ENABLE_SIGNUP: false, DEFAULT_USER_ROLE: 'user' });
    expect(await publicSignupSwitch(restarted)).toBe(false);
    expect((await signUpAttempt(restarted, 'after-restart@example.com')).statusCode).toBe(403);
  });

  it('another process sees a change: its sign-up refuses at once, its public config follows', async () => {
    const first = await start();
    const admin = await first.signUp();
    const second = await start({ shareWith: first });
    expect(await publicSignupSwitch(second)).toBe(true);

    await first.call('POST', path, admin.token, { ENABLE_SIGNUP: false });
    // Sign-up reads the stored switch itself, so there is no moment in which the other process lets anyone in.
    expect((await signUpAttempt(second, 'racer@example.com')).statusCode).toBe(403);
    await waitFor(async () => (await publicSignupSwitch(second)) === false, 5000, 'the other process to hear of the change');

    await second.call('POST', path, admin.token, { ENABLE_SIGNUP: true, DEFAULT_USER_ROLE: 'user' });
    const accepted = await signUpAttempt(first, 'back@example.com');
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json().role).toBe('user');
    await waitFor(async () => await publicSignupSwitch(first), 5000, 'the first process to hear of the change');
    expect(first.services.auth.settings.current()).toEqual({ enableSignup: true, defaultUserRole: 'user' });
  });

  it('the first account is still the administrator when new accounts get another role', async () => {
    const astra = await start({ env: { DEFAULT_USER_ROLE: 'pending' } });
    await astra.services.auth.settings.update({ defaultUserRole: 'user' });
    const first = await astra.signUp();
    expect(first.role).toBe('admin');
    expect((await astra.signUp()).role).toBe('user');
  });
});
