import { Kysely, PostgresDialect } from 'kysely';
import { Pool, types, type PoolConfig } from 'pg';
import type { DatabasePoolConfig } from '../config';
import type { Logger } from '../core/logger';
import { pingDatabase } from './ping-database';
import { redactUrl } from './redact-url';
import type { Database, Schema } from './types';
import { createWriteCounter } from './write-counter';

const int8TypeId = 20;
const overflowIdleMilliseconds = 10_000;

/**
 * Opens a pool on the PostgreSQL server at `url`, sized like Open WebUI's SQLAlchemy pool:
 * `size` connections plus `maxOverflow` more under load. Does not connect or migrate yet.
 */
export function openPostgres(url: string, pool: DatabasePoolConfig, logger?: Logger): Database {
  const description = redactUrl(url);
  const connections = new Pool(postgresPoolConfig(url, pool));
  // An idle connection dropped by the server emits 'error' on the pool; unhandled it would crash
  // the process, while the pool simply replaces the connection on next use.
  connections.on('error', (error) => {
    logger?.warn({ err: error, database: description }, 'an idle PostgreSQL connection failed; it will be replaced');
  });

  const writes = createWriteCounter();
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool: connections }), log: writes.log });
  let closing: Promise<void> | undefined;
  return {
    kind: 'postgres',
    db,
    description,
    ping: (signal) => pingDatabase(db, description, signal),
    writes: writes.counts,
    close: () => (closing ??= db.destroy()),
  };
}

/** The pg pool settings for DATABASE_URL and the DATABASE_POOL_* variables. */
export function postgresPoolConfig(url: string, pool: DatabasePoolConfig): PoolConfig {
  const recycleSeconds = pool.recycleSeconds > 0 ? pool.recycleSeconds : 0;
  return {
    connectionString: url,
    max: Math.max(1, pool.size + pool.maxOverflow),
    // Like SQLAlchemy's pool: `size` connections stay open once made, the overflow ones close when
    // idle, and every connection is replaced after DATABASE_POOL_RECYCLE seconds.
    min: Math.max(0, pool.size),
    idleTimeoutMillis: overflowIdleMilliseconds,
    maxLifetimeSeconds: recycleSeconds,
    connectionTimeoutMillis: pool.timeoutSeconds * 1000,
    application_name: 'astra',
    // Every time is epoch milliseconds in a bigint column, and counts are bigint too; both fit a
    // JavaScript number exactly, so read them as numbers rather than pg's default strings.
    types: {
      getTypeParser: ((typeId: number, format?: 'text' | 'binary') =>
        typeId === int8TypeId && format !== 'binary' ? Number : types.getTypeParser(typeId, format)) as typeof types.getTypeParser,
    },
  };
}
