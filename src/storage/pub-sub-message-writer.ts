import type { Kysely } from 'kysely';
import type { PubSubMessageTable, Schema } from './types';

/** Well under SQLite's and PostgreSQL's limits on parameters per statement (4 per row). */
const maxRowsPerInsert = 500;

export interface PubSubMessageWriter {
  /** Resolves once `row` is committed; rejects when its insert failed. */
  write(row: PubSubMessageTable): Promise<void>;
  /** Resolves when every write asked for so far has finished. */
  idle(): Promise<void>;
}

/**
 * Inserts `pubsub_messages` rows one statement at a time, in the order asked, so that a row never
 * commits before one published earlier by the same process: other processes could otherwise read
 * the later one first. Rows that arrive while a statement runs go together in the next one.
 */
export function createPubSubMessageWriter(db: Kysely<Schema>): PubSubMessageWriter {
  const queue: Array<{ row: PubSubMessageTable; resolve: () => void; reject: (error: unknown) => void }> = [];
  let writing: Promise<void> | undefined;

  const drain = async (): Promise<void> => {
    while (queue.length > 0) {
      const batch = queue.splice(0, maxRowsPerInsert);
      try {
        await db.insertInto('pubsub_messages').values(batch.map((entry) => entry.row)).execute();
        for (const entry of batch) entry.resolve();
      } catch (error) {
        for (const entry of batch) entry.reject(error);
      }
    }
    // Cleared in the same turn as the queue is found empty, so a write arriving later starts anew.
    writing = undefined;
  };

  return {
    write(row) {
      const written = new Promise<void>((resolve, reject) => queue.push({ row, resolve, reject }));
      writing ??= drain();
      return written;
    },
    idle: () => writing ?? Promise.resolve(),
  };
}
