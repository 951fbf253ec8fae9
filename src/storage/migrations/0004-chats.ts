/**
 * Chats and their messages, one row per message (a chat is a tree: a message's siblings are the
 * other answers to, or edits of, the same parent). Full-text search over titles and message
 * contents: on SQLite two FTS5 indexes kept in step by triggers; on PostgreSQL GIN indexes on
 * `to_tsvector('simple', …)`. Messages still being generated are left out of the index, so the
 * small UPDATEs that save a growing answer do not re-index it each time.
 */
import { sql, SqliteAdapter, type Kysely } from 'kysely';

// Migrations see the database as it was when they were written, not as `Schema` describes it today.
type AnyDatabase = Kysely<unknown>;

/** PostgreSQL indexes at most this many characters of a message (a tsvector is limited to 1 MB). */
export const searchedContentLength = 100_000;

export async function up(db: AnyDatabase): Promise<void> {
  await db.schema
    .createTable('chats')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('user_id', 'text', (column) => column.notNull().references('users.id').onDelete('cascade'))
    .addColumn('title', 'text', (column) => column.notNull().defaultTo(''))
    .addColumn('models', 'text', (column) => column.notNull().defaultTo('[]'))
    .addColumn('pinned', 'integer', (column) => column.notNull().defaultTo(0))
    .addColumn('archived', 'integer', (column) => column.notNull().defaultTo(0))
    .addColumn('share_id', 'text', (column) => column.unique())
    .addColumn('current_message_id', 'text')
    .addColumn('created_at', 'bigint', (column) => column.notNull())
    .addColumn('updated_at', 'bigint', (column) => column.notNull())
    .execute();
  // The chat list: one user's chats, newest first.
  await db.schema.createIndex('chats_user_id_updated_at').on('chats').columns(['user_id', 'updated_at']).execute();

  await db.schema
    .createTable('messages')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('chat_id', 'text', (column) => column.notNull().references('chats.id').onDelete('cascade'))
    .addColumn('parent_id', 'text')
    .addColumn('role', 'text', (column) => column.notNull())
    .addColumn('model', 'text')
    .addColumn('content', 'text', (column) => column.notNull().defaultTo(''))
    .addColumn('reasoning', 'text', (column) => column.notNull().defaultTo(''))
    .addColumn('status', 'text', (column) => column.notNull().defaultTo('complete'))
    .addColumn('error', 'text')
    .addColumn('usage', 'text')
    .addColumn('timings', 'text')
    .addColumn('sources', 'text')
    .addColumn('process_id', 'text')
    .addColumn('created_at', 'bigint', (column) => column.notNull())
    .addColumn('updated_at', 'bigint', (column) => column.notNull())
    .execute();
  await db.schema.createIndex('messages_chat_id_created_at').on('messages').columns(['chat_id', 'created_at']).execute();
  // Finding the generations a stopped process left behind reads only the few unfinished rows.
  await db.schema
    .createIndex('messages_generating_process_id')
    .on('messages')
    .column('process_id')
    .where(sql.ref('status'), '=', 'generating')
    .execute();

  if (isSqlite(db)) await createSqliteSearch(db);
  else await createPostgresSearch(db);
}

export async function down(db: AnyDatabase): Promise<void> {
  if (isSqlite(db)) {
    for (const trigger of sqliteTriggerNames) await sql.raw(`drop trigger if exists ${trigger}`).execute(db);
    await sql`drop table if exists messages_fts`.execute(db);
    await sql`drop table if exists chats_fts`.execute(db);
  }
  await db.schema.dropTable('messages').execute();
  await db.schema.dropTable('chats').execute();
}

function isSqlite(db: AnyDatabase): boolean {
  return db.getExecutor().adapter instanceof SqliteAdapter;
}

const sqliteTriggerNames = [
  'chats_fts_insert',
  'chats_fts_delete',
  'chats_fts_update',
  'messages_fts_insert',
  'messages_fts_delete',
  'messages_fts_update',
];

/**
 * External-content FTS5 tables (the text lives once, in `chats` and `messages`). An FTS5 'delete'
 * must be given exactly the values that were indexed, so the invariant is: a message is in the
 * index, with its current content, exactly when its status is not 'generating'. Rows deleted by a
 * cascade fire these triggers too, so no stale entry can point at a reused rowid. (FTS5's
 * 'integrity-check' compares with the table, so it reports answers still generating as missing.)
 */
async function createSqliteSearch(db: AnyDatabase): Promise<void> {
  const tokenizer = `tokenize = "unicode61 remove_diacritics 2"`;
  const statements = [
    `create virtual table chats_fts using fts5(title, content = 'chats', content_rowid = 'rowid', ${tokenizer})`,
    `create trigger chats_fts_insert after insert on chats begin
       insert into chats_fts(rowid, title) values (new.rowid, new.title);
     end`,
    `create trigger chats_fts_delete after delete on chats begin
       insert into chats_fts(chats_fts, rowid, title) values ('delete', old.rowid, old.title);
     end`,
    `create trigger chats_fts_update after update of title on chats begin
       insert into chats_fts(chats_fts, rowid, title) values ('delete', old.rowid, old.title);
       insert into chats_fts(rowid, title) values (new.rowid, new.title);
     end`,
    `create virtual table messages_fts using fts5(content, content = 'messages', content_rowid = 'rowid', ${tokenizer})`,
    `create trigger messages_fts_insert after insert on messages when new.status <> 'generating' begin
       insert into messages_fts(rowid, content) values (new.rowid, new.content);
     end`,
    `create trigger messages_fts_delete after delete on messages when old.status <> 'generating' begin
       insert into messages_fts(messages_fts, rowid, content) values ('delete', old.rowid, old.content);
     end`,
    `create trigger messages_fts_update after update of content, status on messages begin
       insert into messages_fts(messages_fts, rowid, content)
         select 'delete', old.rowid, old.content where old.status <> 'generating';
       insert into messages_fts(rowid, content)
         select new.rowid, new.content where new.status <> 'generating';
     end`,
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
}

/** Expression indexes: the search query must use the very same expressions to be served by them. */
async function createPostgresSearch(db: AnyDatabase): Promise<void> {
  await sql`create index chats_title_search on chats using gin (to_tsvector('simple', title))`.execute(db);
  await sql
    .raw(
      `create index messages_content_search on messages using gin (to_tsvector('simple', left(content, ${searchedContentLength}))) ` +
        `where status <> 'generating'`,
    )
    .execute(db);
}
