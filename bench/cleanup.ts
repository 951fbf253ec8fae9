import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Everything the bench leaves behind while it runs: server processes and temporary data directories.
 * They are removed however the run ends: normally, on an error, or on Ctrl-C.
 */
const children = new Set<ChildProcess>();
const directories = new Set<string>();

export function trackChild(child: ChildProcess): void {
  children.add(child);
  child.once('exit', () => children.delete(child));
}

/** A new empty directory under the system temp dir, removed at the end of the run at the latest. */
export function createTemporaryDirectory(prefix = 'astra-bench-'): string {
  const path = mkdtempSync(join(tmpdir(), prefix));
  directories.add(path);
  return path;
}

export function removeTemporaryDirectory(path: string): void {
  rmSync(path, { recursive: true, force: true });
  directories.delete(path);
}

/** Synchronous on purpose: it also runs from the process 'exit' handler, where nothing async completes. */
export function cleanUpNow(): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  children.clear();
  for (const path of directories) rmSync(path, { recursive: true, force: true });
  directories.clear();
}

export function installCleanupHandlers(): void {
  process.once('exit', cleanUpNow);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      console.error(`\nbench: ${signal} received, stopping servers`);
      cleanUpNow();
      process.exit(128 + constants.signals[signal]);
    });
  }
}
