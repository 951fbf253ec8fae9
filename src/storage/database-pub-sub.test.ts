import type { KyselyPlugin } from 'kysely';
import { afterEach, describe, it, expect, vi } from 'vitest';
import { databaseKinds } from '../../test/support/backends';
import type { Logger } from '../core/logger';
import { createDatabasePubSub } from './database-pub-sub';
import { describePubSubContract } from './pub-sub-contract';
import { prunePubSubMessages } from './prune-pub-sub-messages';
import { sharedTestDatabase, type SharedTestDatabase } from './shared-test-database';
import type { Database, PubSub } from './types';

const sleep = (milliseconds: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, milliseconds));

async function waitUntil(condition: () => boolean | Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(10);
  }
}

/** The same connection, with every SELECT counted (and, when asked, slowed down or failed). */
function watched(database: Database, behaviour: { delayMs?: number; failFirst?: number } = {}) {
  const counts = { selects: 0, mostAtOnce: 0 };
  const running = new Set<unknown>();
  let failuresLeft = behaviour.failFirst ?? 0;
  const plugin: KyselyPlugin = {
    transformQuery(args) {
      if (args.node.kind !== 'SelectQueryNode') return args.node;
      counts.selects += 1;
      if (failuresLeft > 0) {
        failuresLeft -= 1;
        throw new Error('database unavailable');
      }
      running.add(args.queryId);
      counts.mostAtOnce = Math.max(counts.mostAtOnce, running.size);
      return args.node;
    },
    async transformResult(args) {
      if (running.has(args.queryId)) {
        await sleep(behaviour.delayMs ?? 0);
        running.delete(args.queryId);
      }
      return args.result;
    },
  };
  return { database: { ...database, db: database.db.withPlugin(plugin) }, counts };
}

for (const kind of databaseKinds) {
  const setup = sharedTestDatabase(kind);
  describePubSubContract(`database (${kind})`, {
    // Each instance on its own connection, as a separate process would be.
    open: async (options) => createDatabasePubSub(await setup.open(), { logger: options.logger }),
    spansProcesses: true,
    cleanup: () => setup.cleanup(),
  });
}

