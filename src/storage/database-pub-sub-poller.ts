import type { Kysely } from 'kysely';
import type { Logger } from '../core/logger';
import { prunePubSubMessages } from './prune-pub-sub-messages';
import type { PubSubMessageTable, Schema } from './types';

/**
 * A row can commit later than the time it carries (a slow transaction, clocks a little apart), so
 * every poll looks back this far before the previous one and skips the ids it has already seen.
 */
const lateCommitMarginMs = 2000;
const pruneEveryMs = 30_000;
/** With more channels than this, a poll reads every channel's rows rather than list them all. */
const maxChannelsInQuery = 500;

export interface PubSubPollerOptions {
  db: Kysely<Schema>;
  pollIntervalMs: number;
  retentionMs: number;
  logger?: Logger;
  /** The channels someone here listens to; polling goes on while there are any. */
  channels(): string[];
  /** Called once per new row, oldest first. */
  deliver(row: PubSubMessageTable): void;
}

export interface PubSubPoller {
  /** Starts polling, from now on, unless it is already going. */
  start(): void;
  /** Stops once the poll in flight (if any) has finished. */
  stop(): void;
  /** Notes a row this process published and delivered itself, so no poll delivers it again. */
  markSeen(id: string, createdAt: number): void;
  close(): Promise<void>;
}

const byTimeThenId = (a: PubSubMessageTable, b: PubSubMessageTable): number =>
  a.created_at - b.created_at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * Reads new `pubsub_messages` rows every `pollIntervalMs` while there are channels to read, and
 * now and then takes this installation's turn to delete old rows.
 */
export function createPubSubPoller(options: PubSubPollerOptions): PubSubPoller {
  const { db, logger } = options;
  // Ids delivered (or passed over) with their times; forgotten once no poll can return them again,
  // which keeps the map to a few seconds of messages.
  const seen = new Map<string, number>();
  let highWaterMark = 0;
  let timer: NodeJS.Timeout | undefined;
  let polling: Promise<void> | undefined;
  let pruning: Promise<void> | undefined;
  let lastPruneAttempt = Number.NEGATIVE_INFINITY;
  let closed = false;

  const poll = async (): Promise<void> => {
    const startedAt = Date.now();
    const channels = options.channels();
    if (channels.length === 0) return;
    let query = db.selectFrom('pubsub_messages').selectAll().where('created_at', '>', highWaterMark - lateCommitMarginMs);
    if (channels.length <= maxChannelsInQuery) query = query.where('channel', 'in', channels);
    const rows = await query.execute();
    for (const row of rows.sort(byTimeThenId)) {
      if (seen.has(row.id)) continue;
      seen.set(row.id, row.created_at);
      options.deliver(row);
    }
    // Only a poll that succeeded moves the mark, so after a failed one the next reads from further back.
    highWaterMark = Math.max(highWaterMark, startedAt);
    for (const [id, createdAt] of seen) if (createdAt <= highWaterMark - lateCommitMarginMs) seen.delete(id);
  };

  const pruneWhenDue = (): void => {
    const now = Date.now();
    if (pruning !== undefined || now - lastPruneAttempt < pruneEveryMs) return;
    lastPruneAttempt = now;
    pruning = prunePubSubMessages(db, { now, retentionMs: options.retentionMs, everyMs: pruneEveryMs })
      .then(() => undefined)
      .catch((error: unknown) => logger?.warn({ err: error }, 'deleting old pub/sub messages failed; will retry'))
      .finally(() => (pruning = undefined));
  };

  // The next poll is scheduled only when this one has finished, so a slow poll never overlaps one.
  const schedule = (): void => {
    timer = setTimeout(() => {
      timer = undefined;
      polling = poll()
        .catch((error: unknown) => logger?.warn({ err: error }, 'reading pub/sub messages from the database failed; will retry'))
        .finally(() => {
          polling = undefined;
          if (!closed && options.channels().length > 0) schedule();
        });
      pruneWhenDue();
    }, options.pollIntervalMs);
    timer.unref();
  };

  return {
    start() {
      if (closed || timer !== undefined || polling !== undefined) return;
      highWaterMark = Date.now();
      schedule();
    },

    stop() {
      clearTimeout(timer);
      timer = undefined;
    },

    markSeen(id, createdAt) {
      // While not polling, the next start reads only from then on; nothing to remember meanwhile.
      if (timer !== undefined || polling !== undefined) seen.set(id, createdAt);
    },

    async close() {
      closed = true;
      clearTimeout(timer);
      timer = undefined;
      await Promise.all([polling, pruning]);
    },
  };
}
