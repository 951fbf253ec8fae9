import { describe, it, expect } from 'vitest';
import { redactUrl } from './redact-url';

describe('redactUrl', () => {
  it('removes the password and keeps the rest', () => {
    expect(redactUrl('postgres://astra:s3cret@db.internal:5432/astra?sslmode=require')).toBe(
      'postgres://astra@db.internal:5432/astra?sslmode=require',
    );
    expect(redactUrl('redis://:s3cret@cache:6379/0')).toBe('redis://cache:6379/0');
  });

  it('leaves a URL without a password as it was', () => {
    expect(redactUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
  });

  it('never echoes text that does not parse as a URL', () => {
    expect(redactUrl('postgres://user:pa ss@[bad')).toBe('postgres:… (not a valid URL)');
    expect(redactUrl('hunter2')).toBe('(not a URL)');
  });
});
