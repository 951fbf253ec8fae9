/** When to try again: exponential backoff with jitter, and which answers are worth retrying. */

export interface BackoffOptions {
  /** The first wait (500 ms). */
  baseMs?: number;
  /** The longest wait (10 s). */
  maxMs?: number;
  /** How much each wait may be shorter or longer, as a fraction (0.2: ±20 %), so clients spread out. */
  jitter?: number;
  random?: () => number;
}

/** The wait before retry number `attempt` (0 for the first retry). */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const { baseMs = 500, maxMs = 10_000, jitter = 0.2, random = Math.random } = options;
  const exponential = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt));
  return Math.round(exponential * (1 - jitter + 2 * jitter * random()));
}

/** Gateway failures that a later attempt may not meet (a restarting server, a busy proxy). */
export function isRetryableStatus(status: number): boolean {
  return status === 502 || status === 503 || status === 504;
}

/** The wait a `Retry-After` header asks for (seconds or an HTTP date), capped at `maxMs`; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, maxMs = 30_000, now = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.min(maxMs, Math.max(0, seconds * 1000));
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.min(maxMs, Math.max(0, date - now));
}

/** Waits `ms`, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
