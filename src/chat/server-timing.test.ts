/** Server-Timing durations print as two-decimal numbers would, without printing a fraction. */
import { describe, expect, it } from 'vitest';
import { formatMilliseconds, serverTiming } from './gateway';

describe('formatMilliseconds', () => {
  it('prints what Math.round(ms * 100) / 100 prints, for every value', () => {
    const values = [0, 0.004, 0.005, 0.07, 0.1, 0.5, 1, 1.5, 1.05, 2.345, 9.999, 12, 99.99, 100.01, 1234.5678, 86_400_000.123, -0.3, -12.5, Number.NaN, Infinity];
    for (let index = 0; index < 2000; index += 1) values.push(index * 0.013, index * 7.77);
    for (const value of values) expect(formatMilliseconds(value), String(value)).toBe(String(Math.round(value * 100) / 100));
  });

  it('joins the steps that have a time, in order', () => {
    expect(serverTiming({ auth: 0.5, routing: undefined, 'upstream-connect': 1.25, 'upstream-first-byte': 20 })).toBe(
      'auth;dur=0.5, upstream-connect;dur=1.25, upstream-first-byte;dur=20',
    );
  });
});
