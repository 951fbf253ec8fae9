/**
 * API keys (`sk-…`): one per user, as in Open WebUI, stored only as a SHA-256 hash. The whole key
 * is shown once, when it is created.
 */
import type { Kysely } from 'kysely';
import type { Schema } from '../storage';
import { apiKeyHint, hashApiKey, newApiKey } from './credentials';

export class ApiKeyStore {
  constructor(private readonly db: Kysely<Schema>) {}

  /** Creates the user's key, replacing any earlier one. Returns the whole key. */
  async create(userId: string): Promise<string> {
    const key = newApiKey();
    const now = Date.now();
    const values = { user_id: userId, key_hash: hashApiKey(key), key_hint: apiKeyHint(key), created_at: now, last_used_at: null };
    await this.db
      .insertInto('api_keys')
      .values(values)
      .onConflict((conflict) => conflict.column('user_id').doUpdateSet({ key_hash: values.key_hash, key_hint: values.key_hint, created_at: now, last_used_at: null }))
      .execute();
    return key;
  }

  find(userId: string): Promise<{ key_hint: string; created_at: number; last_used_at: number | null } | undefined> {
    return this.db.selectFrom('api_keys').select(['key_hint', 'created_at', 'last_used_at']).where('user_id', '=', userId).executeTakeFirst();
  }

  async delete(userId: string): Promise<boolean> {
    const result = await this.db.deleteFrom('api_keys').where('user_id', '=', userId).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /** The owner of a key, or undefined. */
  async ownerOf(key: string): Promise<string | undefined> {
    const row = await this.db.selectFrom('api_keys').select('user_id').where('key_hash', '=', hashApiKey(key)).executeTakeFirst();
    return row?.user_id;
  }

  async touch(userId: string, at: number): Promise<void> {
    await this.db.updateTable('api_keys').set({ last_used_at: at }).where('user_id', '=', userId).execute();
  }
}
