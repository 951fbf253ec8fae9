import type { Logger } from '../core/logger';
import { deliverMessage, type MessageHandler } from './deliver-message';
import type { PubSub } from './types';

/**
 * A PubSub within this process, for a single process without Redis. Delivery is synchronous:
 * every subscriber has run by the time `publish` resolves.
 */
export function createMemoryPubSub(options: { logger?: Logger } = {}): PubSub {
  // One entry per subscribe call, so the same handler subscribed twice is two subscriptions.
  const channels = new Map<string, Set<{ handler: MessageHandler }>>();
  let closed = false;

  return {
    spansProcesses: false,

    publish(channel, message) {
      if (closed) return Promise.reject(new Error('This PubSub is closed'));
      const subscriptions = channels.get(channel);
      // Copy first: a handler may unsubscribe (or subscribe) while we deliver.
      if (subscriptions !== undefined) {
        deliverMessage([...subscriptions].map((subscription) => subscription.handler), channel, message, options.logger);
      }
      return Promise.resolve();
    },

    subscribe(channel, handler) {
      if (closed) return Promise.reject(new Error('This PubSub is closed'));
      const subscription = { handler };
      let subscriptions = channels.get(channel);
      if (subscriptions === undefined) {
        subscriptions = new Set();
        channels.set(channel, subscriptions);
      }
      subscriptions.add(subscription);
      return Promise.resolve(() => {
        subscriptions.delete(subscription);
        if (subscriptions.size === 0 && channels.get(channel) === subscriptions) channels.delete(channel);
        return Promise.resolve();
      });
    },

    close() {
      closed = true;
      channels.clear();
      return Promise.resolve();
    },
  };
}
