import { describe, it, expect } from 'vitest';
import { redisUrl, testRedisPrefix } from '../../test/support/backends';
import { openPubSub } from './open-pub-sub';
import { sharedTestDatabase } from './shared-test-database';
import type { PubSub } from './types';

/** Publishes through `publisher` and resolves with what `subscriber` hears. */
async function roundTrip(publisher: PubSub, subscriber: PubSub, message: string): Promise<string> {
  let deliver: (message: string) => void = () => undefined;
  const heard = new Promise<string>((resolve) => (deliver = resolve));
  await subscriber.subscribe('channel', (received) => deliver(received));
  await publisher.publish('channel', message);
  return heard;
}

describe('openPubSub', () => {
  it('stays in this process when REDIS_URL is unset and no database is given', async () => {
    const pubSub = await openPubSub({ redisUrl: undefined, keyPrefix: 'astra' });
    expect(pubSub.spansProcesses).toBe(false);
    await pubSub.close();
  });

  it('goes through the database when REDIS_URL is unset, reaching other connections, and leaves it open', async () => {
    const shared = sharedTestDatabase('sqlite');
    try {
      const [firstDatabase, secondDatabase] = [await shared.open(), await shared.open()];
      const first = await openPubSub({ redisUrl: ' ', keyPrefix: 'astra', database: firstDatabase });
      const second = await openPubSub({ redisUrl: undefined, keyPrefix: 'astra', database: secondDatabase });
      expect(first.spansProcesses).toBe(true);
      expect(await roundTrip(first, second, 'through the database')).toBe('through the database');
      await Promise.all([first.close(), second.close()]);
      await expect(firstDatabase.ping()).resolves.toBeUndefined();
    } finally {
      await shared.cleanup();
    }
  });

  it('rejects quickly, naming REDIS_URL without the password, when Redis cannot be reached', async () => {
    const opening = openPubSub({ redisUrl: 'redis://:hunter2@127.0.0.1:1', keyPrefix: 'astra' });
    await expect(opening).rejects.toThrow(/Could not reach Redis at redis:\/\/127\.0\.0\.1:1 \(REDIS_URL\)/);
    await expect(opening).rejects.not.toThrow(/hunter2/);
  });

  it.skipIf(!redisUrl)('uses Redis when REDIS_URL is set, even with a database given', async () => {
    const shared = sharedTestDatabase('sqlite');
    const keyPrefix = testRedisPrefix();
    const pubSub = await openPubSub({ redisUrl, keyPrefix, database: await shared.open() });
    const other = await openPubSub({ redisUrl, keyPrefix });
    try {
      expect(pubSub.spansProcesses).toBe(true);
      expect(await roundTrip(other, pubSub, 'through redis')).toBe('through redis');
      const database = await shared.open();
      expect(await database.db.selectFrom('pubsub_messages').selectAll().execute()).toEqual([]);
    } finally {
      await Promise.all([pubSub.close(), other.close()]);
      await shared.cleanup();
    }
  });
});
