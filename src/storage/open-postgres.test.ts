import { describe, it, expect } from 'vitest';
import { openPostgres, postgresPoolConfig } from './open-postgres';

const pool = { size: 10, maxOverflow: 5, timeoutSeconds: 30, recycleSeconds: 3600 };

describe('postgresPoolConfig', () => {
  it('maps the DATABASE_POOL_* settings onto the pg pool', () => {
    const config = postgresPoolConfig('postgres://db/astra', pool);
    expect(config).toMatchObject({
      connectionString: 'postgres://db/astra',
      max: 15,
      min: 10,
      connectionTimeoutMillis: 30_000,
      maxLifetimeSeconds: 3600,
    });
  });

  it('turns recycling off for a zero or negative DATABASE_POOL_RECYCLE', () => {
    expect(postgresPoolConfig('postgres://db/astra', { ...pool, recycleSeconds: -1 }).maxLifetimeSeconds).toBe(0);
  });

  it('reads int8 as a number and leaves other types to pg', () => {
    const getTypeParser = postgresPoolConfig('postgres://db/astra', pool).types?.getTypeParser;
    const parseInt8 = getTypeParser?.(20, 'text') as ((value: string) => unknown) | undefined;
    const parseNumeric = getTypeParser?.(1700, 'text') as ((value: string) => unknown) | undefined;
    expect(parseInt8?.('1700000000123')).toBe(1_700_000_000_123);
    expect(parseNumeric?.('1.50')).toBe('1.50');
  });
});

describe('openPostgres', () => {
  it('describes the database by its URL without the password, before connecting', async () => {
    const database = openPostgres('postgresql://astra:hunter2@db.internal:5432/astra', pool);
    expect(database.kind).toBe('postgres');
    expect(database.description).toBe('postgresql://astra@db.internal:5432/astra');
    await database.close();
  });
});
