import { describe, expect, it } from 'vitest';
import { loadConfig } from './load';

const cwd = '/srv/astra';

function messages(env: Record<string, string>): string[] {
  return loadConfig(env, { cwd }).problems.map((problem) => problem.message);
}

describe('DATABASE_URL', () => {
  it.each([
    'sqlite:///data/astra.db',
    'sqlite:////var/lib/astra/astra.db',
    'postgres://astra:secret@db:5432/astra',
    'postgresql://astra@db/astra?sslmode=require',
  ])('accepts %s', (url) => {
    expect(loadConfig({ DATABASE_URL: url }, { cwd }).config?.storage.databaseUrl).toBe(url);
  });

  it('refuses other databases without showing the password', () => {
    expect(messages({ DATABASE_URL: 'mysql://root:hunter2@db/astra' })).toEqual([
      'DATABASE_URL=mysql://root:****@db/astra is not accepted; expected sqlite:///path/to/file.db, ' +
        'sqlite:////absolute/path.db or postgres://user:password@host:5432/database',
    ]);
  });

  it('refuses a postgres URL without a host', () => {
    expect(messages({ DATABASE_URL: 'postgres://' })[0]).toMatch(/^DATABASE_URL=postgres:\/\/ is not a valid URL; expected /);
  });

  it('masks the password in the settings', () => {
    const setting = loadConfig({ DATABASE_URL: 'postgres://astra:s3cret-pw@db:5432/astra' }, { cwd }).settings.find(
      (entry) => entry.variable === 'DATABASE_URL',
    );
    expect(setting?.value).toBe('postgres://astra:****@db:5432/astra');
  });
});

describe("Open WebUI's DATABASE_TYPE, DATABASE_HOST, … variables", () => {
  const parts = {
    DATABASE_TYPE: 'postgresql',
    DATABASE_USER: 'webui',
    DATABASE_PASSWORD: 'p@ss word',
    DATABASE_HOST: 'db',
    DATABASE_PORT: '5432',
    DATABASE_NAME: 'openwebui',
  };

  it('builds DATABASE_URL from them, as Open WebUI does', () => {
    const result = loadConfig(parts, { cwd });
    expect(result.config?.storage.databaseUrl).toBe('postgresql://webui:p%40ss%20word@db:5432/openwebui');
    expect(result.ignored).toEqual([]);
    expect(result.settings.find((entry) => entry.variable === 'DATABASE_URL')?.source).toEqual({
      kind: 'composed',
      names: Object.keys(parts),
    });
  });

  it('reports missing parts instead of quietly using SQLite', () => {
    expect(messages({ DATABASE_TYPE: 'postgresql', DATABASE_HOST: 'db' })).toEqual([
      'DATABASE_TYPE=postgresql needs DATABASE_USER, DATABASE_PORT, DATABASE_NAME as well; ' +
        'expected all of DATABASE_USER, DATABASE_HOST, DATABASE_PORT, DATABASE_NAME, or DATABASE_URL instead',
    ]);
  });

  it('reports a DATABASE_URL that says something else', () => {
    expect(messages({ ...parts, DATABASE_URL: 'postgres://other@db/other' })[0]).toMatch(/^DATABASE_URL=postgres:\/\/other@db\/other and DATABASE_TYPE/);
  });

  it('refuses database types Astra has no driver for', () => {
    expect(messages({ ...parts, DATABASE_TYPE: 'sqlite+sqlcipher' })).toEqual([
      'DATABASE_TYPE=sqlite+sqlcipher is not accepted; expected postgresql, or DATABASE_URL instead',
    ]);
  });
});

describe('pool and Redis variables', () => {
  it('reads the pool settings', () => {
    const env = { DATABASE_POOL_SIZE: '20', DATABASE_POOL_MAX_OVERFLOW: '0', DATABASE_POOL_TIMEOUT: '2.5', DATABASE_POOL_RECYCLE: '-1' };
    expect(loadConfig(env, { cwd }).config?.storage.pool).toEqual({ size: 20, maxOverflow: 0, timeoutSeconds: 2.5, recycleSeconds: -1 });
  });

  it('refuses a pool recycle below -1', () => {
    expect(messages({ DATABASE_POOL_RECYCLE: '-5' })).toEqual([
      'DATABASE_POOL_RECYCLE=-5 is out of range; expected -1 (never) or a whole number of seconds',
    ]);
  });

  it('accepts redis:// and rediss:// URLs and masks their password', () => {
    const result = loadConfig({ REDIS_URL: 'rediss://:redis-password@cache:6380/0', REDIS_KEY_PREFIX: 'team' }, { cwd });
    expect(result.config?.storage).toMatchObject({ redisUrl: 'rediss://:redis-password@cache:6380/0', redisKeyPrefix: 'team' });
    expect(result.settings.find((entry) => entry.variable === 'REDIS_URL')?.value).toBe('rediss://:****@cache:6380/0');
  });

  it('refuses other Redis URLs', () => {
    expect(messages({ REDIS_URL: 'cache:6379' })).toEqual([
      'REDIS_URL=cache:6379 is not accepted; expected redis://[:password@]host:6379[/db] or rediss://… for TLS',
    ]);
  });
});
