import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Migrator, sql } from 'kysely';
import { describe, it, expect } from 'vitest';
import { createTestDatabase } from '../../test/support/backends';
import { migrationProvider } from './migrations';
import { openSqlite } from './open-sqlite';
import { runMigrations } from './run-migrations';

// FTS5 tables bring their shadow tables (`_config`, `_data`, …) along.
const searchTables = (name: string): string[] => [name, ...['config', 'data', 'docsize', 'idx'].map((part) => `${name}_${part}`)];
const tables = [
  'api_keys',
  'app_state',
  'chats',
  ...searchTables('chats_fts'),
  'connections',
  'kv_entries',
  'kv_set_members',
  'messages',
  ...searchTables('messages_fts'),
  'model_settings',
  'pubsub_messages',
  'users',
];

/** Every migration's name, in the order they run. */
async function migrationNames(): Promise<string[]> {
  return Object.keys(await migrationProvider.getMigrations()).sort();
}

async function tableNames(database: ReturnType<typeof openSqlite>): Promise<string[]> {
  const result = await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'kysely%' order by name`.execute(
    database.db,
  );
  return result.rows.map((row) => row.name);
}

describe('runMigrations', () => {
  it('applies every migration once, then nothing', async () => {
    const database = openSqlite(':memory:');
    try {
      expect(await runMigrations('sqlite', database.db)).toEqual(await migrationNames());
      expect(await runMigrations('sqlite', database.db)).toEqual([]);
      expect(await tableNames(database)).toEqual(tables);
    } finally {
      await database.close();
    }
  });

  it('can undo every migration', async () => {
    const database = openSqlite(':memory:');
    try {
      await runMigrations('sqlite', database.db);
      const migrator = new Migrator({ db: database.db, provider: migrationProvider });
      const { error } = await migrator.migrateTo('0001-core').then(() => migrator.migrateDown());
      expect(error).toBeUndefined();
      expect(await tableNames(database)).toEqual([]);
    } finally {
      await database.close();
    }
  });

  it('lets two processes migrate one fresh SQLite file at the same time', async () => {
    const testDatabase = await createTestDatabase('sqlite');
    try {
      const openDatabaseModule = path.join(path.dirname(fileURLToPath(import.meta.url)), 'open-database.ts');
      const script = `
        const { openDatabase } = await import(${JSON.stringify(openDatabaseModule)});
        const pool = { size: 1, maxOverflow: 0, timeoutSeconds: 5, recycleSeconds: 0 };
        const database = await openDatabase({ url: undefined, dataDir: ${JSON.stringify(testDatabase.dataDir)}, pool });
        await database.close();`;
      const run = promisify(execFile);
      const processes = [1, 2].map(() =>
        run(process.execPath, ['--import', 'tsx', '--input-type=module', '--eval', script], { timeout: 15_000 }),
      );
      await expect(Promise.all(processes)).resolves.toHaveLength(2);

      const database = openSqlite(path.join(testDatabase.dataDir, 'astra.db'));
      expect(await tableNames(database)).toEqual(tables);
      const applied = await sql<{ name: string }>`select name from kysely_migration`.execute(database.db);
      expect(applied.rows.map((row) => row.name)).toEqual(await migrationNames());
      await database.close();
    } finally {
      await testDatabase.cleanup();
    }
  });
});
