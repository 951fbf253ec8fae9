import { randomBytes } from 'node:crypto';
import type { Logger } from '../core/logger';
import { createPubSubPoller } from './database-pub-sub-poller';
import { deliverMessage, type MessageHandler } from './deliver-message';
import { createPubSubMessageWriter } from './pub-sub-message-writer';
import type { Database, PubSub } from './types';

export interface DatabasePubSubOptions {
  /** How often a process with subscribers looks for other processes' messages (default 200 ms). */
  pollIntervalMs?: number;
  /** How long messages are kept (default one minute); keep it well above a few seconds. */
  retentionMs?: number;
  logger?: Logger;
}

interface Subscription {
  handler: MessageHandler;
  /** When it started: messages published before are not for it. */
  since: number;
}

/**
 * A PubSub through the `pubsub_messages` table, for several processes sharing one database without
 * Redis. `publish` delivers to this process's subscribers at once, then inserts a row (and rejects
 * when that fails); while this process has subscribers it polls for other processes' rows every
 * `pollIntervalMs`. Machines sharing a PostgreSQL need clocks kept in step (NTP): the polls look
 * back only 2 s. `close()` stops polling; it does not close the database, which belongs to the caller.
 */
export function createDatabasePubSub(database: Database, options: DatabasePubSubOptions = {}): PubSub {
  const { logger } = options;
  const channels = new Map<string, Set<Subscription>>();
  // Ids sort in publish order within one process and one millisecond.
  const instanceId = randomBytes(8).toString('hex');
  let sequence = 0;
  let lastCreatedAt = 0;
  let closed = false;

  const deliver = (channel: string, message: string, createdAt?: number): void => {
    const subscriptions = channels.get(channel);
    if (subscriptions === undefined) return;
    // Copy first: a handler may unsubscribe (or subscribe) while we deliver.
    const handlers = [...subscriptions].filter((subscription) => createdAt === undefined || subscription.since <= createdAt);
    deliverMessage(handlers.map((subscription) => subscription.handler), channel, message, logger);
  };

  const writer = createPubSubMessageWriter(database.db);
  const poller = createPubSubPoller({
    db: database.db,
    pollIntervalMs: options.pollIntervalMs ?? 200,
    retentionMs: options.retentionMs ?? 60_000,
    logger,
    channels: () => [...channels.keys()],
    deliver: (row) => deliver(row.channel, row.message, row.created_at),
  });
  const closedError = (): Error => new Error('This PubSub is closed');

  return {
    spansProcesses: true,

    async publish(channel, message) {
      if (closed) throw closedError();
      // Never earlier than this process's previous message, even if the clock steps back.
      const createdAt = (lastCreatedAt = Math.max(Date.now(), lastCreatedAt));
      sequence += 1;
      const id = `${instanceId}-${sequence.toString(36).padStart(11, '0')}`;
      poller.markSeen(id, createdAt);
      deliver(channel, message);
      await writer.write({ id, channel, message, created_at: createdAt });
    },

    subscribe(channel, handler) {
      if (closed) return Promise.reject(closedError());
      const subscription: Subscription = { handler, since: Date.now() };
      let subscriptions = channels.get(channel);
      if (subscriptions === undefined) {
        subscriptions = new Set();
        channels.set(channel, subscriptions);
      }
      const current = subscriptions;
      current.add(subscription);
      poller.start();

      let unsubscribed = false;
      return Promise.resolve(() => {
        if (unsubscribed || closed) return Promise.resolve();
        unsubscribed = true;
        current.delete(subscription);
        if (current.size === 0 && channels.get(channel) === current) channels.delete(channel);
        if (channels.size === 0) poller.stop();
        return Promise.resolve();
      });
    },

    async close() {
      if (closed) return;
      closed = true;
      channels.clear();
      await Promise.all([poller.close(), writer.idle()]);
    },
  };
}
