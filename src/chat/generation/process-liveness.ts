/**
 * Who a process is, so that another process on the same machine can tell at once that it is gone
 * (its pid no longer runs, or the pid now belongs to a newer process, as after a container restart)
 * instead of waiting for its heartbeat to expire. Processes on other machines are judged by their
 * heartbeat alone.
 */
import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';

/** What a heartbeat says of its process. */
export interface ProcessIdentity {
  /** Host name, boot and pid namespace: two processes with the same value see the same pids. */
  machine: string;
  pid: number;
  /** When this OS process started (performance.timeOrigin): tells a reused pid from its first owner. */
  startedAt: number;
}

let current: ProcessIdentity | undefined;

/** This process's identity (computed once). */
export function currentProcessIdentity(): ProcessIdentity {
  current ??= { machine: machineIdentity(), pid: process.pid, startedAt: performance.timeOrigin };
  return current;
}

/** True only when `other` certainly no longer runs; false when it runs or cannot be told from here. */
export function isCertainlyGone(other: ProcessIdentity, self: ProcessIdentity = currentProcessIdentity()): boolean {
  if (other.machine !== self.machine) return false;
  if (other.pid === self.pid) return other.startedAt !== self.startedAt;
  try {
    process.kill(other.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** An identity read back from a heartbeat, or undefined for anything else. */
export function parseProcessIdentity(text: string | undefined): ProcessIdentity | undefined {
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(text) as Partial<ProcessIdentity>;
    if (typeof value.machine !== 'string' || typeof value.pid !== 'number' || typeof value.startedAt !== 'number') return undefined;
    return { machine: value.machine, pid: value.pid, startedAt: value.startedAt };
  } catch {
    return undefined;
  }
}

function machineIdentity(): string {
  return [hostname(), readOrEmpty(() => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim()), readOrEmpty(() => readlinkSync('/proc/self/ns/pid'))].join('|');
}

function readOrEmpty(read: () => string): string {
  try {
    return read();
  } catch {
    return '';
  }
}
