import type { Pool } from 'undici';

/** A password any reasonable policy accepts; the accounts live only in a temporary data dir. */
const benchPassword = 'Bench-Password-7f3k-Quokka!';

/** Signs up a new account and returns its session token. */
export async function signUp(http: Pool, name: string): Promise<string> {
  const email = `${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${Date.now()}@example.com`;
  const response = await http.request({
    method: 'POST',
    path: '/api/v1/auths/signup',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, email, password: benchPassword }),
  });
  const text = await response.body.text();
  if (response.statusCode !== 200) throw new Error(`sign-up answered ${response.statusCode}: ${text.slice(0, 300)}`);
  const body = JSON.parse(text) as { token?: unknown };
  if (typeof body.token !== 'string' || body.token === '') throw new Error(`sign-up returned no token: ${text.slice(0, 300)}`);
  return body.token;
}

/** Checks that the token authenticates GET /api/v1/auths/, so the load test measures real work, not 401s. */
export async function assertTokenWorks(http: Pool, token: string): Promise<void> {
  const response = await http.request({ method: 'GET', path: '/api/v1/auths/', headers: { authorization: `Bearer ${token}` } });
  const text = await response.body.text();
  if (response.statusCode !== 200) throw new Error(`GET /api/v1/auths/ with the new token answered ${response.statusCode}: ${text.slice(0, 300)}`);
}
