/**
 * Every migration, in order. They are imported rather than read from a folder at run time so that
 * the bundled server (one file in dist/) carries them. Names sort in the order they must run.
 */
import type { Migration, MigrationProvider } from 'kysely';
import * as core from './0001-core';

const migrations: Record<string, Migration> = {
  '0001-core': core,
};

/** Hands the migrations above to Kysely's `Migrator`. */
export const migrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve(migrations),
};
