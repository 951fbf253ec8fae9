import { describe, it, expect } from 'vitest';
import { describeError } from './describe-error';

describe('describeError', () => {
  it('uses the message when there is one', () => {
    expect(describeError(new Error('connect ECONNREFUSED 127.0.0.1:5432'))).toBe('connect ECONNREFUSED 127.0.0.1:5432');
  });

  it('falls back to the inner errors of an AggregateError with an empty message', () => {
    const inner = [new Error('connect ECONNREFUSED ::1:5432'), new Error('connect ECONNREFUSED 127.0.0.1:5432')];
    expect(describeError(new AggregateError(inner, ''))).toBe(
      'connect ECONNREFUSED ::1:5432; connect ECONNREFUSED 127.0.0.1:5432',
    );
  });

  it('falls back to the code, then the name, and copes with things that are not errors', () => {
    expect(describeError(Object.assign(new Error(''), { code: 'ECONNRESET' }))).toBe('ECONNRESET');
    expect(describeError(new TypeError(''))).toBe('TypeError');
    expect(describeError('plain text')).toBe('plain text');
  });
});
