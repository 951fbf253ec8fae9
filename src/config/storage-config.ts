/**
 * Storage variables: which database (embedded SQLite unless DATABASE_URL says otherwise), its
 * connection pool, and Redis for sharing state between processes.
 */
import type { EnvironmentReader } from './environment-reader';
import { maskUrlPassword } from './mask-secret';
import type { StorageConfig } from './types';
import { accept, anyText, decimalNumber, reject, wholeNumber, type Parsed } from './value-parsers';

const databaseUrlFormats = 'sqlite:///path/to/file.db, sqlite:////absolute/path.db or postgres://user:password@host:5432/database';

function schemeOf(text: string): string | undefined {
  return /^([a-z][a-z0-9+.-]*):\/\//i.exec(text)?.[1]?.toLowerCase();
}

function hasHost(text: string): boolean {
  try {
    return new URL(text).hostname !== '';
  } catch {
    return false;
  }
}

/** DATABASE_URL: `sqlite://…` (SQLAlchemy's form) or `postgres://` / `postgresql://`. */
export function parseDatabaseUrl(text: string): Parsed<string> {
  const scheme = schemeOf(text);
  if (scheme === 'sqlite') return accept(text);
  if (scheme === 'postgres' || scheme === 'postgresql') {
    return hasHost(text) ? accept(text) : reject(`is not a valid URL; expected ${databaseUrlFormats}`);
  }
  return reject(`is not accepted; expected ${databaseUrlFormats}`);
}

/** REDIS_URL: `redis://` or `rediss://` (TLS). */
export function parseRedisUrl(text: string): Parsed<string> {
  const scheme = schemeOf(text);
  if ((scheme === 'redis' || scheme === 'rediss') && hasHost(text)) return accept(text);
  return reject('is not accepted; expected redis://[:password@]host:6379[/db] or rediss://… for TLS');
}

const partNames = ['DATABASE_TYPE', 'DATABASE_USER', 'DATABASE_PASSWORD', 'DATABASE_HOST', 'DATABASE_PORT', 'DATABASE_NAME'];
const requiredPartNames = ['DATABASE_USER', 'DATABASE_HOST', 'DATABASE_PORT', 'DATABASE_NAME'];

/**
 * Open WebUI can also build the URL from DATABASE_TYPE, DATABASE_USER, DATABASE_PASSWORD,
 * DATABASE_HOST, DATABASE_PORT and DATABASE_NAME. Astra does the same, so such a deployment does
 * not silently start on an empty SQLite file. Returns the URL, undefined when the parts are not
 * used, or null after a problem.
 */
function composeDatabaseUrl(reader: EnvironmentReader): string | undefined | null {
  const type = reader.text('DATABASE_TYPE');
  if (type === undefined) return undefined;
  const missing = requiredPartNames.filter((name) => reader.text(name) === undefined);
  if (missing.length > 0 && reader.text('DATABASE_URL') !== undefined) return undefined;
  reader.markUsed(...partNames);
  if (!['postgres', 'postgresql'].includes(type.toLowerCase())) {
    reader.problem('DATABASE_TYPE', type, `DATABASE_TYPE=${type} is not accepted; expected postgresql, or DATABASE_URL instead`);
    return null;
  }
  if (missing.length > 0) {
    reader.problem('DATABASE_TYPE', type, `DATABASE_TYPE=${type} needs ${missing.join(', ')} as well; expected all of ${requiredPartNames.join(', ')}, or DATABASE_URL instead`);
    return null;
  }
  const port = wholeNumber({ min: 1, max: 65535 })(reader.text('DATABASE_PORT') ?? '');
  if (!port.ok) {
    reader.problem('DATABASE_PORT', reader.text('DATABASE_PORT') ?? '', `DATABASE_PORT=${reader.text('DATABASE_PORT') ?? ''} ${port.reason}`);
    return null;
  }
  const password = reader.text('DATABASE_PASSWORD');
  const credentials = encodeURIComponent(reader.text('DATABASE_USER') ?? '') + (password === undefined ? '' : `:${encodeURIComponent(password)}`);
  return `postgresql://${credentials}@${reader.text('DATABASE_HOST') ?? ''}:${port.value}/${reader.text('DATABASE_NAME') ?? ''}`;
}

function readDatabaseUrl(reader: EnvironmentReader): string | undefined {
  const composed = composeDatabaseUrl(reader);
  if (composed === undefined) {
    return reader.readOptional('DATABASE_URL', parseDatabaseUrl, { mask: maskUrlPassword, defaultNote: 'SQLite at DATA_DIR/astra.db' });
  }
  reader.markUsed('DATABASE_URL');
  if (composed === null) return undefined;
  const explicit = reader.text('DATABASE_URL');
  if (explicit !== undefined && explicit !== composed) {
    reader.problem(
      'DATABASE_URL',
      maskUrlPassword(explicit),
      `DATABASE_URL=${maskUrlPassword(explicit)} and DATABASE_TYPE, DATABASE_HOST, … (${maskUrlPassword(composed)}) disagree; expected only one of them`,
    );
    return undefined;
  }
  const names = partNames.filter((name) => reader.text(name) !== undefined);
  reader.record('DATABASE_URL', maskUrlPassword(composed), { kind: 'composed', names });
  return composed;
}

/** Reads the Storage group. */
export function readStorageConfig(reader: EnvironmentReader): StorageConfig {
  reader.startGroup('Storage');
  const databaseUrl = readDatabaseUrl(reader);
  const pool = {
    size: reader.read('DATABASE_POOL_SIZE', wholeNumber({ min: 1, max: 1000 }), 10),
    maxOverflow: reader.read('DATABASE_POOL_MAX_OVERFLOW', wholeNumber({ min: 0, max: 1000 }), 10, {
      aliases: ['DATABASE_MAX_OVERFLOW'],
    }),
    timeoutSeconds: reader.read('DATABASE_POOL_TIMEOUT', decimalNumber({ min: 0, aboveMin: true, unit: 'seconds' }), 30),
    recycleSeconds: reader.read(
      'DATABASE_POOL_RECYCLE',
      wholeNumber({ min: -1, expected: '-1 (never) or a whole number of seconds' }),
      3600,
    ),
  };
  const redisUrl = reader.readOptional('REDIS_URL', parseRedisUrl, { mask: maskUrlPassword, defaultNote: 'none: state stays in this machine' });
  const redisKeyPrefix = reader.read('REDIS_KEY_PREFIX', anyText, 'astra');
  return { databaseUrl, pool, redisUrl, redisKeyPrefix };
}
