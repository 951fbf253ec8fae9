/**
 * Brings the schema up to date at start-up. Safe when several processes start at once: on
 * PostgreSQL Kysely's migrator holds an advisory lock while it works; on SQLite (which Kysely
 * does not lock) the whole run happens inside one `BEGIN IMMEDIATE` transaction, so a second
 * process waits on the write lock (busy_timeout) and then finds nothing left to do.
 */
import { Migrator, sql, type Kysely, type MigrationResultSet } from 'kysely';
import { migrationProvider } from './migrations';
import type { DatabaseKind } from './types';
import { describeError } from './describe-error';

/** Runs every pending migration; returns the names of those applied (empty when up to date). */
export async function runMigrations<Tables>(
  kind: DatabaseKind,
  db: Kysely<Tables>,
  options: { postgresSchema?: string } = {},
): Promise<string[]> {
  const result = kind === 'sqlite' ? await migrateSqlite(db) : await migrate(db, options.postgresSchema);
  const failed = result.results?.find((migration) => migration.status === 'Error');
  if (result.error !== undefined) {
    const reason = describeError(result.error);
    const which = failed === undefined ? '' : ` (migration ${failed.migrationName})`;
    throw new Error(`Database migration failed${which}: ${reason}`, { cause: result.error });
  }
  return (result.results ?? []).filter((migration) => migration.status === 'Success').map((migration) => migration.migrationName);
}

function migrate<Tables>(db: Kysely<Tables>, postgresSchema: string | undefined): Promise<MigrationResultSet> {
  // Kysely looks for its bookkeeping tables in every schema unless told which one to use, so a
  // `kysely_migration` table in another schema would make it skip creating its own.
  const migrator = new Migrator({ db, provider: migrationProvider, migrationTableSchema: postgresSchema });
  return migrator.migrateToLatest();
}

function migrateSqlite<Tables>(db: Kysely<Tables>): Promise<MigrationResultSet> {
  return db.connection().execute(async (connection) => {
    await sql`begin immediate`.execute(connection);
    try {
      const result = await migrate(connection, undefined);
      await sql.raw(result.error === undefined ? 'commit' : 'rollback').execute(connection);
      return result;
    } catch (error) {
      await sql`rollback`.execute(connection).catch(() => undefined);
      throw error;
    }
  });
}
