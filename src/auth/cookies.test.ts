import { describe, expect, it } from 'vitest';
import { clearedCookie, readCookie, sessionCookie } from './cookies';

describe('cookies', () => {
  it('reads one cookie among others, quoted or encoded', () => {
    expect(readCookie('a=1; token=abc_-9; b=2', 'token')).toBe('abc_-9');
    expect(readCookie('token="quoted"', 'token')).toBe('quoted');
    expect(readCookie('xtoken=no; token=a%20b', 'token')).toBe('a b');
    expect(readCookie('token=%E0%A4%A', 'token')).toBe('%E0%A4%A');
    expect(readCookie('other=1', 'token')).toBeUndefined();
    expect(readCookie(undefined, 'token')).toBeUndefined();
  });

  it('writes HttpOnly, SameSite=Lax cookies, Secure only when asked', () => {
    const expires = new Date(Date.UTC(2030, 0, 2, 3, 4, 5));
    expect(sessionCookie('token', 'abc', { expires, secure: false })).toBe(
      'token=abc; Path=/; HttpOnly; SameSite=Lax; Expires=Wed, 02 Jan 2030 03:04:05 GMT',
    );
    expect(sessionCookie('token', 'abc', { secure: true })).toBe('token=abc; Path=/; HttpOnly; SameSite=Lax; Secure');
    expect(clearedCookie('token', { secure: false })).toMatch(/^token=; Path=\/; HttpOnly; SameSite=Lax; Expires=Thu, 01 Jan 1970/);
  });
});
