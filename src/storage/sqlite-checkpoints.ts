/**
 * WAL checkpoints off the event loop. By default SQLite copies its write-ahead log back into the
 * database file inside whichever commit takes the log past 1,000 pages: that one commit then takes
 * milliseconds to tens of milliseconds (the file written and synced), and on better-sqlite3 it holds
 * the event loop for all of it — every request and stream of the process waits. Here the process's
 * own connection never checkpoints; a worker thread with a connection of its own runs a PASSIVE
 * checkpoint (it never blocks a reader or a writer) once the log has passed the same 1,000 pages,
 * looked at every `intervalMs` while there are writes. The worker (≈ 17 MB while it runs) starts at
 * the first checkpoint and stops after a minute without one, so a quiet server never has it. The
 * log file is cut back to that size when it starts over, so a burst does not leave a large file
 * behind. If the worker cannot run, the connection goes back to checkpointing itself, and the log
 * says so.
 */
import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type BetterSqlite3 from 'better-sqlite3';
import type { Logger } from '../core/logger';
import type { WriteCounts } from './write-counter';

/** SQLite's own default: the log's size that calls for a checkpoint, and what is restored when the worker cannot run. */
const defaultAutoCheckpointPages = 1000;
const defaultIntervalMs = 500;
const defaultIdleWorkerMs = 60_000;
/** A WAL file's header, and each frame's header before its page. */
const walHeaderBytes = 32;
const walFrameHeaderBytes = 24;

/** What one checkpoint did: frames in the log, frames copied back, and whether another checkpoint was in the way. */
export interface CheckpointResult {
  busy: boolean;
  logFrames: number;
  checkpointedFrames: number;
}

export interface SqliteCheckpoints {
  /** Runs a checkpoint in the worker now (starting the worker if needed). */
  checkpointNow(): Promise<CheckpointResult>;
  /** Whether the worker thread is running now. */
  readonly workerRunning: boolean;
  /** Stops the timer and the worker (its connection closed). */
  close(): Promise<void>;
}

export interface SqliteCheckpointOptions {
  /** The process's connection: its automatic checkpoints are turned off while the worker runs. */
  connection: BetterSqlite3.Database;
  file: string;
  /** The database's write counts: no checkpoint is asked for while nothing was written. */
  writes: WriteCounts;
  intervalMs?: number;
  /** Pages in the log that call for a checkpoint (SQLite's default, 1,000). */
  thresholdPages?: number;
  /** How long the worker waits for its next checkpoint before it stops (a minute). */
  idleWorkerMs?: number;
  logger?: Logger;
  /** Told what each checkpoint the timer asked for did. */
  onCheckpoint?: (result: CheckpointResult) => void;
  /** The SQLite driver the worker loads (tests give a missing one to see the fall-back). */
  driver?: string;
}

