import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/support/test-app';

describe('GET /metrics', () => {
  let astra: TestApp;
  afterEach(async () => astra?.close());

  it('serves Prometheus text to admins and to the METRICS_TOKEN bearer only', async () => {
    astra = await createTestApp({ env: { METRICS_TOKEN: 'scrape-token-123', DEFAULT_USER_ROLE: 'user' } });
    const admin = await astra.signUp();
    const user = await astra.signUp();
    const byAdmin = await astra.call('GET', '/metrics', admin.token);
    expect(byAdmin.statusCode).toBe(200);
    expect(byAdmin.headers['content-type']).toMatch(/^text\/plain/);
    expect(byAdmin.body).toMatch(/^nodejs_eventloop_lag_p99_seconds \d/m);
    expect(byAdmin.body).toMatch(/^process_resident_memory_bytes \d/m);
    expect((await astra.call('GET', '/metrics', 'scrape-token-123')).statusCode).toBe(200);
    expect((await astra.call('GET', '/metrics', user.token)).statusCode).toBe(403);
    expect((await astra.call('GET', '/metrics', 'scrape-token-124')).statusCode).toBe(403);
    expect((await astra.call('GET', '/metrics', undefined)).statusCode).toBe(401);
  });
});
