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

  it("counts the database's writes: statements and committed transactions", async () => {
    astra = await createTestApp();
    const admin = await astra.signUp();
    const scrape = async (): Promise<{ statements: number; transactions: number }> => {
      const text = (await astra.call('GET', '/metrics', admin.token)).body;
      const value = (name: string): number => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(text)?.[1]);
      return { statements: value('astra_database_write_statements_total'), transactions: value('astra_database_transactions_total') };
    };
    const { writes } = astra.services.database;
    const before = await scrape();
    // The migrations and the sign-up wrote; the scrape shows the database's own counts (background
    // work may add to them at any time, hence ≤).
    expect(before.statements).toBeGreaterThan(0);
    expect(before.transactions).toBeGreaterThan(0);
    expect(before.statements).toBeLessThanOrEqual(writes.statements);
    expect(before.transactions).toBeLessThanOrEqual(writes.transactions);
    const counted = { ...writes };
    await astra.services.database.db.transaction().execute(async (transaction) => {
      await transaction.insertInto('app_state').values({ key: 'metrics-test', value: '1', updated_at: 1 }).execute();
      await transaction.updateTable('app_state').set({ value: '2' }).where('key', '=', 'metrics-test').execute();
    });
    expect(writes.statements - counted.statements).toBeGreaterThanOrEqual(2);
    expect(writes.transactions - counted.transactions).toBeGreaterThanOrEqual(1);
    const after = await scrape();
    expect(after.statements).toBeGreaterThanOrEqual(counted.statements + 2);
    expect(after.transactions).toBeGreaterThanOrEqual(counted.transactions + 1);
    expect(after.statements).toBeLessThanOrEqual(writes.statements);
  });
});
