import { afterEach, describe, expect, it } from 'vitest';
import { backendVariants, createTestApp, type TestApp } from '../../test/support/test-app';

describe.each(backendVariants)('first admin ($name)', (variant) => {
  const apps: TestApp[] = [];
  afterEach(async () => {
    for (const app of apps.reverse()) await app.close();
    apps.length = 0;
  });

  it('makes exactly one admin when 20 sign-ups race on an empty database, across two processes', async () => {
    const first = await createTestApp({ ...variant, env: { DEFAULT_USER_ROLE: 'user' } });
    apps.push(first);
    // A second app on the same storage stands for a second process (its own pools and caches).
    const second = await createTestApp({ ...variant, shareWith: first, env: { DEFAULT_USER_ROLE: 'user' } });
    apps.push(second);
    const signUps = Array.from({ length: 20 }, (_, index) =>
      (index % 2 === 0 ? first : second).call('POST', '/api/v1/auths/signup', undefined, {
        name: `Racer ${index}`,
        email: `racer${index}@example.com`,
        password: 'racing password',
      }),
    );
    const responses = await Promise.all(signUps);
    expect(responses.map((response) => response.statusCode)).toEqual(Array(20).fill(200));
    const roles = responses.map((response) => response.json().role as string);
    expect(roles.filter((role) => role === 'admin')).toHaveLength(1);
    expect(roles.filter((role) => role === 'user')).toHaveLength(19);
    expect(await first.services.auth.users.countAdmins()).toBe(1);
  });
});
