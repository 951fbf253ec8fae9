import { mkdirSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, type SqliteDatabase } from 'kysely';
import { pingDatabase } from './ping-database';
import type { Database, Schema } from './types';
import { describeError } from './describe-error';
import { startSqliteCheckpoints } from './sqlite-checkpoints';
import { createWriteCounter } from './write-counter';
import type { Logger } from '../core/logger';

/**
 * Opens (creating when absent, with its folder) the SQLite file at `file`, or an in-memory
 * database for `:memory:`. Does not migrate. A file's WAL checkpoints run in a worker thread
 * (sqlite-checkpoints.ts).
 */
export function openSqlite(file: string, options: { logger?: Logger } = {}): Database {
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  let connection: BetterSqlite3.Database;
  try {
    connection = new BetterSqlite3(file, { timeout: 5000 });
  } catch (error) {
    const reason = describeError(error);
    throw new Error(`Could not open the SQLite database at ${file} (DATABASE_URL / DATA_DIR): ${reason}`, { cause: error });
  }
  // WAL lets readers proceed while one writer writes; NORMAL sync is durable across process crashes
  // (not power loss) in WAL mode and much faster; busy_timeout makes a second process wait rather
  // than fail while another holds the write lock.
  connection.pragma('busy_timeout = 5000');
  switchToWal(connection);
  connection.pragma('foreign_keys = ON');
  connection.pragma('synchronous = NORMAL');

  const writes = createWriteCounter();
  const db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: withStatementCache(connection) }), log: writes.log });
  const checkpoints = file === ':memory:' ? undefined : startSqliteCheckpoints({ connection, file, writes: writes.counts, logger: options.logger });
  let closing: Promise<void> | undefined;
  return {
    kind: 'sqlite',
    db,
    description: file,
    ping: (signal) => pingDatabase(db, file, signal),
    writes: writes.counts,
    // The worker's connection first: the last one to close folds the log into the file.
    close: () => (closing ??= (checkpoints?.close() ?? Promise.resolve()).then(() => db.destroy())),
  };
}

/**
 * Switching a new file to WAL needs a moment of exclusive access, and SQLite answers SQLITE_BUSY at
 * once (without waiting out busy_timeout) while another process holds a lock, as when two processes
 * start on a fresh file together. So retry for up to the same 5 s.
 */
function switchToWal(connection: BetterSqlite3.Database): void {
  const deadline = Date.now() + 5000;
  for (;;) {
    try {
      connection.pragma('journal_mode = WAL');
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() > deadline) throw error;
      // A short synchronous pause: this runs once, at start-up, before anything else is served.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
    }
  }
}

/** Prepared statements kept per SQL text; more than this and the oldest is dropped. */
const statementCacheLimit = 500;

/**
 * The connection as Kysely sees it, with each SQL text prepared once. Kysely prepares every query
 * it runs; on a chat turn's handful of statements, preparing cost as much as running them. Queries
 * Astra builds have a few hundred distinct texts at most (an `in (…)` list of another length is
 * another text), so a small cache holds them all. SQLite re-prepares a cached statement by itself
 * when a migration changes the tables it reads.
 */
function withStatementCache(connection: BetterSqlite3.Database): SqliteDatabase {
  const statements = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => connection.close(),
    prepare(sql) {
      let statement = statements.get(sql);
      if (statement === undefined) {
        statement = connection.prepare(sql);
        if (statements.size >= statementCacheLimit) statements.delete(statements.keys().next().value!);
        statements.set(sql, statement);
      }
      return statement;
    },
  };
}
