import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from './duration';

describe('parseDuration', () => {
  it.each([
    ['30m', 1800],
    ['12h', 43_200],
    ['7d', 604_800],
    ['4w', 2_419_200],
    ['1h30m', 5400],
    ['1.5h', 5400],
    ['90s', 90],
    ['500ms', 0.5],
    ['1d12h', 129_600],
    ['2H', 7200],
  ])('reads %s as %d seconds', (text, seconds) => {
    expect(parseDuration(text)).toEqual({ ok: true, value: seconds });
  });

  it.each(['forever', '3600', '4 weeks', '1h-30m', '-1h', 'h', '1y'])('refuses %j', (text) => {
    expect(parseDuration(text).ok).toBe(false);
  });

  it('refuses a zero duration', () => {
    expect(parseDuration('0s').ok).toBe(false);
  });
});

describe('formatDuration', () => {
  it('writes the shortest form', () => {
    expect(formatDuration(2_419_200)).toBe('4w');
    expect(formatDuration(5400)).toBe('1h30m');
    expect(formatDuration(0.5)).toBe('500ms');
    expect(formatDuration(90)).toBe('1m30s');
  });
});