// Plain JavaScript run as the worker's script: no build step, and the driver's path comes from here.
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { timeout: 5000 });
parentPort.on('message', (message) => {
  if (message === 'close') {
    db.close();
    parentPort.close();
    return;
  }
  try {
    const [result] = db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ ok: true, busy: result.busy === 1, logFrames: result.log, checkpointedFrames: result.checkpointed });
  } catch (error) {
    parentPort.postMessage({ ok: false, message: error instanceof Error ? error.message : String(error) });
  }
});
`;

type WorkerAnswer = ({ ok: true } & CheckpointResult) | { ok: false; message: string };

export function startSqliteCheckpoints(options: SqliteCheckpointOptions): SqliteCheckpoints {
  const { connection, writes, logger } = options;
  const driver = options.driver ?? createRequire(import.meta.url).resolve('better-sqlite3');
  const pageBytes = connection.pragma('page_size', { simple: true }) as number;
  const thresholdBytes = walHeaderBytes + (options.thresholdPages ?? defaultAutoCheckpointPages) * (pageBytes + walFrameHeaderBytes);
  const idleWorkerMs = options.idleWorkerMs ?? defaultIdleWorkerMs;
  connection.pragma('wal_autocheckpoint = 0');
  // When the log starts over after a checkpoint, its file is cut back to this size: past it, the
  // file's size is the log's, which is how the timer below knows a checkpoint is due.
  connection.pragma(`journal_size_limit = ${thresholdBytes}`);

  let worker: Worker | undefined;
  /** Workers told to stop: their exit is expected. */
  const stopping = new WeakSet<Worker>();
  let failed = false;
  let closed = false;
  /** Callers waiting for the checkpoint in progress, in order (the worker answers one at a time). */
  const waiting: Array<{ resolve: (result: CheckpointResult) => void; reject: (error: Error) => void }> = [];
  let writesSeen = writes.statements;
  let inFlight = false;
  let lastCheckpointAt = 0;

  const fallBack = (reason: string): void => {
    if (failed) return;
    failed = true;
    clearInterval(timer);
    if (!closed && connection.open) connection.pragma(`wal_autocheckpoint = ${defaultAutoCheckpointPages}`);
    logger?.warn({ file: options.file, reason }, 'SQLite checkpoints could not run in a worker thread; the database connection checkpoints by itself again');
    for (const entry of waiting.splice(0)) entry.reject(new Error(`SQLite checkpoint worker failed: ${reason}`));
  };

  const startWorker = (): Worker => {
    const started = new Worker(workerSource, { eval: true, workerData: { driver, file: options.file } });
    started.unref();
    started.on('message', (answer: WorkerAnswer) => {
      const entry = waiting.shift();
      if (answer.ok) entry?.resolve({ busy: answer.busy, logFrames: answer.logFrames, checkpointedFrames: answer.checkpointedFrames });
      else entry?.reject(new Error(`SQLite checkpoint failed: ${answer.message}`));
    });
    started.on('error', (error) => fallBack(error.message));
    started.on('exit', (code) => {
      if (worker === started) worker = undefined;
      if (!stopping.has(started)) fallBack(`the worker stopped (exit code ${code})`);
    });
    return started;
  };

  /** Tells the worker to close its connection and end; resolves when it has. */
  const stopWorker = (): Promise<void> => {
    const running = worker;
    worker = undefined;
    if (running === undefined) return Promise.resolve();
    stopping.add(running);
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    running.postMessage('close');
    return exited;
  };

  const checkpointNow = (): Promise<CheckpointResult> => {
    if (closed) return Promise.reject(new Error('SQLite checkpoints are closed'));
    if (failed) return Promise.reject(new Error('SQLite checkpoints fell back to the connection'));
    worker ??= startWorker();
    const result = new Promise<CheckpointResult>((resolve, reject) => waiting.push({ resolve, reject }));
    worker.postMessage('checkpoint');
    lastCheckpointAt = Date.now();
    return result;
  };

  const walBytes = (): number => {
    try {
      return statSync(`${options.file}-wal`).size;
    } catch {
      return 0;
    }
  };

  const timer = setInterval(() => {
    if (inFlight) return;
    const written = writes.statements !== writesSeen;
    writesSeen = writes.statements;
    if (written && walBytes() > thresholdBytes) {
      inFlight = true;
      checkpointNow()
        .then((result) => options.onCheckpoint?.(result))
        .catch((error: unknown) => logger?.warn({ err: error, file: options.file }, 'SQLite checkpoint failed; will retry'))
        .finally(() => (inFlight = false));
      return;
    }
    if (worker !== undefined && Date.now() - lastCheckpointAt >= idleWorkerMs) void stopWorker();
  }, options.intervalMs ?? defaultIntervalMs);
  timer.unref();

  return {
    checkpointNow,
    get workerRunning() {
      return worker !== undefined;
    },
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      if (!failed) await stopWorker();
      for (const entry of waiting.splice(0)) entry.reject(new Error('SQLite checkpoints are closed'));
    },
  };
}
