import { sql } from 'kysely';
import type { DatabasePoolConfig } from '../config';
import type { Logger } from '../core/logger';
import { parseDatabaseUrl } from './database-url';
import { openSqlite } from './open-sqlite';
import { runMigrations } from './run-migrations';
import type { Database } from './types';
import { describeError } from './describe-error';

export interface OpenDatabaseOptions {
  /** DATABASE_URL; undefined means SQLite at `<dataDir>/astra.db`. */
  url: string | undefined;
  /** DATA_DIR, created when absent. */
  dataDir: string;
  pool: DatabasePoolConfig;
  logger?: Logger;
}

/**
 * Opens the database DATABASE_URL names (SQLite or PostgreSQL), checks it answers, and applies any
 * pending migrations. Rejects with an error naming DATABASE_URL when the URL is not understood or
 * the server cannot be reached; the error never contains the password.
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  const location = parseDatabaseUrl(options.url, options.dataDir);
  // PostgreSQL's client is loaded only when asked for: SQLite installs never pay for it.
  const database =
    location.kind === 'sqlite'
      ? openSqlite(location.file, { logger: options.logger })
      : (await import('./open-postgres')).openPostgres(location.url, options.pool, options.logger);
  try {
    const postgresSchema = database.kind === 'postgres' ? await currentPostgresSchema(database) : undefined;
    const applied = await runMigrations(database.kind, database.db, { postgresSchema });
    options.logger?.info({ database: database.description, migrationsApplied: applied }, 'database ready');
    return database;
  } catch (error) {
    await database.close().catch(() => undefined);
    throw error;
  }
}

/** The schema new tables go into: the first existing one on the search_path (`public` by default). */
async function currentPostgresSchema(database: Database): Promise<string> {
  let schema: string | null | undefined;
  try {
    const result = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(database.db);
    schema = result.rows[0]?.schema;
  } catch (error) {
    const reason = describeError(error);
    throw new Error(`Could not connect to PostgreSQL at ${database.description} (DATABASE_URL): ${reason}`, { cause: error });
  }
  if (schema === null || schema === undefined) {
    throw new Error(
      `PostgreSQL at ${database.description} (DATABASE_URL) has no schema to create tables in: ` +
        'none of the schemas on its search_path exists',
    );
  }
  return schema;
}
