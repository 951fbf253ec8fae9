/**
 * The Redis halves of openKeyValue and openPubSub. Loaded only when REDIS_URL is set, so a
 * single-machine install never loads the Redis client (it costs start-up time and ~20 MB).
 */
import type { Logger } from '../core/logger';
import { closeRedisClient, createRedisClient, waitForRedis } from './redis-client';
import { redisKeyValueOn } from './redis-key-value';
import { redisPubSubOn } from './redis-pub-sub';
import type { KeyValue, PubSub } from './types';

/** A KeyValue on Redis, once the server has answered (else an error naming REDIS_URL). */
export async function openRedisKeyValue(redisUrl: string, keyPrefix: string, logger?: Logger): Promise<KeyValue> {
  const client = createRedisClient({ url: redisUrl, purpose: 'key-value', logger });
  try {
    await waitForRedis(client, redisUrl);
  } catch (error) {
    await closeRedisClient(client);
    throw error;
  }
  return redisKeyValueOn(client, keyPrefix);
}

/** A PubSub on Redis (a publisher and a subscriber connection), once both have answered. */
export async function openRedisPubSub(redisUrl: string, keyPrefix: string, logger?: Logger): Promise<PubSub> {
  const publisher = createRedisClient({ url: redisUrl, purpose: 'pub/sub publisher', logger });
  const subscriber = createRedisClient({ url: redisUrl, purpose: 'pub/sub subscriber', logger, subscriber: true });
  try {
    await Promise.all([waitForRedis(publisher, redisUrl), waitForRedis(subscriber, redisUrl)]);
  } catch (error) {
    await Promise.all([closeRedisClient(publisher), closeRedisClient(subscriber)]);
    throw error;
  }
  return redisPubSubOn({ publisher, subscriber, keyPrefix, logger });
}
