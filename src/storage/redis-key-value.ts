import type { Redis } from 'ioredis';
import type { Logger } from '../core/logger';
import { closeRedisClient, createRedisClient } from './redis-client';
import type { KeyValue } from './types';

export interface RedisKeyValueOptions {
  /** REDIS_URL. */
  url: string;
  /** REDIS_KEY_PREFIX: every key becomes `<keyPrefix>:<key>`, so installations can share a server. */
  keyPrefix: string;
  logger?: Logger;
}

// INCR and the expiry in one atomic step. The expiry is set only when the counter has none, which
// is when INCR has just created it (or it was stored without one), so later increments never
// push a rate-limit window back.
const incrementScript = `
local value = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {value, ttl}
`;

type RedisWithIncrement = Redis & { astraIncrement(key: string, ttlMs: number): Promise<[number, number]> };

/**
 * A KeyValue on Redis, shared by every process and machine pointed at the same server. The
 * connection opens in the background; `openKeyValue` waits for it and reports failures clearly.
 */
export function createRedisKeyValue(options: RedisKeyValueOptions): KeyValue {
  const client = createRedisClient({ url: options.url, purpose: 'key-value', logger: options.logger });
  return redisKeyValueOn(client, options.keyPrefix);
}

/** The KeyValue over an existing connection, which it owns from now on (closes it on `close()`). */
export function redisKeyValueOn(client: Redis, keyPrefix: string): KeyValue {
  // defineCommand sends the script once and then calls it by its hash (EVALSHA).
  client.defineCommand('astraIncrement', { numberOfKeys: 1, lua: incrementScript });
  const redis = client as RedisWithIncrement;
  const prefixed = (key: string): string => (keyPrefix === '' ? key : `${keyPrefix}:${key}`);

  return {
    async get(key) {
      return (await redis.get(prefixed(key))) ?? undefined;
    },

    async set(key, value, setOptions) {
      if (setOptions?.ttlMs === undefined) await redis.set(prefixed(key), value);
      else await redis.set(prefixed(key), value, 'PX', setOptions.ttlMs);
    },

    async delete(key) {
      await redis.del(prefixed(key));
    },

    async increment(key, incrementOptions) {
      const [value, ttlMs] = await redis.astraIncrement(prefixed(key), incrementOptions.ttlMs);
      return { value, ttlMs };
    },

    async ttl(key) {
      // PTTL answers -2 for a missing key and -1 for one without expiry.
      const milliseconds = await redis.pttl(prefixed(key));
      return milliseconds < 0 ? undefined : milliseconds;
    },

    async addToSet(key, member, setOptions) {
      if (setOptions?.ttlMs === undefined) {
        await redis.sadd(prefixed(key), member);
        return;
      }
      const results = await redis.multi().sadd(prefixed(key), member).pexpire(prefixed(key), setOptions.ttlMs).exec();
      const failure = results?.find(([error]) => error !== null)?.[0];
      if (failure) throw failure;
    },

    async removeFromSet(key, member) {
      await redis.srem(prefixed(key), member);
    },

    setMembers: (key) => redis.smembers(prefixed(key)),

    async ping() {
      await redis.ping();
    },

    close: () => closeRedisClient(redis),
  };
}
