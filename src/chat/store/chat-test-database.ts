/**
 * A fresh migrated database with a `ChatStore` on it, and users to own chats. Test-only: imported
 * by `*.test.ts` files, never by the server.
 */
import { createTestDatabase } from '../../../test/support/backends';
import { newId } from '../../core/ids';
import { openDatabase, type Database } from '../../storage';
import { ChatStore } from './chat-store';

export interface ChatTestDatabase {
  database: Database;
  chats: ChatStore;
  /** Inserts a user and returns its id. */
  addUser(): Promise<string>;
  close(): Promise<void>;
}

export async function openChatTestDatabase(kind: 'sqlite' | 'postgres'): Promise<ChatTestDatabase> {
  const testDatabase = await createTestDatabase(kind);
  const pool = { size: 2, maxOverflow: 2, timeoutSeconds: 5, recycleSeconds: 0 };
  const database = await openDatabase({ url: testDatabase.databaseUrl, dataDir: testDatabase.dataDir, pool });
  return {
    database,
    chats: new ChatStore(database),
    async addUser() {
      const id = newId();
      const now = Date.now();
      await database.db
        .insertInto('users')
        .values({ id, email: `${id}@example.com`, name: 'Test', role: 'user', password_hash: 'x', profile_image_url: '', created_at: now, updated_at: now, last_active_at: now })
        .execute();
      return id;
    },
    async close() {
      await database.close();
      await testDatabase.cleanup();
    },
  };
}
