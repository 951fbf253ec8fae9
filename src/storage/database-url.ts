/**
 * Reads DATABASE_URL the way Open WebUI (SQLAlchemy) does, so an existing setting keeps working.
 */
import path from 'node:path';
import { redactUrl } from './redact-url';

export type DatabaseLocation =
  | { kind: 'sqlite'; /** Absolute file path, or `:memory:`. */ file: string }
  | { kind: 'postgres'; url: string };

/** The name of the SQLite file created in DATA_DIR when DATABASE_URL is unset. */
export const defaultSqliteFileName = 'astra.db';

const accepted =
  'leave it unset (SQLite at DATA_DIR/astra.db), or use sqlite:///relative/path.db, sqlite:////absolute/path.db ' +
  'or postgres://user:password@host:5432/database';

/**
 * Where the database lives. SQLite URLs follow SQLAlchemy: everything after `sqlite:///` is the
 * path, so `sqlite:///data/astra.db` is relative to the working directory and
 * `sqlite:////var/lib/astra.db` (four slashes) is absolute. A bare `sqlite://` means the default
 * file in DATA_DIR rather than SQLAlchemy's in-memory database, which would silently lose
 * everything at restart; `sqlite:///:memory:` asks for that explicitly.
 */
export function parseDatabaseUrl(url: string | undefined, dataDir: string): DatabaseLocation {
  const trimmed = url?.trim() ?? '';
  if (trimmed === '') return { kind: 'sqlite', file: path.resolve(dataDir, defaultSqliteFileName) };

  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(trimmed)?.[1]?.toLowerCase();
  if (scheme === 'postgres' || scheme === 'postgresql') {
    try {
      new URL(trimmed);
    } catch {
      throw new Error(`DATABASE_URL is not a valid URL (${redactUrl(trimmed)}): ${accepted}`);
    }
    return { kind: 'postgres', url: trimmed };
  }
  if (scheme === 'sqlite') return { kind: 'sqlite', file: sqliteFile(trimmed, dataDir) };

  throw new Error(`DATABASE_URL ${redactUrl(trimmed)} is not supported: ${accepted}`);
}

function sqliteFile(url: string, dataDir: string): string {
  // Drop the scheme and the (always empty) host, and any SQLAlchemy query options.
  const rest = url.slice('sqlite://'.length).split('?')[0] ?? '';
  const filePath = decodeURIComponent(rest.startsWith('/') ? rest.slice(1) : rest);
  if (filePath === '') return path.resolve(dataDir, defaultSqliteFileName);
  if (filePath === ':memory:') return ':memory:';
  return path.resolve(filePath);
}
