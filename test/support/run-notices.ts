/**
 * Notices printed once per test run, whichever test file notices first: why a group of suites was
 * skipped (no PostgreSQL, no Redis, no Chromium).
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Test files run in separate worker processes, each loading the module that calls this; a marker
 * file named after the test runner's process lets only the first of them print the notice. Markers
 * left by runs that have ended are removed on the way.
 */
export function warnOncePerRun(topic: string, message: string): void {
  const runner = typeof process.send === 'function' ? process.ppid : process.pid;
  const markers = path.join(os.tmpdir(), 'astra-test-notices');
  try {
    mkdirSync(markers, { recursive: true });
    for (const name of readdirSync(markers)) {
      const pid = Number(name.split('-')[0]);
      if (pid !== runner && !isRunning(pid)) rmSync(path.join(markers, name), { force: true });
    }
    writeFileSync(path.join(markers, `${runner}-${topic}`), message, { flag: 'wx' });
  } catch {
    return;
  }
  console.warn(message);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
