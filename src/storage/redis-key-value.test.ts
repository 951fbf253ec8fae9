import { Redis } from 'ioredis';
import { afterAll, describe, it, expect } from 'vitest';
import { cleanupRedisPrefix, redisUrl, testRedisPrefix } from '../../test/support/backends';
import { describeKeyValueContract } from './key-value-contract';
import { createRedisKeyValue } from './redis-key-value';

const keyPrefix = testRedisPrefix();

if (redisUrl !== undefined) {
  const url = redisUrl;
  describeKeyValueContract('redis', {
    open: () => Promise.resolve(createRedisKeyValue({ url, keyPrefix })),
    shared: true,
  });
}

describe.skipIf(!redisUrl)('createRedisKeyValue', () => {
  const url = redisUrl ?? '';
  afterAll(() => cleanupRedisPrefix(url, keyPrefix));

  it('stores every key under `<keyPrefix>:`', async () => {
    const keyValue = createRedisKeyValue({ url, keyPrefix });
    const raw = new Redis(url);
    try {
      await keyValue.set('plain', 'value');
      await keyValue.addToSet('members', 'a');
      await keyValue.increment('counter', { ttlMs: 5000 });
      expect(await raw.get(`${keyPrefix}:plain`)).toBe('value');
      expect(await raw.smembers(`${keyPrefix}:members`)).toEqual(['a']);
      expect(await raw.get(`${keyPrefix}:counter`)).toBe('1');
      expect(await raw.exists('plain', 'members', 'counter')).toBe(0);
    } finally {
      raw.disconnect();
      await keyValue.close();
    }
  });
});
