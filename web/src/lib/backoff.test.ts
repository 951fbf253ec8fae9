import { describe, expect, it } from 'vitest';
import { backoffDelay, isRetryableStatus, retryAfterMs, sleep } from './backoff';

describe('backoff', () => {
  it('doubles from the base up to the cap, with jitter around it', () => {
    const middle = { random: () => 0.5 };
    expect([0, 1, 2, 3, 4, 5, 10].map((attempt) => backoffDelay(attempt, middle))).toEqual([500, 1000, 2000, 4000, 8000, 10_000, 10_000]);
    expect(backoffDelay(0, { random: () => 0 })).toBe(400);
    expect(backoffDelay(0, { random: () => 1 })).toBe(600);
    expect(backoffDelay(2, { baseMs: 100, maxMs: 250, jitter: 0 })).toBe(250);
  });

  it('retries gateway failures only', () => {
    expect([502, 503, 504].every(isRetryableStatus)).toBe(true);
    expect([400, 401, 404, 409, 429, 500].some(isRetryableStatus)).toBe(false);
  });

  it('reads Retry-After as seconds or a date, capped', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(retryAfterMs('2', 30_000, now)).toBe(2000);
    expect(retryAfterMs('600', 30_000, now)).toBe(30_000);
    expect(retryAfterMs('Wed, 01 Jan 2025 00:00:05 GMT', 30_000, now)).toBe(5000);
    expect(retryAfterMs(null)).toBeUndefined();
    expect(retryAfterMs('soon')).toBeUndefined();
  });

  it('sleeps until aborted', async () => {
    const controller = new AbortController();
    const waiting = sleep(10_000, controller.signal);
    controller.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
    await expect(sleep(1)).resolves.toBeUndefined();
  });
});
