/**
 * Several connections to one fresh test database, as separate processes would have. Test-only:
 * imported by `*.test.ts` files, never by the server.
 */
import { createTestDatabase, type TestDatabase } from '../../test/support/backends';
import { openDatabase } from './open-database';
import type { Database } from './types';

const pool = { size: 5, maxOverflow: 5, timeoutSeconds: 5, recycleSeconds: 3600 };

export interface SharedTestDatabase {
  /** A new connection (a separate `Database`) to the same test database, migrated. */
  open(): Promise<Database>;
  /** Closes every connection opened and removes the test database. */
  cleanup(): Promise<void>;
}

export function sharedTestDatabase(kind: 'sqlite' | 'postgres'): SharedTestDatabase {
  let testDatabase: Promise<TestDatabase> | undefined;
  const databases: Database[] = [];
  return {
    async open() {
      testDatabase ??= createTestDatabase(kind);
      const { databaseUrl, dataDir } = await testDatabase;
      const database = await openDatabase({ url: databaseUrl, dataDir, pool });
      databases.push(database);
      return database;
    },
    async cleanup() {
      await Promise.all(databases.splice(0).map((database) => database.close()));
      await (await testDatabase)?.cleanup();
    },
  };
}
