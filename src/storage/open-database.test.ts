import { existsSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, it, expect } from 'vitest';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../../test/support/backends';
import { migrationProvider } from './migrations';
import { openDatabase } from './open-database';
import type { Database, UserTable } from './types';

/** Every migration's name, in the order they run. */
async function migrationNames(): Promise<string[]> {
  return Object.keys(await migrationProvider.getMigrations()).sort();
}

const pool = { size: 2, maxOverflow: 3, timeoutSeconds: 5, recycleSeconds: 3600 };
const epochMilliseconds = 1_700_000_000_123;

function user(id: string): UserTable {
  return {
    id,
    email: `${id}@example.com`,
    name: id,
    role: 'user',
    password_hash: 'hash',
    profile_image_url: '',
    created_at: epochMilliseconds,
    updated_at: epochMilliseconds,
    last_active_at: epochMilliseconds,
  };
}

describe.each(databaseKinds)('openDatabase on %s', (kind) => {
  const opened: Database[] = [];
  let testDatabase: TestDatabase | undefined;

  async function open(): Promise<Database> {
    testDatabase ??= await createTestDatabase(kind);
    const database = await openDatabase({ url: testDatabase.databaseUrl, dataDir: testDatabase.dataDir, pool });
    opened.push(database);
    return database;
  }

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((database) => database.close()));
    await testDatabase?.cleanup();
    testDatabase = undefined;
  });

  it('creates every table, and opening again applies nothing twice and keeps the data', async () => {
    const first = await open();
    expect(first.kind).toBe(kind);
    await first.db.insertInto('users').values(user('u1')).execute();
    await first.close();

    const second = await open();
    const users = await second.db.selectFrom('users').selectAll().execute();
    expect(users).toEqual([user('u1')]);
    const applied = await sql<{ name: string }>`select name from kysely_migration`.execute(second.db);
    expect(applied.rows.map((row) => row.name)).toEqual(await migrationNames());
    for (const table of ['api_keys', 'app_state', 'kv_entries', 'kv_set_members', 'pubsub_messages', 'connections'] as const) {
      await expect(second.db.selectFrom(table).selectAll().execute()).resolves.toEqual([]);
    }
  });

  it('fills in the role and profile image defaults', async () => {
    const database = await open();
    await sql`insert into users (id, email, name, password_hash, created_at, updated_at, last_active_at)
      values ('u1', 'u1@example.com', 'u1', 'hash', 1, 1, 1)`.execute(database.db);
    const row = await database.db.selectFrom('users').select(['role', 'profile_image_url']).executeTakeFirstOrThrow();
    expect(row).toEqual({ role: 'pending', profile_image_url: '' });
  });

  it('reads bigint columns and counts back as numbers', async () => {
    const database = await open();
    await database.db.insertInto('users').values(user('u1')).execute();
    const row = await database.db.selectFrom('users').select(['created_at']).executeTakeFirstOrThrow();
    expect(row.created_at).toBe(epochMilliseconds);
    const count = await database.db.selectFrom('users').select((builder) => builder.fn.countAll().as('count')).executeTakeFirstOrThrow();
    expect(count.count).toBe(1);
  });

  it('deletes API keys with their user, and refuses rows for unknown users', async () => {
    const database = await open();
    await database.db.insertInto('users').values([user('u1'), user('u2')]).execute();
    const apiKey = (userId: string) => ({ user_id: userId, key_hash: `k-${userId}`, key_hint: 'sk-…1', created_at: 1, last_used_at: null });
    await database.db.insertInto('api_keys').values([apiKey('u1'), apiKey('u2')]).execute();

    await database.db.deleteFrom('users').where('id', '=', 'u1').execute();

    expect(await database.db.selectFrom('api_keys').select('user_id').execute()).toEqual([{ user_id: 'u2' }]);
    await expect(database.db.insertInto('api_keys').values(apiKey('nobody')).execute()).rejects.toThrow(/foreign key/i);
  });

  it('refuses a second user with the same email', async () => {
    const database = await open();
    await database.db.insertInto('users').values(user('u1')).execute();
    await expect(database.db.insertInto('users').values({ ...user('u2'), email: 'u1@example.com' }).execute()).rejects.toThrow(
      /unique/i,
    );
  });

  it('answers a ping, rejects a ping whose signal aborted, and closes more than once', async () => {
    const database = await open();
    await expect(database.ping()).resolves.toBeUndefined();
    await expect(database.ping(AbortSignal.abort(new Error('gave up')))).rejects.toThrow(/did not answer a ping: gave up/);
    await database.close();
    await database.close();
    await expect(database.ping()).rejects.toThrow(/did not answer a ping/);
  });
});

