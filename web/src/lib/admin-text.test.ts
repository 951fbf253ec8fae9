import { describe, expect, it } from 'vitest';
import { accessSummary, newPasswordProblem, sameUsers, timeAgo } from './admin-text';

describe('newPasswordProblem', () => {
  it('asks for 8 to 128 characters and two equal entries', () => {
    expect(newPasswordProblem('short', 'short')).toMatch(/8 to 128 characters/);
    expect(newPasswordProblem('x'.repeat(129), 'x'.repeat(129))).toMatch(/8 to 128 characters/);
    expect(newPasswordProblem('long enough', 'long enougH')).toBe('The two new passwords differ.');
    expect(newPasswordProblem('long enough', 'long enough')).toBe('');
    // Characters, not UTF-16 units: eight emoji are eight characters.
    expect(newPasswordProblem('🔑'.repeat(8), '🔑'.repeat(8))).toBe('');
  });
});

describe('timeAgo', () => {
  const now = Date.UTC(2025, 0, 31, 12, 0, 0);
  const secondsAgo = (seconds: number): number => now / 1000 - seconds;
  it('says how long ago, coarsely', () => {
    expect(timeAgo(secondsAgo(10), now)).toBe('just now');
    expect(timeAgo(secondsAgo(5 * 60), now)).toBe('5 min ago');
    expect(timeAgo(secondsAgo(3 * 3600), now)).toBe('3 h ago');
    expect(timeAgo(secondsAgo(30 * 3600), now)).toBe('yesterday');
    expect(timeAgo(secondsAgo(4 * 86400), now)).toBe('4 days ago');
    expect(timeAgo(secondsAgo(-30), now)).toBe('just now');
    expect(timeAgo(secondsAgo(90 * 86400), now)).toBe(new Date((now / 1000 - 90 * 86400) * 1000).toLocaleDateString());
  });
});

describe('accessSummary', () => {
  const names: Record<string, string> = { a: 'Ada', b: 'Bo', c: 'Cy', d: 'Di' };
  const nameOf = (id: string): string | undefined => names[id];
  it('names the visibility, or the listed users', () => {
    expect(accessSummary('everyone', [], nameOf)).toBe('Everyone');
    expect(accessSummary('admins', ['a'], nameOf)).toBe('Administrators only');
    expect(accessSummary('users', [], nameOf)).toMatch(/no user listed/);
    expect(accessSummary('users', ['a'], nameOf)).toBe('Ada');
    expect(accessSummary('users', ['a', 'b'], nameOf)).toBe('Ada and Bo');
    expect(accessSummary('users', ['a', 'b', 'gone'], nameOf)).toBe('Ada, Bo and a deleted user');
    expect(accessSummary('users', ['a', 'b', 'c', 'd'], nameOf)).toBe('Ada, Bo and 2 more');
  });
});

describe('sameUsers', () => {
  it('compares as sets', () => {
    expect(sameUsers(['a', 'b'], ['b', 'a'])).toBe(true);
    expect(sameUsers(['a'], ['a', 'b'])).toBe(false);
    expect(sameUsers(['a', 'c'], ['a', 'b'])).toBe(false);
  });
});
