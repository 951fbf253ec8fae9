import { Redis } from 'ioredis';
import { afterAll, describe, it, expect } from 'vitest';
import { cleanupRedisPrefix, redisUrl, testRedisPrefix } from '../../test/support/backends';
import { describePubSubContract } from './pub-sub-contract';
import { createRedisPubSub } from './redis-pub-sub';

const keyPrefix = testRedisPrefix();

if (redisUrl !== undefined) {
  const url = redisUrl;
  describePubSubContract('redis', {
    open: (options) => Promise.resolve(createRedisPubSub({ url, keyPrefix, logger: options.logger })),
    spansProcesses: true,
  });
}

describe.skipIf(!redisUrl)('createRedisPubSub', () => {
  const url = redisUrl ?? '';
  afterAll(() => cleanupRedisPrefix(url, keyPrefix));

  it('publishes on `<keyPrefix>:<channel>` and unsubscribes from Redis when the last subscription goes', async () => {
    const pubSub = createRedisPubSub({ url, keyPrefix });
    const raw = new Redis(url);
    try {
      const unsubscribe = await pubSub.subscribe('events', () => undefined);
      expect(await raw.pubsub('NUMSUB', `${keyPrefix}:events`)).toEqual([`${keyPrefix}:events`, 1]);
      expect(await raw.publish(`${keyPrefix}:events`, 'direct')).toBe(1);
      await unsubscribe();
      expect(await raw.pubsub('NUMSUB', `${keyPrefix}:events`)).toEqual([`${keyPrefix}:events`, 0]);
    } finally {
      raw.disconnect();
      await pubSub.close();
    }
  });
});