describe.skipIf(!databaseKinds.includes('postgres'))('openDatabase on postgres, several processes', () => {
  it('lets two processes open and migrate one fresh database at the same time', async () => {
    const testDatabase = await createTestDatabase('postgres');
    try {
      const both = await Promise.all(
        [1, 2].map(() => openDatabase({ url: testDatabase.databaseUrl, dataDir: testDatabase.dataDir, pool })),
      );
      const [first, second] = both as [Database, Database];
      await first.db.insertInto('users').values(user('u1')).execute();
      expect(await second.db.selectFrom('users').select('id').execute()).toEqual([{ id: 'u1' }]);
      const applied = await sql<{ name: string }>`select name from kysely_migration`.execute(second.db);
      expect(applied.rows).toHaveLength((await migrationNames()).length);
      await Promise.all(both.map((database) => database.close()));
    } finally {
      await testDatabase.cleanup();
    }
  });

  it('migrates a schema even when another schema on the server is already migrated', async () => {
    // Kysely looks for its bookkeeping tables across all schemas unless told which one is ours.
    const [first, second] = [await createTestDatabase('postgres'), await createTestDatabase('postgres')];
    try {
      const firstDatabase = await openDatabase({ url: first.databaseUrl, dataDir: first.dataDir, pool });
      await firstDatabase.close();
      const secondDatabase = await openDatabase({ url: second.databaseUrl, dataDir: second.dataDir, pool });
      await expect(secondDatabase.db.selectFrom('users').selectAll().execute()).resolves.toEqual([]);
      await secondDatabase.close();
    } finally {
      await Promise.all([first.cleanup(), second.cleanup()]);
    }
  });
});

describe('openDatabase on sqlite, files and URLs', () => {
  it('creates DATA_DIR and astra.db in it, in WAL mode with foreign keys on', async () => {
    const testDatabase = await createTestDatabase('sqlite');
    try {
      const dataDir = path.join(testDatabase.dataDir, 'nested', 'data');
      const database = await openDatabase({ url: undefined, dataDir, pool });
      expect(database.description).toBe(path.join(dataDir, 'astra.db'));
      expect(existsSync(path.join(dataDir, 'astra.db'))).toBe(true);
      const journal = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(database.db);
      const foreignKeys = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(database.db);
      expect(journal.rows[0]?.journal_mode).toBe('wal');
      expect(foreignKeys.rows[0]?.foreign_keys).toBe(1);
      await database.close();
    } finally {
      await testDatabase.cleanup();
    }
  });

  it('opens the file a sqlite:/// URL names', async () => {
    const testDatabase = await createTestDatabase('sqlite');
    try {
      const file = path.join(testDatabase.dataDir, 'elsewhere', 'webui.db');
      const database = await openDatabase({ url: `sqlite:///${file}`, dataDir: testDatabase.dataDir, pool });
      expect(database.description).toBe(file);
      expect(existsSync(file)).toBe(true);
      await database.close();
    } finally {
      await testDatabase.cleanup();
    }
  });
});

describe('openDatabase errors', () => {
  it('names DATABASE_URL and what it accepts when the URL is not understood', async () => {
    await expect(openDatabase({ url: 'mysql://root:hunter2@db/astra', dataDir: '/nonexistent', pool })).rejects.toThrow(
      /DATABASE_URL mysql:\/\/root@db\/astra is not supported: .*sqlite:\/\/\/.*postgres:\/\//,
    );
  });

  it('says which server could not be reached, without the password, and does not hang', async () => {
    const attempt = openDatabase({ url: 'postgres://astra:hunter2@127.0.0.1:1/astra', dataDir: '/nonexistent', pool });
    await expect(attempt).rejects.toThrow(/Could not connect to PostgreSQL at postgres:\/\/astra@127\.0\.0\.1:1\/astra \(DATABASE_URL\): .*ECONNREFUSED/);
    await expect(attempt).rejects.not.toThrow(/hunter2/);
  });
});
