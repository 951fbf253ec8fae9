import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/support/test-app';

describe('request logging', () => {
  let astra: TestApp;
  afterEach(async () => astra?.close());

  it('logs one line per request with a request id, never a password, token or key, and never /health', async () => {
    const lines: string[] = [];
    astra = await createTestApp({ logLines: lines });
    const user = await astra.signUp({ email: 'log@example.com', password: 'secret password one' });
    const signedIn = (await astra.signIn('log@example.com', 'secret password one')).json().token as string;
    await astra.call('POST', '/api/v1/auths/update/password', user.token, { password: 'secret password one', new_password: 'secret password two' });
    const key = (await astra.call('POST', '/api/v1/auths/api_key', user.token)).json().api_key as string;
    await astra.call('GET', '/api/v1/auths/', key);
    await astra.app.inject({ method: 'GET', url: '/api/v1/auths/', headers: { cookie: `token=${signedIn}` } });
    await astra.app.inject({ method: 'GET', url: '/health' });
    await new Promise((resolve) => setTimeout(resolve, 50));

    const all = lines.join('');
    for (const secret of ['secret password one', 'secret password two', user.token, signedIn, key]) expect(all).not.toContain(secret);
    const requests = lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.msg === 'request');
    expect(requests.map((line) => `${String(line.method)} ${String(line.path)} ${String(line.status)}`)).toEqual([
      'POST /api/v1/auths/signup 200',
      'POST /api/v1/auths/signin 200',
      'POST /api/v1/auths/update/password 200',
      'POST /api/v1/auths/api_key 200',
      'GET /api/v1/auths/ 200',
      'GET /api/v1/auths/ 401',
    ]);
    // The process's random prefix and a counter: one id per request, never repeated.
    for (const line of requests) expect(line.reqId).toMatch(/^[0-9a-f]{8}-[0-9a-z]+$/);
    expect(new Set(requests.map((line) => line.reqId)).size).toBe(requests.length);
  });
});
