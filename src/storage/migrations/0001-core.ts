/**
 * The first schema: accounts (users, API keys), installation state, and the tables behind the
 * database KeyValue (which also holds sessions) and the database PubSub. Times are epoch
 * milliseconds in `bigint` columns, which SQLite stores as integers.
 */
import type { Kysely } from 'kysely';

// Migrations see the database as it was when they were written, not as `Schema` describes it today.
type AnyDatabase = Kysely<unknown>;

export async function up(db: AnyDatabase): Promise<void> {
  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('email', 'text', (column) => column.notNull().unique())
    .addColumn('name', 'text', (column) => column.notNull())
    .addColumn('role', 'text', (column) => column.notNull().defaultTo('pending'))
    .addColumn('password_hash', 'text', (column) => column.notNull())
    .addColumn('profile_image_url', 'text', (column) => column.notNull().defaultTo(''))
    .addColumn('created_at', 'bigint', (column) => column.notNull())
    .addColumn('updated_at', 'bigint', (column) => column.notNull())
    .addColumn('last_active_at', 'bigint', (column) => column.notNull())
    .execute();

  await db.schema
    .createTable('api_keys')
    .addColumn('user_id', 'text', (column) => column.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('key_hash', 'text', (column) => column.notNull().unique())
    .addColumn('key_hint', 'text', (column) => column.notNull())
    .addColumn('created_at', 'bigint', (column) => column.notNull())
    .addColumn('last_used_at', 'bigint')
    .execute();

  await db.schema
    .createTable('app_state')
    .addColumn('key', 'text', (column) => column.primaryKey())
    .addColumn('value', 'text', (column) => column.notNull())
    .addColumn('updated_at', 'bigint', (column) => column.notNull())
    .execute();

  await db.schema
    .createTable('kv_entries')
    .addColumn('key', 'text', (column) => column.primaryKey())
    .addColumn('value', 'text', (column) => column.notNull())
    .addColumn('expires_at', 'bigint')
    .execute();
  await db.schema.createIndex('kv_entries_expires_at').on('kv_entries').column('expires_at').execute();

  await db.schema
    .createTable('kv_set_members')
    .addColumn('key', 'text', (column) => column.notNull())
    .addColumn('member', 'text', (column) => column.notNull())
    .addColumn('expires_at', 'bigint')
    .addPrimaryKeyConstraint('kv_set_members_pkey', ['key', 'member'])
    .execute();
  // The periodic sweep deletes expired members; without this index it would scan the table.
  await db.schema.createIndex('kv_set_members_expires_at').on('kv_set_members').column('expires_at').execute();

  // The database PubSub's messages: processes poll for recent rows by time, and old rows are
  // deleted by time, so both look rows up through this index.
  await db.schema
    .createTable('pubsub_messages')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('channel', 'text', (column) => column.notNull())
    .addColumn('message', 'text', (column) => column.notNull())
    .addColumn('created_at', 'bigint', (column) => column.notNull())
    .execute();
  await db.schema.createIndex('pubsub_messages_created_at').on('pubsub_messages').column('created_at').execute();
}

export async function down(db: AnyDatabase): Promise<void> {
  for (const table of ['pubsub_messages', 'kv_set_members', 'kv_entries', 'app_state', 'api_keys', 'users']) {
    await db.schema.dropTable(table).execute();
  }
}