describe.each(databaseKinds)('createDatabasePubSub on %s', (kind) => {
  let setup: SharedTestDatabase;
  const opened: PubSub[] = [];
  const open = async (database: Database, options: Parameters<typeof createDatabasePubSub>[1] = {}): Promise<PubSub> => {
    const pubSub = createDatabasePubSub(database, options);
    opened.push(pubSub);
    return Promise.resolve(pubSub);
  };

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((pubSub) => pubSub.close()));
    await setup.cleanup();
  });

  it('carries messages between two connections within a second, each once, in order', async () => {
    setup = sharedTestDatabase(kind);
    const [first, second] = [await open(await setup.open()), await open(await setup.open())];
    const heardByFirst: string[] = [];
    const heardBySecond: string[] = [];
    await first.subscribe('channel', (message) => heardByFirst.push(message));
    await second.subscribe('channel', (message) => heardBySecond.push(message));

    const sentAt = Date.now();
    // Not awaited one by one: publishes in quick succession must still arrive in order.
    await Promise.all(['a1', 'a2', 'a3'].map((message) => first.publish('channel', message)));
    expect(heardByFirst).toEqual(['a1', 'a2', 'a3']);
    await waitUntil(() => heardBySecond.length === 3);
    expect(Date.now() - sentAt).toBeLessThan(1000);

    await second.publish('channel', 'b1');
    await second.publish('channel', 'b2');
    expect(heardBySecond).toEqual(['a1', 'a2', 'a3', 'b1', 'b2']);
    await waitUntil(() => heardByFirst.length === 5);

    // Several more polls read the same rows again (they look 2 s back); nothing arrives twice.
    await sleep(700);
    expect(heardByFirst).toEqual(['a1', 'a2', 'a3', 'b1', 'b2']);
    expect(heardBySecond).toEqual(['a1', 'a2', 'a3', 'b1', 'b2']);
  });

  it('does not deliver what was published before the subscription started', async () => {
    setup = sharedTestDatabase(kind);
    const [publisher, subscriber] = [await open(await setup.open()), await open(await setup.open(), { pollIntervalMs: 20 })];
    await subscriber.subscribe('other', () => undefined);
    await publisher.publish('channel', 'early');
    await sleep(5);
    const heard: string[] = [];
    await subscriber.subscribe('channel', (message) => heard.push(message));
    await publisher.publish('channel', 'late');
    await waitUntil(() => heard.length === 1);
    await sleep(200);
    expect(heard).toEqual(['late']);
  });

  it('deletes messages older than the retention period, leaving newer ones', async () => {
    setup = sharedTestDatabase(kind);
    const database = await setup.open();
    const now = Date.now();
    await database.db
      .insertInto('pubsub_messages')
      .values([
        { id: 'old', channel: 'channel', message: 'old', created_at: now - 120_000 },
        { id: 'recent', channel: 'channel', message: 'recent', created_at: now - 1000 },
      ])
      .execute();
    const pubSub = await open(database, { pollIntervalMs: 20, retentionMs: 60_000 });
    const heard: string[] = [];
    await pubSub.subscribe('channel', (message) => heard.push(message));
    const ids = async (): Promise<string[]> => (await database.db.selectFrom('pubsub_messages').select('id').execute()).map((row) => row.id);
    await waitUntil(async () => (await ids()).length === 1);
    expect(await ids()).toEqual(['recent']);
    expect(heard).toEqual([]);
  });

  it('lets only one process per period take the turn to delete old messages', async () => {
    setup = sharedTestDatabase(kind);
    const [first, second] = [await setup.open(), await setup.open()];
    const now = Date.now();
    const options = { retentionMs: 1000, everyMs: 30_000 };
    const turns = await Promise.all([prunePubSubMessages(first.db, { ...options, now }), prunePubSubMessages(second.db, { ...options, now })]);
    expect(turns.filter(Boolean)).toHaveLength(1);
    expect(await prunePubSubMessages(second.db, { ...options, now: now + 29_000 })).toBe(false);
    expect(await prunePubSubMessages(second.db, { ...options, now: now + 30_000 })).toBe(true);
  });

  it('polls only while someone subscribes, stops when closed, and leaves the database open', async () => {
    setup = sharedTestDatabase(kind);
    const { database, counts } = watched(await setup.open());
    const pubSub = await open(database, { pollIntervalMs: 10 });
    await pubSub.publish('channel', 'nobody listens');
    await sleep(100);
    expect(counts.selects).toBe(0);

    const unsubscribe = await pubSub.subscribe('channel', () => undefined);
    await waitUntil(() => counts.selects >= 3);
    await unsubscribe();
    await sleep(30);
    const afterUnsubscribe = counts.selects;
    await sleep(100);
    expect(counts.selects).toBe(afterUnsubscribe);

    await pubSub.subscribe('channel', () => undefined);
    await waitUntil(() => counts.selects > afterUnsubscribe);
    await pubSub.close();
    const afterClose = counts.selects;
    await sleep(100);
    expect(counts.selects).toBe(afterClose);
    await expect(pubSub.publish('channel', 'late')).rejects.toThrow(/closed/);
    await expect(database.ping()).resolves.toBeUndefined();
  });

  it('never runs two polls at once, and goes on after a failed poll, reporting it', async () => {
    setup = sharedTestDatabase(kind);
    const logger = { error: vi.fn(), warn: vi.fn(), info: vi.fn() };
    const { database: slow, counts: slowCounts } = watched(await setup.open(), { delayMs: 60 });
    const { database: failing } = watched(await setup.open(), { failFirst: 2 });
    const slowPubSub = await open(slow, { pollIntervalMs: 5 });
    const failingPubSub = await open(failing, { pollIntervalMs: 10, logger: logger as unknown as Logger });
    const publisher = await open(await setup.open());
    const heardBySlow: string[] = [];
    const heardByFailing: string[] = [];
    await slowPubSub.subscribe('channel', (message) => heardBySlow.push(message));
    await failingPubSub.subscribe('channel', (message) => heardByFailing.push(message));
    await publisher.publish('channel', 'through');

    await waitUntil(() => heardBySlow.length === 1 && heardByFailing.length === 1);
    expect(slowCounts.mostAtOnce).toBe(1);
    expect(logger.warn).toHaveBeenCalledWith(expect.objectContaining({ err: expect.any(Error) }), expect.stringMatching(/failed; will retry/));
  });
});
