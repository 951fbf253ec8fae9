import type { Kysely } from 'kysely';
import type { PubSubMessageTable, Schema } from './types';

/** Well under SQLite's and PostgreSQL's limits on parameters per statement (4 per row). */
const maxRowsPerInsert = 500;

/**
 * How long a row waits for others before its statement runs. Other processes look for rows every
 * 200 ms, so a few milliseconds more change nothing for them; here they make one statement (and, on
 * SQLite, one commit) of the messages many requests publish close together — a chat turn publishes
 * two — and keep the write out of the request that published, which goes on to its model server first.
 */
const defaultBatchWindowMs = 5;

export interface PubSubMessageWriter {
  /** Resolves once `row` is committed; rejects when its insert failed. */
  write(row: PubSubMessageTable): Promise<void>;
  /** Resolves when every write asked for so far has finished. */
  idle(): Promise<void>;
}

/**
 * Inserts `pubsub_messages` rows in the order asked, one statement at a time, so that a row never
 * commits before one published earlier by the same process: other processes could otherwise read
 * the later one first. Rows asked for within `batchWindowMs` of the first waiting one, or while a
 * statement runs, go together in the next statement.
 */
export function createPubSubMessageWriter(db: Kysely<Schema>, batchWindowMs = defaultBatchWindowMs): PubSubMessageWriter {
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
  const afterWindow = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, batchWindowMs));

  return {
    write(row) {
      const written = new Promise<void>((resolve, reject) => queue.push({ row, resolve, reject }));
      writing ??= afterWindow().then(drain);
      return written;
    },
    idle: () => writing ?? Promise.resolve(),
  };
}
