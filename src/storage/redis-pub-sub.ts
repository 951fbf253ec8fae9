import type { Redis } from 'ioredis';
import type { Logger } from '../core/logger';
import { deliverMessage, type MessageHandler } from './deliver-message';
import { describeError } from './describe-error';
import { closeRedisClient, createRedisClient } from './redis-client';
import type { PubSub } from './types';

export interface RedisPubSubOptions {
  /** REDIS_URL. */
  url: string;
  /** REDIS_KEY_PREFIX: channels become `<keyPrefix>:<channel>`. */
  keyPrefix: string;
  logger?: Logger;
}

/**
 * A PubSub on Redis: messages reach subscribers in every process on the same server. Uses two
 * connections, because a connection that subscribes can do nothing else.
 */
export function createRedisPubSub(options: RedisPubSubOptions): PubSub {
  const publisher = createRedisClient({ url: options.url, purpose: 'pub/sub publisher', logger: options.logger });
  const subscriber = createRedisClient({ url: options.url, purpose: 'pub/sub subscriber', logger: options.logger, subscriber: true });
  return redisPubSubOn({ publisher, subscriber, keyPrefix: options.keyPrefix, logger: options.logger });
}

interface ChannelState {
  subscriptions: Set<{ handler: MessageHandler }>;
  /** Settles when Redis has confirmed the SUBSCRIBE. */
  subscribed: Promise<unknown>;
}

/** The PubSub over two existing connections, which it owns from now on (closes them on `close()`). */
export function redisPubSubOn(options: { publisher: Redis; subscriber: Redis; keyPrefix: string; logger?: Logger }): PubSub {
  const { publisher, subscriber, logger } = options;
  const prefixed = (channel: string): string => (options.keyPrefix === '' ? channel : `${options.keyPrefix}:${channel}`);
  // Redis is subscribed to a channel while at least one local subscription wants it.
  const channels = new Map<string, ChannelState>();
  let closed = false;

  subscriber.on('message', (redisChannel: string, message: string) => {
    const state = channels.get(redisChannel);
    if (state === undefined) return;
    // Copy first: a handler may unsubscribe (or subscribe) while we deliver.
    deliverMessage([...state.subscriptions].map((subscription) => subscription.handler), redisChannel, message, logger);
  });

  const unsubscribeFromRedis = async (redisChannel: string): Promise<void> => {
    try {
      await subscriber.unsubscribe(redisChannel);
    } catch (error) {
      // Nothing is lost: messages for a channel nobody listens to are dropped on arrival.
      logger?.warn({ channel: redisChannel, reason: describeError(error) }, 'Redis UNSUBSCRIBE failed');
    }
  };

  return {
    spansProcesses: true,

    async publish(channel, message) {
      if (closed) throw new Error('This PubSub is closed');
      await publisher.publish(prefixed(channel), message);
    },

    async subscribe(channel, handler) {
      if (closed) throw new Error('This PubSub is closed');
      const redisChannel = prefixed(channel);
      let state = channels.get(redisChannel);
      if (state === undefined) {
        // Redis handles commands in order, so a SUBSCRIBE sent after a pending UNSUBSCRIBE for the
        // same channel leaves it subscribed.
        state = { subscriptions: new Set(), subscribed: subscriber.subscribe(redisChannel) };
        channels.set(redisChannel, state);
      }
      const current = state;
      const subscription = { handler };
      current.subscriptions.add(subscription);

      let unsubscribed = false;
      const unsubscribe = async (): Promise<void> => {
        if (unsubscribed) return;
        unsubscribed = true;
        current.subscriptions.delete(subscription);
        if (current.subscriptions.size > 0 || channels.get(redisChannel) !== current) return;
        channels.delete(redisChannel);
        if (!closed) await unsubscribeFromRedis(redisChannel);
      };

      try {
        await current.subscribed;
      } catch (error) {
        await unsubscribe();
        throw new Error(`Could not subscribe to Redis channel "${redisChannel}" (REDIS_URL): ${describeError(error)}`, { cause: error });
      }
      return unsubscribe;
    },

    async close() {
      if (closed) return;
      closed = true;
      channels.clear();
      await Promise.all([closeRedisClient(publisher), closeRedisClient(subscriber)]);
    },
  };
}
