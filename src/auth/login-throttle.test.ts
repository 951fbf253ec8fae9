import { afterEach, describe, expect, it } from 'vitest';
import { backendVariants, createTestApp, type TestApp } from '../../test/support/test-app';

function signInFrom(astra: TestApp, address: string, email: string, password: string) {
  return astra.app.inject({ method: 'POST', url: '/api/v1/auths/signin', remoteAddress: address, payload: { email, password } });
}

describe.each(backendVariants)('login throttling ($name)', (variant) => {
  let astra: TestApp;
  afterEach(async () => astra?.close());

  it('answers 429 with Retry-After after 10 failures for one account from one address', async () => {
    astra = await createTestApp(variant);
    await astra.signUp({ email: 'victim@example.com', password: 'the real password' });
    for (let attempt = 1; attempt <= 10; attempt += 1) {
      expect((await signInFrom(astra, '203.0.113.7', 'victim@example.com', `guess ${attempt}`)).statusCode).toBe(400);
    }
    const blocked = await signInFrom(astra, '203.0.113.7', 'victim@example.com', 'the real password');
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json().code).toBe('too_many_requests');
    const retryAfter = Number(blocked.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(14 * 60);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    // The owner signing in from elsewhere is not locked out.
    expect((await signInFrom(astra, '198.51.100.9', 'victim@example.com', 'the real password')).statusCode).toBe(200);
  });

  it('a success clears the account counter', async () => {
    astra = await createTestApp(variant);
    await astra.signUp({ email: 'typo@example.com', password: 'the real password' });
    for (let attempt = 1; attempt <= 9; attempt += 1) await signInFrom(astra, '203.0.113.8', 'typo@example.com', 'typo typo');
    expect((await signInFrom(astra, '203.0.113.8', 'typo@example.com', 'the real password')).statusCode).toBe(200);
    for (let attempt = 1; attempt <= 9; attempt += 1) {
      expect((await signInFrom(astra, '203.0.113.8', 'typo@example.com', 'typo typo')).statusCode).toBe(400);
    }
  });

  it('answers 429 after 100 failures from one address across accounts, for a day', { timeout: 60_000 }, async () => {
    astra = await createTestApp(variant);
    const attempts = Array.from({ length: 100 }, (_, index) => signInFrom(astra, '203.0.113.9', `spray${index}@example.com`, 'password1'));
    const answers = await Promise.all(attempts);
    expect(answers.map((answer) => answer.statusCode)).toEqual(Array(100).fill(400));
    const blocked = await signInFrom(astra, '203.0.113.9', 'someone-else@example.com', 'password1');
    expect(blocked.statusCode).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(23 * 3600);
    expect((await signInFrom(astra, '203.0.113.10', 'someone-else@example.com', 'password1')).statusCode).toBe(400);
  });
});
