import type { Kysely } from 'kysely';
import type { Schema } from './types';

/** The `app_state` row holding when some process last took its turn to delete old messages. */
const claimKey = 'pubsub_messages_pruned_at';

/**
 * Deletes `pubsub_messages` rows older than `retentionMs`, at most once per `everyMs` among all the
 * processes sharing the database: each first claims the turn with one conditional upsert, which
 * only one of them can win per period. Returns whether this call won the turn.
 */
export async function prunePubSubMessages(
  db: Kysely<Schema>,
  options: { now: number; retentionMs: number; everyMs: number },
): Promise<boolean> {
  const { now } = options;
  const claimed = await db
    .insertInto('app_state')
    .values({ key: claimKey, value: String(now), updated_at: now })
    .onConflict((conflict) =>
      conflict
        .column('key')
        .doUpdateSet({ value: String(now), updated_at: now })
        .where('app_state.updated_at', '<=', now - options.everyMs),
    )
    .returning('key')
    .executeTakeFirst();
  if (claimed === undefined) return false;
  await db.deleteFrom('pubsub_messages').where('created_at', '<', now - options.retentionMs).execute();
  return true;
}
