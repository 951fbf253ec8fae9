/**
 * Every migration, in order. They are imported rather than read from a folder at run time so that
 * the bundled server (one file in dist/) carries them. Names sort in the order they must run.
 */
import type { Migration, MigrationProvider } from 'kysely';
import * as core from './0001-core';
import * as connections from './0002-connections';
import * as modelSettings from './0003-model-settings';
import * as chats from './0004-chats';
import * as toolCallsAndContentParts from './0005-tool-calls-and-content-parts';

const migrations: Record<string, Migration> = {
  '0001-core': core,
  '0002-connections': connections,
  '0003-model-settings': modelSettings,
  '0004-chats': chats,
  '0005-tool-calls-and-content-parts': toolCallsAndContentParts,
};

/** Hands the migrations above to Kysely's `Migrator`. */
export const migrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve(migrations),
};
