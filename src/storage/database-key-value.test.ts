import { describe, it, expect } from 'vitest';
import { databaseKinds } from '../../test/support/backends';
import { createDatabaseKeyValue } from './database-key-value';
import { describeKeyValueContract } from './key-value-contract';
import { sharedTestDatabase } from './shared-test-database';

for (const kind of databaseKinds) {
  const setup = sharedTestDatabase(kind);
  describeKeyValueContract(`database (${kind})`, {
    open: async () => createDatabaseKeyValue(await setup.open()),
    shared: true,
    cleanup: () => setup.cleanup(),
  });
}

describe.each(databaseKinds)('createDatabaseKeyValue on %s', (kind) => {
  it('deletes expired rows in the background, and leaves the database open when closed', async () => {
    const setup = sharedTestDatabase(kind);
    try {
      const database = await setup.open();
      const keyValue = createDatabaseKeyValue(database, { sweepIntervalMs: 20 });
      await keyValue.set('gone', 'value', { ttlMs: 10 });
      await keyValue.addToSet('gone-set', 'member', { ttlMs: 10 });
      await keyValue.set('kept', 'value');
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await database.db.selectFrom('kv_entries').select('key').execute()).toEqual([{ key: 'kept' }]);
      expect(await database.db.selectFrom('kv_set_members').select('key').execute()).toEqual([]);
      await keyValue.close();
      await expect(database.ping()).resolves.toBeUndefined();
    } finally {
      await setup.cleanup();
    }
  });
});
