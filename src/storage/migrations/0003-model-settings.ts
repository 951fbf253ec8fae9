/** Per-model settings an admin sets: who may use the model (everyone, admins, or listed users). */
import type { Kysely } from 'kysely';

type AnyDatabase = Kysely<unknown>;

export async function up(db: AnyDatabase): Promise<void> {
  await db.schema
    .createTable('model_settings')
    .addColumn('model_id', 'text', (column) => column.primaryKey())
    .addColumn('access', 'text', (column) => column.notNull().defaultTo('everyone'))
    // A JSON array of user ids, for access 'users'.
    .addColumn('user_ids', 'text', (column) => column.notNull().defaultTo('[]'))
    .addColumn('updated_at', 'bigint', (column) => column.notNull())
    .execute();
}

export async function down(db: AnyDatabase): Promise<void> {
  await db.schema.dropTable('model_settings').execute();
}
