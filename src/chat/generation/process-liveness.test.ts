import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { currentProcessIdentity, isCertainlyGone, parseProcessIdentity } from './process-liveness';

describe('isCertainlyGone', () => {
  const self = currentProcessIdentity();

  it('this very process is alive; the same pid started at another time is a former process', () => {
    expect(isCertainlyGone(self)).toBe(false);
    expect(isCertainlyGone({ ...self, startedAt: self.startedAt - 60_000 })).toBe(true);
  });

  it('a pid that no longer runs on this machine is gone; a running one is not', () => {
    const exited = spawnSync(process.execPath, ['-e', '0']).pid;
    expect(isCertainlyGone({ ...self, pid: exited })).toBe(true);
    expect(isCertainlyGone({ ...self, pid: process.ppid })).toBe(false);
  });

  it('a process on another machine cannot be judged from here', () => {
    const exited = spawnSync(process.execPath, ['-e', '0']).pid;
    expect(isCertainlyGone({ ...self, machine: 'elsewhere', pid: exited })).toBe(false);
  });

  it('reads identities back, and nothing else', () => {
    expect(parseProcessIdentity(JSON.stringify(self))).toEqual(self);
    expect(parseProcessIdentity('{"pid":1}')).toBeUndefined();
    expect(parseProcessIdentity('nope')).toBeUndefined();
    expect(parseProcessIdentity(undefined)).toBeUndefined();
  });
});
