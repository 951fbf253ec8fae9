/**
 * The model servers Astra talks to (Ollama and OpenAI-compatible), editable at run time. Seeded
 * once from the environment; from then on this table is the truth. `enabled` is an integer (0/1)
 * so SQLite and PostgreSQL store it alike.
 */
import type { Kysely } from 'kysely';

// Migrations see the database as it was when they were written, not as `Schema` describes it today.
type AnyDatabase = Kysely<unknown>;

export async function up(db: AnyDatabase): Promise<void> {
  await db.schema
    .createTable('connections')
    .addColumn('id', 'text', (column) => column.primaryKey())
    .addColumn('kind', 'text', (column) => column.notNull())
    .addColumn('name', 'text', (column) => column.notNull())
    .addColumn('base_url', 'text', (column) => column.notNull())
    .addColumn('api_key', 'text', (column) => column.notNull().defaultTo(''))
    .addColumn('enabled', 'integer', (column) => column.notNull().defaultTo(1))
    .addColumn('prefix_id', 'text', (column) => column.notNull().defaultTo(''))
    .addColumn('position', 'integer', (column) => column.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (column) => column.notNull())
    .addColumn('updated_at', 'bigint', (column) => column.notNull())
    .execute();
}

export async function down(db: AnyDatabase): Promise<void> {
  await db.schema.dropTable('connections').execute();
}
