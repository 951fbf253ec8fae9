import { sql, type ExpressionBuilder } from 'kysely';
import type { Logger } from '../core/logger';
import type { Database, KeyValue, Schema } from './types';

export interface DatabaseKeyValueOptions {
  /** How often expired rows are deleted (default one minute). Reads ignore them meanwhile. */
  sweepIntervalMs?: number;
  logger?: Logger;
}

/**
 * A KeyValue kept in the `kv_entries` and `kv_set_members` tables of the shared database, for when
 * there is no Redis. Works on SQLite and PostgreSQL alike, and across processes sharing the database.
 * `close()` stops the sweep; it does not close the database, which belongs to the caller.
 */
export function createDatabaseKeyValue(database: Database, options: DatabaseKeyValueOptions = {}): KeyValue {
  const { db } = database;

  // Rows whose time has passed stay until the sweep deletes them; every read skips them.
  const live = (now: number) => (builder: ExpressionBuilder<Schema, 'kv_entries' | 'kv_set_members'>) =>
    builder.or([builder('expires_at', 'is', null), builder('expires_at', '>', now)]);

  let sweeping: Promise<void> | undefined;
  const sweep = async (): Promise<void> => {
    const now = Date.now();
    await db.deleteFrom('kv_entries').where('expires_at', '<=', now).execute();
    await db.deleteFrom('kv_set_members').where('expires_at', '<=', now).execute();
  };
  const timer = setInterval(() => {
    sweeping ??= sweep()
      .catch((error: unknown) => options.logger?.warn({ err: error }, 'deleting expired key-value rows failed; will retry'))
      .finally(() => (sweeping = undefined));
  }, options.sweepIntervalMs ?? 60_000);
  timer.unref();

  return {
    async get(key) {
      const row = await db.selectFrom('kv_entries').select('value').where('key', '=', key).where(live(Date.now())).executeTakeFirst();
      return row?.value;
    },

    async set(key, value, setOptions) {
      const expiresAt = setOptions?.ttlMs === undefined ? null : Date.now() + setOptions.ttlMs;
      await db
        .insertInto('kv_entries')
        .values({ key, value, expires_at: expiresAt })
        .onConflict((conflict) => conflict.column('key').doUpdateSet({ value, expires_at: expiresAt }))
        .execute();
    },

    async delete(key) {
      await db.deleteFrom('kv_entries').where('key', '=', key).execute();
      await db.deleteFrom('kv_set_members').where('key', '=', key).execute();
    },

    async increment(key, incrementOptions) {
      const now = Date.now();
      // One statement, so concurrent increments from any number of processes each count once: the
      // database serialises them on the row. An expired counter restarts at 1 with a new expiry;
      // a live one keeps the expiry it was created with.
      const expired = sql<boolean>`kv_entries.expires_at is not null and kv_entries.expires_at <= ${now}`;
      const row = await db
        .insertInto('kv_entries')
        .values({ key, value: '1', expires_at: now + incrementOptions.ttlMs })
        .onConflict((conflict) =>
          conflict.column('key').doUpdateSet({
            value: sql<string>`case when ${expired} then '1' else cast(cast(kv_entries.value as bigint) + 1 as text) end`,
            expires_at: sql<number>`case when kv_entries.expires_at is null or ${expired} then excluded.expires_at else kv_entries.expires_at end`,
          }),
        )
        .returning(['value', 'expires_at'])
        .executeTakeFirstOrThrow();
      const expiresAt = Number(row.expires_at);
      return { value: Number(row.value), ttlMs: Math.max(0, expiresAt - now) };
    },

    async ttl(key) {
      const now = Date.now();
      const entry = await db.selectFrom('kv_entries').select('expires_at').where('key', '=', key).where(live(now)).executeTakeFirst();
      const expiresAt =
        entry === undefined
          ? (await db.selectFrom('kv_set_members').select('expires_at').where('key', '=', key).where(live(now)).executeTakeFirst())?.expires_at
          : entry.expires_at;
      return expiresAt === null || expiresAt === undefined ? undefined : Math.max(0, expiresAt - now);
    },

    async addToSet(key, member, setOptions) {
      const now = Date.now();
      // Members of one set share one expiry. Without a ttl the new member takes the set's current
      // one (none for a new set); with a ttl every live member gets the new expiry.
      const expiresAt =
        setOptions?.ttlMs === undefined
          ? ((await db.selectFrom('kv_set_members').select('expires_at').where('key', '=', key).where(live(now)).executeTakeFirst())
              ?.expires_at ?? null)
          : now + setOptions.ttlMs;
      await db
        .insertInto('kv_set_members')
        .values({ key, member, expires_at: expiresAt })
        .onConflict((conflict) => conflict.columns(['key', 'member']).doUpdateSet({ expires_at: expiresAt }))
        .execute();
      if (setOptions?.ttlMs !== undefined) {
        await db.updateTable('kv_set_members').set({ expires_at: expiresAt }).where('key', '=', key).where(live(now)).execute();
      }
    },

    async removeFromSet(key, member) {
      await db.deleteFrom('kv_set_members').where('key', '=', key).where('member', '=', member).execute();
    },

    async setMembers(key) {
      const rows = await db.selectFrom('kv_set_members').select('member').where('key', '=', key).where(live(Date.now())).execute();
      return rows.map((row) => row.member);
    },

    ping: () => database.ping(),

    async close() {
      clearInterval(timer);
      await sweeping;
    },
  };
}
