import { describe, expect, it } from 'vitest';
import { parseLogLevel } from './log-level';

describe('parseLogLevel', () => {
  it.each([
    ['DEBUG', 'debug'],
    ['INFO', 'info'],
    ['WARNING', 'warn'],
    ['warning', 'warn'],
    ['ERROR', 'error'],
    ['CRITICAL', 'fatal'],
    ['trace', 'trace'],
    ['fatal', 'fatal'],
    ['silent', 'silent'],
  ])('maps %s to pino level %s', (text, level) => {
    expect(parseLogLevel(text)).toEqual({ ok: true, value: level });
  });

  it('names the accepted levels', () => {
    expect(parseLogLevel('LOUD')).toEqual({
      ok: false,
      reason: 'is not accepted; expected one of DEBUG, INFO, WARNING, ERROR, CRITICAL (or trace, fatal, silent)',
    });
  });
});
