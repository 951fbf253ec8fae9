import path from 'node:path';
import { describe, it, expect } from 'vitest';
import { parseDatabaseUrl } from './database-url';

const dataDir = '/srv/astra/data';

describe('parseDatabaseUrl', () => {
  it('uses astra.db in DATA_DIR when DATABASE_URL is unset or blank', () => {
    expect(parseDatabaseUrl(undefined, dataDir)).toEqual({ kind: 'sqlite', file: '/srv/astra/data/astra.db' });
    expect(parseDatabaseUrl('  ', dataDir)).toEqual({ kind: 'sqlite', file: '/srv/astra/data/astra.db' });
    expect(parseDatabaseUrl('sqlite://', dataDir)).toEqual({ kind: 'sqlite', file: '/srv/astra/data/astra.db' });
    expect(parseDatabaseUrl('sqlite:///', dataDir)).toEqual({ kind: 'sqlite', file: '/srv/astra/data/astra.db' });
  });

  it('reads SQLite URLs the way SQLAlchemy does', () => {
    expect(parseDatabaseUrl('sqlite:////var/lib/webui.db', dataDir)).toEqual({ kind: 'sqlite', file: '/var/lib/webui.db' });
    expect(parseDatabaseUrl('sqlite:///data/webui.db', dataDir)).toEqual({
      kind: 'sqlite',
      file: path.resolve('data/webui.db'),
    });
    expect(parseDatabaseUrl('sqlite:///./my%20data/webui.db?timeout=10', dataDir)).toEqual({
      kind: 'sqlite',
      file: path.resolve('my data/webui.db'),
    });
    expect(parseDatabaseUrl('sqlite:///:memory:', dataDir)).toEqual({ kind: 'sqlite', file: ':memory:' });
  });

  it('accepts both PostgreSQL schemes and keeps the URL as given', () => {
    const url = 'postgresql://astra:secret@db:5432/astra?options=-c%20search_path%3Dastra';
    expect(parseDatabaseUrl(url, dataDir)).toEqual({ kind: 'postgres', url });
    expect(parseDatabaseUrl('postgres://db/astra', dataDir)).toEqual({ kind: 'postgres', url: 'postgres://db/astra' });
  });

  it('rejects anything else with a message naming DATABASE_URL and what is accepted, without the password', () => {
    const attempt = (): unknown => parseDatabaseUrl('mysql://root:hunter2@db/astra', dataDir);
    expect(attempt).toThrow(/DATABASE_URL mysql:\/\/root@db\/astra is not supported/);
    expect(attempt).toThrow(/postgres:\/\/user:password@host:5432\/database/);
    expect(attempt).not.toThrow(/hunter2/);
    expect(() => parseDatabaseUrl('/var/lib/astra.db', dataDir)).toThrow(/DATABASE_URL .* is not supported/);
  });
});
