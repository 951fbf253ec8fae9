import type { KyselyPlugin } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { databaseKinds } from '../../test/support/backends';
import { createPubSubMessageWriter } from './pub-sub-message-writer';
import { sharedTestDatabase, type SharedTestDatabase } from './shared-test-database';
import type { Database, PubSubMessageTable } from './types';

const sleep = (milliseconds: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, milliseconds));

/** The database with its INSERT statements counted, and failed while `failing` is set. */
function counted(database: Database) {
  const state = { inserts: 0, failing: false };
  const plugin: KyselyPlugin = {
    transformQuery(args) {
      if (args.node.kind === 'InsertQueryNode') {
        state.inserts += 1;
        if (state.failing) throw new Error('database unavailable');
      }
      return args.node;
    },
    transformResult: (args) => Promise.resolve(args.result),
  };
  return { db: database.db.withPlugin(plugin), state };
}

const row = (index: number, channel = 'writer-test'): PubSubMessageTable => ({
  id: `writer-${index.toString().padStart(4, '0')}`,
  channel,
  message: `message ${index}`,
  created_at: Date.now(),
});

describe.each(databaseKinds)('createPubSubMessageWriter on %s', (kind) => {
  let setup: SharedTestDatabase;

  afterEach(async () => {
    await setup.cleanup();
  });

  const storedMessages = async (database: Database): Promise<string[]> =>
    (await database.db.selectFrom('pubsub_messages').select('message').where('channel', '=', 'writer-test').orderBy('id').execute()).map((stored) => stored.message);

  it('writes rows asked for close together in one statement, each promise resolving once stored', async () => {
    setup = sharedTestDatabase(kind);
    const database = await setup.open();
    const { db, state } = counted(database);
    const writer = createPubSubMessageWriter(db, 20);
    const first = writer.write(row(1));
    await sleep(2); // another request, a moment later, within the window
    const second = writer.write(row(2));
    const third = writer.write(row(3));
    expect(state.inserts).toBe(0); // nothing is written in the publisher's own turn
    await Promise.all([first, second, third]);
    expect(state.inserts).toBe(1);
    expect(await storedMessages(database)).toEqual(['message 1', 'message 2', 'message 3']);
  });

  it('starts a new statement for a row asked for after the last one was written, and idle() waits for it', async () => {
    setup = sharedTestDatabase(kind);
    const database = await setup.open();
    const { db, state } = counted(database);
    const writer = createPubSubMessageWriter(db, 5);
    await writer.write(row(1));
    const later = writer.write(row(2));
    await writer.idle();
    await expect(later).resolves.toBeUndefined();
    expect(state.inserts).toBe(2);
    expect(await storedMessages(database)).toEqual(['message 1', 'message 2']);
    await expect(writer.idle()).resolves.toBeUndefined();
  });

  it('rejects every row of a failed statement and goes on with later ones', async () => {
    setup = sharedTestDatabase(kind);
    const database = await setup.open();
    const { db, state } = counted(database);
    const writer = createPubSubMessageWriter(db, 5);
    state.failing = true;
    const failed = [writer.write(row(1)), writer.write(row(2))];
    const outcomes = await Promise.allSettled(failed);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
    expect((outcomes[0] as PromiseRejectedResult).reason).toMatchObject({ message: 'database unavailable' });
    state.failing = false;
    await writer.write(row(3));
    expect(await storedMessages(database)).toEqual(['message 3']);
  });
});
