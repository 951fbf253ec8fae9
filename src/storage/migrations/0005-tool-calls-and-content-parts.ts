/**
 * Two nullable JSON columns on `messages`: `tool_calls`, an answer's tool calls in OpenAI's shape
 * (`[{id, type: 'function', function: {name, arguments}}]`), and `content_parts`, the parts of a
 * user's message other than text (images, audio, files) in OpenAI's shape. Both stay null for
 * messages without them, including every message written before this migration. The text stays in
 * `content`, so full-text search is unchanged.
 */
import type { Kysely } from 'kysely';

// Migrations see the database as it was when they were written, not as `Schema` describes it today.
type AnyDatabase = Kysely<unknown>;

// One column per statement: SQLite's ALTER TABLE adds a single column at a time.
const columns = ['tool_calls', 'content_parts'] as const;

export async function up(db: AnyDatabase): Promise<void> {
  for (const column of columns) await db.schema.alterTable('messages').addColumn(column, 'text').execute();
}

export async function down(db: AnyDatabase): Promise<void> {
  for (const column of columns) await db.schema.alterTable('messages').dropColumn(column).execute();
}
