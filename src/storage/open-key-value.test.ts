import { afterAll, beforeAll, describe, it, expect } from 'vitest';
import { cleanupRedisPrefix, createTestDatabase, redisUrl, testRedisPrefix, type TestDatabase } from '../../test/support/backends';
import { openDatabase } from './open-database';
import { openKeyValue } from './open-key-value';
import type { Database } from './types';

const pool = { size: 1, maxOverflow: 1, timeoutSeconds: 5, recycleSeconds: 3600 };

describe('openKeyValue', () => {
  let testDatabase: TestDatabase;
  let database: Database;

  beforeAll(async () => {
    testDatabase = await createTestDatabase('sqlite');
    database = await openDatabase({ url: undefined, dataDir: testDatabase.dataDir, pool });
  });

  afterAll(async () => {
    await database.close();
    await testDatabase.cleanup();
  });

  it('uses the database when REDIS_URL is unset or blank', async () => {
    for (const unset of [undefined, '  ']) {
      const keyValue = await openKeyValue({ redisUrl: unset, keyPrefix: 'astra', database });
      await keyValue.set('where', 'database');
      const row = await database.db.selectFrom('kv_entries').select('value').where('key', '=', 'where').executeTakeFirst();
      expect(row?.value).toBe('database');
      await keyValue.close();
    }
  });

  it('rejects quickly, naming REDIS_URL without the password, when Redis cannot be reached', async () => {
    const opening = openKeyValue({ redisUrl: 'redis://:hunter2@127.0.0.1:1', keyPrefix: 'astra', database });
    await expect(opening).rejects.toThrow(/Could not reach Redis at redis:\/\/127\.0\.0\.1:1 \(REDIS_URL\)/);
    await expect(opening).rejects.not.toThrow(/hunter2/);
  });

  it('rejects a REDIS_URL that is not a Redis URL', async () => {
    await expect(openKeyValue({ redisUrl: 'memcached://cache:11211', keyPrefix: 'astra', database })).rejects.toThrow(
      /REDIS_URL memcached:\/\/cache:11211 is not supported/,
    );
  });

  it.skipIf(!redisUrl)('uses Redis when REDIS_URL is set, under the key prefix', async () => {
    const keyPrefix = testRedisPrefix();
    const keyValue = await openKeyValue({ redisUrl, keyPrefix, database });
    try {
      await keyValue.set('where', 'redis');
      expect(await keyValue.get('where')).toBe('redis');
      const row = await database.db.selectFrom('kv_entries').select('value').where('key', '=', 'where').executeTakeFirst();
      expect(row?.value).not.toBe('redis');
    } finally {
      await keyValue.close();
      await cleanupRedisPrefix(redisUrl ?? '', keyPrefix);
    }
  });
});
