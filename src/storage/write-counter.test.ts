import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../../test/support/backends';
import { openDatabase } from './open-database';
import type { Database } from './types';

const pool = { size: 2, maxOverflow: 3, timeoutSeconds: 5, recycleSeconds: 3600 };
const entry = (key: string): { key: string; value: string; expires_at: null } => ({ key, value: 'v', expires_at: null });

describe.each(databaseKinds)('the write counter on %s', (kind) => {
  let database: Database | undefined;
  let testDatabase: TestDatabase | undefined;

  async function open(): Promise<Database> {
    testDatabase = await createTestDatabase(kind);
    database = await openDatabase({ url: testDatabase.databaseUrl, dataDir: testDatabase.dataDir, pool });
    return database;
  }

  afterEach(async () => {
    await database?.close();
    await testDatabase?.cleanup();
    database = undefined;
    testDatabase = undefined;
  });

  /** The counts added by `work`. */
  async function added(opened: Database, work: () => Promise<unknown>): Promise<{ statements: number; transactions: number }> {
    const before = { ...opened.writes };
    await work();
    return { statements: opened.writes.statements - before.statements, transactions: opened.writes.transactions - before.transactions };
  }

  it('counts the migrations at start-up as writes', async () => {
    const opened = await open();
    expect(opened.writes.statements).toBeGreaterThan(0);
  });

  it('counts each INSERT, UPDATE and DELETE once, and no reads', async () => {
    const opened = await open();
    const { db } = opened;
    expect(await added(opened, () => db.insertInto('kv_entries').values(entry('a')).execute())).toEqual({ statements: 1, transactions: 0 });
    expect(await added(opened, () => db.updateTable('kv_entries').set({ value: 'w' }).where('key', '=', 'a').execute())).toEqual({ statements: 1, transactions: 0 });
    // A statement that changes no row was still sent as a write.
    expect(await added(opened, () => db.insertInto('kv_entries').values(entry('a')).onConflict((conflict) => conflict.column('key').doNothing()).execute())).toEqual({
      statements: 1,
      transactions: 0,
    });
    expect(await added(opened, () => db.deleteFrom('kv_entries').where('key', '=', 'a').execute())).toEqual({ statements: 1, transactions: 0 });
    expect(
      await added(opened, async () => {
        await db.selectFrom('kv_entries').selectAll().execute();
        await sql`select 1`.execute(db);
        await opened.ping();
      }),
    ).toEqual({ statements: 0, transactions: 0 });
    expect(await added(opened, () => sql`insert into kv_entries (key, value, expires_at) values ('raw', 'v', null)`.execute(db))).toEqual({ statements: 1, transactions: 0 });
  });

  it('counts a committed transaction once and each of its statements; a rolled-back one and a failed statement not at all', async () => {
    const opened = await open();
    const { db } = opened;
    expect(
      await added(opened, () =>
        db.transaction().execute(async (transaction) => {
          await transaction.insertInto('kv_entries').values([entry('a'), entry('b')]).execute();
          await transaction.selectFrom('kv_entries').selectAll().execute();
          await transaction.updateTable('kv_entries').set({ value: 'w' }).execute();
        }),
      ),
    ).toEqual({ statements: 2, transactions: 1 });
    // The first insert was sent (and undone); the failing one and the rollback count nothing.
    expect(
      await added(opened, async () => {
        const failing = db.transaction().execute(async (transaction) => {
          await transaction.insertInto('kv_entries').values(entry('c')).execute();
          await transaction.insertInto('kv_entries').values(entry('a')).execute(); // duplicate key
        });
        await expect(failing).rejects.toThrow();
      }),
    ).toEqual({ statements: 1, transactions: 0 });
    expect(await added(opened, () => expect(db.insertInto('kv_entries').values(entry('a')).execute()).rejects.toThrow())).toEqual({ statements: 0, transactions: 0 });
  });
});
