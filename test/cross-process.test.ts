import { afterEach, describe, expect, it } from 'vitest';
import { postgresUrl, redisUrl } from './support/backends';
import { createTestApp, type TestApp } from './support/test-app';

/** Waits until `check` passes, up to `withinMs`; returns how long it took. */
async function within(withinMs: number, check: () => Promise<boolean>): Promise<number> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > withinMs) throw new Error(`not true within ${withinMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return Date.now() - start;
}

// Without Redis, changes travel through the database itself (SQLite file or PostgreSQL).
const variants = [
  { name: 'sqlite', kind: 'sqlite' as const, redis: false },
  ...(postgresUrl ? [{ name: 'postgres', kind: 'postgres' as const, redis: false }] : []),
  ...(postgresUrl && redisUrl ? [{ name: 'postgres+redis', kind: 'postgres' as const, redis: true }] : []),
  ...(redisUrl ? [{ name: 'sqlite+redis', kind: 'sqlite' as const, redis: true }] : []),
];

describe.each(variants)('changes reach other processes within 1 s ($name)', (variant) => {
  const apps: TestApp[] = [];
  afterEach(async () => {
    for (const app of apps.reverse()) await app.close();
    apps.length = 0;
  });

  it('sign-out, demotion, password change and deletion in one process apply in the other', async () => {
    const one = await createTestApp({ ...variant, env: { WORKERS: '2' } });
    apps.push(one);
    const two = await createTestApp({ ...variant, shareWith: one, env: { WORKERS: '2' } });
    apps.push(two);
    const admin = await one.signUp();
    const other = await one.signUp({ email: 'other@example.com', password: 'other password' });
    await one.call('POST', `/api/v1/users/${other.id}/update`, admin.token, { role: 'admin' });
    // Process two caches both sessions.
    expect((await two.call('GET', '/api/v1/users/', other.token)).statusCode).toBe(200);
    const laptop = (await two.signIn('other@example.com', 'other password')).json().token as string;
    expect((await two.call('GET', '/api/v1/auths/', laptop)).statusCode).toBe(200);

    await one.call('POST', `/api/v1/users/${other.id}/update`, admin.token, { role: 'user' });
    await within(1000, async () => (await two.call('GET', '/api/v1/users/', other.token)).statusCode === 403);

    await one.call('POST', '/api/v1/auths/signout', other.token);
    await within(1000, async () => (await two.call('GET', '/api/v1/auths/', other.token)).statusCode === 401);

    await one.call('POST', `/api/v1/users/${other.id}/update`, admin.token, { password: 'reset by admin' });
    await within(1000, async () => (await two.call('GET', '/api/v1/auths/', laptop)).statusCode === 401);

    const third = await two.signUp();
    expect((await two.call('GET', '/api/v1/auths/', third.token)).statusCode).toBe(200);
    await one.call('POST', `/api/v1/users/${third.id}/update`, admin.token, { role: 'user' });
    await one.call('DELETE', `/api/v1/users/${third.id}`, admin.token);
    await within(1000, async () => (await two.call('GET', '/api/v1/auths/', third.token)).statusCode === 401);
  });
});
