/**
 * The real backends tests may run against. SQLite always; PostgreSQL when TEST_DATABASE_URL is
 * set; Redis when TEST_REDIS_URL is set. Each test file gets its own PostgreSQL schema and Redis
 * key prefix, so files can run in parallel against one server.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { warnOncePerRun } from './run-notices';

export const postgresUrl: string | undefined = nonEmpty(process.env.TEST_DATABASE_URL);
export const redisUrl: string | undefined = nonEmpty(process.env.TEST_REDIS_URL);

/** ['sqlite'] plus 'postgres' when TEST_DATABASE_URL is set; when it is not, prints once (console.warn) that the PostgreSQL suites were skipped and why. */
export const databaseKinds: Array<'sqlite' | 'postgres'> = postgresUrl === undefined ? ['sqlite'] : ['sqlite', 'postgres'];

if (postgresUrl === undefined) {
  warnOncePerRun(
    'postgres',
    'PostgreSQL suites skipped: set TEST_DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/test) to run them.',
  );
}
if (redisUrl === undefined) {
  warnOncePerRun('redis', 'Redis suites skipped: set TEST_REDIS_URL (e.g. redis://127.0.0.1:6379) to run them.');
}

export interface TestDatabase {
  /** What to pass as DATABASE_URL: undefined for SQLite (the file goes in `dataDir`). */
  databaseUrl: string | undefined;
  /** A fresh temporary DATA_DIR. */
  dataDir: string;
  cleanup(): Promise<void>;
}

/** A fresh empty database: sqlite → new temp DATA_DIR and url undefined; postgres → a new schema `astra_test_<random>` on TEST_DATABASE_URL, returned as a URL with options=-c search_path=<schema>. cleanup() removes the temp dir / drops the schema cascade. */
export async function createTestDatabase(kind: 'sqlite' | 'postgres'): Promise<TestDatabase> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'astra-test-'));
  const removeDataDir = (): Promise<void> => rm(dataDir, { recursive: true, force: true });
  if (kind === 'sqlite') return { databaseUrl: undefined, dataDir, cleanup: removeDataDir };

  if (postgresUrl === undefined) throw new Error('createTestDatabase("postgres") needs TEST_DATABASE_URL');
  const schema = `astra_test_${randomBytes(6).toString('hex')}`;
  await withPostgresClient(postgresUrl, (client) => client.query(`create schema ${schema}`));
  const databaseUrl = new URL(postgresUrl);
  const existingOptions = databaseUrl.searchParams.get('options');
  databaseUrl.searchParams.set('options', `${existingOptions === null ? '' : `${existingOptions} `}-c search_path=${schema}`);
  return {
    databaseUrl: databaseUrl.toString(),
    dataDir,
    cleanup: async () => {
      await withPostgresClient(postgresUrl, (client) => client.query(`drop schema if exists ${schema} cascade`));
      await removeDataDir();
    },
  };
}

/** A unique Redis key prefix for one test file; cleanupRedisPrefix deletes every key under it (SCAN + DEL). */
export function testRedisPrefix(): string {
  return `astra-test-${randomBytes(6).toString('hex')}`;
}

export async function cleanupRedisPrefix(url: string, prefix: string): Promise<void> {
  const client = new Redis(url, { maxRetriesPerRequest: 2, connectTimeout: 5000 });
  try {
    const pattern = `${prefix.replace(/[*?[\]\\]/g, '\\$&')}:*`;
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      if (keys.length > 0) await client.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
}

async function withPostgresClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
