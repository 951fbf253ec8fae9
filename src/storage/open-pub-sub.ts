import type { Logger } from '../core/logger';
import { createDatabasePubSub } from './database-pub-sub';
import { createMemoryPubSub } from './memory-pub-sub';
import type { Database, PubSub } from './types';

export interface OpenPubSubOptions {
  /** REDIS_URL: when set, Redis (messages reach every process at once). */
  redisUrl: string | undefined;
  /** REDIS_KEY_PREFIX. */
  keyPrefix: string;
  /**
   * The shared database: without REDIS_URL, messages go through it, so they reach every process on
   * it (WORKERS > 1, the CLI beside a running server, several machines on one PostgreSQL) within
   * about a second. Without either, they stay in this process.
   */
  database?: Database;
  logger?: Logger;
}

/**
 * The PubSub for this installation: Redis when REDIS_URL is set (checked to answer, with an error
 * naming REDIS_URL when it does not), else the shared database when one is given, else in-process.
 * Closing it never closes the database.
 */
export async function openPubSub(options: OpenPubSubOptions): Promise<PubSub> {
  const redisUrl = options.redisUrl?.trim();
  if (redisUrl === undefined || redisUrl === '') {
    if (options.database !== undefined) return createDatabasePubSub(options.database, { logger: options.logger });
    return createMemoryPubSub({ logger: options.logger });
  }

  const { openRedisPubSub } = await import('./open-redis');
  return openRedisPubSub(redisUrl, options.keyPrefix, options.logger);
}
