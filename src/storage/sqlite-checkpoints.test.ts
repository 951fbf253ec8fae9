import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Logger } from '../core/logger';
import { openSqlite } from './open-sqlite';
import { startSqliteCheckpoints, type CheckpointResult, type SqliteCheckpoints } from './sqlite-checkpoints';

const sleep = (milliseconds: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, milliseconds));

describe('SQLite checkpoints in a worker thread', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** A WAL database file with a table, on its own connection, and a write count to go with it. */
  function walDatabase() {
    const directory = mkdtempSync(path.join(tmpdir(), 'astra-checkpoints-'));
    const file = path.join(directory, 'test.db');
    const connection = new BetterSqlite3(file);
    connection.pragma('journal_mode = WAL');
    connection.pragma('synchronous = NORMAL');
    connection.exec('create table rows (id integer primary key, body text)');
    const writes = { statements: 0, transactions: 0 };
    const insert = connection.prepare('insert into rows (body) values (?)');
    /** Inserts `count` rows of about 4 KB each (one WAL page or more per row). */
    const write = (count: number): void => {
      for (let index = 0; index < count; index += 1) insert.run('x'.repeat(4000));
      writes.statements += count;
    };
    cleanups.push(() => {
      if (connection.open) connection.close();
      rmSync(directory, { recursive: true, force: true });
    });
    return { file, connection, writes, write, walBytes: () => statSync(`${file}-wal`).size };
  }

  function started(checkpoints: SqliteCheckpoints): SqliteCheckpoints {
    cleanups.push(() => checkpoints.close());
    return checkpoints;
  }

  it('leaves checkpoints to the worker: the connection no longer folds the log back itself', async () => {
    const database = walDatabase();
    const checkpoints = started(startSqliteCheckpoints({ connection: database.connection, file: database.file, writes: database.writes, intervalMs: 60_000 }));
    expect(database.connection.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    // Well past SQLite's default of 1,000 pages: with automatic checkpoints the log would have been
    // copied back and restarted, staying near 4 MB; without, it holds every page written.
    database.write(1500);
    expect(database.walBytes()).toBeGreaterThan(1500 * 4096);

    const result = await checkpoints.checkpointNow();
    expect(result.busy).toBe(false);
    expect(result.logFrames).toBeGreaterThanOrEqual(1500);
    expect(result.checkpointedFrames).toBe(result.logFrames);
    // Once copied back, the next write starts the log over from its beginning.
    database.write(1);
    expect(database.connection.pragma('wal_checkpoint(PASSIVE)')).toEqual([{ busy: 0, log: expect.any(Number), checkpointed: expect.any(Number) }]);
    expect((database.connection.pragma('wal_checkpoint(PASSIVE)') as Array<{ log: number }>)[0]!.log).toBeLessThan(10);
  });

  it('checkpoints on its own once the log passes its threshold, not before, and stops the worker when there is nothing to do', async () => {
    const database = walDatabase();
    const results: CheckpointResult[] = [];
    const checkpoints = started(
      startSqliteCheckpoints({
        connection: database.connection,
        file: database.file,
        writes: database.writes,
        intervalMs: 20,
        thresholdPages: 40,
        idleWorkerMs: 200,
        onCheckpoint: (result) => results.push(result),
      }),
    );
    // A few pages: below the threshold, so no checkpoint and no worker.
    database.write(10);
    await sleep(150);
    expect(results).toEqual([]);
    expect(checkpoints.workerRunning).toBe(false);

    database.write(50);
    const deadline = Date.now() + 3000;
    while (results.length === 0 && Date.now() < deadline) await sleep(10);
    expect(results).toHaveLength(1);
    expect(results[0]!.checkpointedFrames).toBeGreaterThanOrEqual(60);
    expect(results[0]!.checkpointedFrames).toBe(results[0]!.logFrames);
    expect(checkpoints.workerRunning).toBe(true);

    // Nothing more to do: the worker stops after its idle time, and comes back when needed.
    const stopDeadline = Date.now() + 3000;
    while (checkpoints.workerRunning && Date.now() < stopDeadline) await sleep(20);
    expect(checkpoints.workerRunning).toBe(false);
    expect(results).toHaveLength(1);
    database.write(40);
    const againDeadline = Date.now() + 3000;
    while (results.length < 2 && Date.now() < againDeadline) await sleep(10);
    expect(results).toHaveLength(2);
    // The log started over after the first checkpoint: it holds the 40 rows written since (fewer
    // frames than the first 60), not all 100.
    expect(results[1]!.logFrames).toBeLessThan(results[0]!.logFrames);
    expect(results[1]!.checkpointedFrames).toBe(results[1]!.logFrames);
  });

  it('gives the checkpoints back to the connection, and says so, when the worker cannot run', async () => {
    const database = walDatabase();
    const warn = vi.fn();
    const logger = { warn, info: vi.fn(), error: vi.fn(), debug: vi.fn() } as unknown as Logger;
    const checkpoints = started(
      startSqliteCheckpoints({
        connection: database.connection,
        file: database.file,
        writes: database.writes,
        intervalMs: 60_000,
        logger,
        driver: path.join(tmpdir(), 'no-such-sqlite-driver.js'),
      }),
    );
    await expect(checkpoints.checkpointNow()).rejects.toThrow(/checkpoint worker failed/);
    expect(database.connection.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    expect(warn).toHaveBeenCalledWith(expect.objectContaining({ file: database.file }), expect.stringMatching(/checkpoints by itself again/));
  });

  it('is part of every SQLite file database, and closing the database folds the log back and stops the worker', async () => {
    const directory = mkdtempSync(path.join(tmpdir(), 'astra-checkpoints-'));
    cleanups.push(() => rmSync(directory, { recursive: true, force: true }));
    const file = path.join(directory, 'astra.db');
    const database = openSqlite(file);
    const setting = await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(database.db);
    expect(setting.rows).toEqual([{ wal_autocheckpoint: 0 }]);
    const limit = await sql<{ journal_size_limit: number }>`pragma journal_size_limit`.execute(database.db);
    expect(limit.rows).toEqual([{ journal_size_limit: 32 + 1000 * (4096 + 24) }]);
    await sql`create table rows (id integer primary key, body text)`.execute(database.db);
    await sql`insert into rows (body) values ('one'), ('two')`.execute(database.db);
    expect(existsSync(`${file}-wal`)).toBe(true);
    await database.close();
    // The worker's connection closed first, so the process's was the last: SQLite folded the log
    // into the file and removed it. Had the worker still held its connection, the log would remain.
    expect(existsSync(`${file}-wal`)).toBe(false);
    const reader = new BetterSqlite3(file, { readonly: true });
    expect(reader.prepare('select count(*) as count from rows').get()).toEqual({ count: 2 });
    reader.close();
  });

  it('keeps in-memory databases as they are (no log, no worker)', async () => {
    const database = openSqlite(':memory:');
    const setting = await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(database.db);
    expect(setting.rows).toEqual([{ wal_autocheckpoint: 1000 }]);
    await database.close();
  });
});
