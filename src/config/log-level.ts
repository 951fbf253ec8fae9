/**
 * Log levels: Open WebUI takes Python's level names (GLOBAL_LOG_LEVEL=DEBUG); Astra logs with pino.
 */
import type { LevelWithSilent } from 'pino';
import { accept, reject, type Parsed } from './value-parsers';

/** Python's names (and their aliases) and pino's own, lower-cased, to the pino level. */
const levels: Record<string, LevelWithSilent> = {
  critical: 'fatal',
  fatal: 'fatal',
  error: 'error',
  warning: 'warn',
  warn: 'warn',
  info: 'info',
  debug: 'debug',
  notset: 'trace',
  trace: 'trace',
  silent: 'silent',
};

/** A Python or pino level name, any case → the pino level. */
export function parseLogLevel(text: string): Parsed<LevelWithSilent> {
  const level = levels[text.toLowerCase()];
  if (level !== undefined) return accept(level);
  return reject('is not accepted; expected one of DEBUG, INFO, WARNING, ERROR, CRITICAL (or trace, fatal, silent)');
}
