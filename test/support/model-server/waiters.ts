/** Promises that resolve when a condition on the server's counters becomes true, re-checked on each event. */

interface Waiter {
  check: () => boolean;
  reject: (error: Error) => void;
}

export class Waiters {
  private readonly pending = new Set<Waiter>();

  /** Resolves with the first non-undefined value of `probe`; rejects with `describe()` after `timeoutMs`. */
  waitFor<T>(probe: () => T | undefined, timeoutMs: number, describe: () => string): Promise<T> {
    const immediate = probe();
    if (immediate !== undefined) return Promise.resolve(immediate);
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter = {
        check: () => {
          const value = probe();
          if (value === undefined) return false;
          clearTimeout(timer);
          resolve(value);
          return true;
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      const timer = setTimeout(() => {
        this.pending.delete(waiter);
        reject(new Error(`timed out after ${timeoutMs} ms: ${describe()}`));
      }, timeoutMs);
      this.pending.add(waiter);
    });
  }

  /** Re-evaluates every pending waiter. */
  check(): void {
    for (const waiter of this.pending) if (waiter.check()) this.pending.delete(waiter);
  }

  rejectAll(reason: string): void {
    for (const waiter of this.pending) waiter.reject(new Error(reason));
    this.pending.clear();
  }
}
