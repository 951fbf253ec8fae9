import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

/**
 * Paths that must never reach a log line. Every one is spelled out: a wildcard ("*.password")
 * would make pino run its redaction over every binding of every child logger — one per request.
 */
const secretFields = ['password', 'new_password', 'token', 'api_key', 'authorization', 'cookie'];
const redactedPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  ...secretFields,
  ...secretFields.map((field) => `body.${field}`),
];

/** Creates the process logger. `level` is already a pino level (config maps Open WebUI's names). */
export function createLogger(options: { level: LevelWithSilent; pretty?: boolean; destination?: NodeJS.WritableStream }): Logger {
  return pino(
    {
      level: options.level,
      redact: { paths: redactedPaths, censor: '[redacted]' },
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination ?? pino.destination({ fd: 1, sync: false }),
  );
}

const quieterThanInfo = new Set(['warn', 'error', 'fatal', 'silent']);

/** Whether info lines are written at `level`: checked before building a line, so an off level costs nothing. */
export function infoEnabled(level: string): boolean {
  return !quieterThanInfo.has(level);
}
