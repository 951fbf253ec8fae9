import type { Logger } from '../core/logger';
import { createDatabaseKeyValue } from './database-key-value';
import type { Database, KeyValue } from './types';

export interface OpenKeyValueOptions {
  /** REDIS_URL: when set, Redis; otherwise the database's key-value tables. */
  redisUrl: string | undefined;
  /** REDIS_KEY_PREFIX. */
  keyPrefix: string;
  database: Database;
  logger?: Logger;
}

/**
 * The KeyValue for this installation: Redis when REDIS_URL is set (checked to answer, with an
 * error naming REDIS_URL when it does not), else the shared database.
 */
export async function openKeyValue(options: OpenKeyValueOptions): Promise<KeyValue> {
  const redisUrl = options.redisUrl?.trim();
  if (redisUrl === undefined || redisUrl === '') return createDatabaseKeyValue(options.database, { logger: options.logger });

  const { openRedisKeyValue } = await import('./open-redis');
  return openRedisKeyValue(redisUrl, options.keyPrefix, options.logger);
}
