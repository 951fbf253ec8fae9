/**
 * 0005 on a database that already holds chats written under 0004: the old messages keep their
 * contents and read null in the new columns, search still finds them, new rows can fill the
 * columns, and undoing the migration keeps the rows.
 */
import path from 'node:path';
import { Migrator, sql, type Kysely } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../../../test/support/backends';
import { openDatabase } from '../open-database';
import { openSqlite } from '../open-sqlite';
import type { Database } from '../types';
import { migrationProvider } from '.';

const pool = { size: 2, maxOverflow: 2, timeoutSeconds: 5, recycleSeconds: 0 };

/** The database without migrating it (openDatabase would bring it up to date at once). */
async function openRaw(kind: 'sqlite' | 'postgres', testDatabase: TestDatabase): Promise<Database> {
  if (kind === 'sqlite') return openSqlite(path.join(testDatabase.dataDir, 'astra.db'));
  return (await import('../open-postgres')).openPostgres(testDatabase.databaseUrl!, pool);
}

async function migrator(database: Database): Promise<Migrator> {
  const schema = database.kind === 'postgres' ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(database.db)).rows[0]!.schema : undefined;
  return new Migrator({ db: database.db, provider: migrationProvider, migrationTableSchema: schema });
}

/** A user, a chat and a question with its answer, as 0004 knew them. */
async function seedUnder0004(db: Kysely<unknown>): Promise<void> {
  await sql`insert into users (id, email, name, password_hash, created_at, updated_at, last_active_at) values ('u1', 'u1@example.com', 'u1', 'hash', 1, 1, 1)`.execute(db);
  await sql`insert into chats (id, user_id, title, created_at, updated_at) values ('c1', 'u1', 'Old chat', 1, 1)`.execute(db);
  await sql`insert into messages (id, chat_id, parent_id, role, content, created_at, updated_at) values ('q1', 'c1', null, 'user', 'Where do otters sleep?', 1, 1)`.execute(db);
  await sql`insert into messages (id, chat_id, parent_id, role, model, content, usage, created_at, updated_at) values ('a1', 'c1', 'q1', 'assistant', 'm1', 'In holts.', '{"total_tokens":5}', 2, 2)`.execute(db);
}

/** Ids of messages whose content matches `word`, through the full-text index of the database. */
async function searchMessages(database: Database, word: string): Promise<string[]> {
  const result =
    database.kind === 'sqlite'
      ? await sql<{ id: string }>`select messages.id from messages_fts join messages on messages.rowid = messages_fts.rowid where messages_fts match ${word}`.execute(database.db)
      : await sql<{ id: string }>`select id from messages where to_tsvector('simple', left(content, 100000)) @@ plainto_tsquery('simple', ${word}) and status <> 'generating'`.execute(database.db);
  return result.rows.map((row) => row.id);
}

describe.each(databaseKinds)('migration 0005 on a database with chats (%s)', (kind) => {
  let testDatabase: TestDatabase | undefined;
  const opened: Database[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((database) => database.close()));
    await testDatabase?.cleanup();
    testDatabase = undefined;
  });

  it('leaves old messages as they were, with null tool calls and parts; undoing it keeps them', async () => {
    testDatabase = await createTestDatabase(kind);
    const raw = await openRaw(kind, testDatabase);
    opened.push(raw);
    expect((await (await migrator(raw)).migrateTo('0004-chats')).error).toBeUndefined();
    await seedUnder0004(raw.db as Kysely<unknown>);

    // Start-up brings the database up to date.
    const database = await openDatabase({ url: testDatabase.databaseUrl, dataDir: testDatabase.dataDir, pool });
    opened.push(database);
    const messages = await database.db.selectFrom('messages').select(['id', 'content', 'usage', 'tool_calls', 'content_parts']).orderBy('id').execute();
    expect(messages).toEqual([
      { id: 'a1', content: 'In holts.', usage: '{"total_tokens":5}', tool_calls: null, content_parts: null },
      { id: 'q1', content: 'Where do otters sleep?', usage: null, tool_calls: null, content_parts: null },
    ]);
    expect(await searchMessages(database, 'otters')).toEqual(['q1']);

    // The new columns take JSON text; changing them leaves the search index alone.
    await database.db.updateTable('messages').set({ tool_calls: '[{"id":"call_0"}]' }).where('id', '=', 'a1').execute();
    await database.db.updateTable('messages').set({ content_parts: '[{"type":"image_url"}]' }).where('id', '=', 'q1').execute();
    expect(await searchMessages(database, 'holts')).toEqual(['a1']);

    const { error, results } = await (await migrator(database)).migrateDown();
    expect(error).toBeUndefined();
    expect(results?.map((result) => result.migrationName)).toEqual(['0005-tool-calls-and-content-parts']);
    const kept = await sql<{ id: string; content: string }>`select * from messages order by id`.execute(database.db);
    expect(kept.rows.map((row) => [row.id, row.content])).toEqual([
      ['a1', 'In holts.'],
      ['q1', 'Where do otters sleep?'],
    ]);
    expect(Object.keys(kept.rows[0]!)).not.toContain('tool_calls');
    expect(await searchMessages(database, 'otters')).toEqual(['q1']);
  });
});
