import { execFile } from 'node:child_process';
import path from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../../test/support/backends';
import { loadConfig } from '../config';
import { createLogger } from '../core/logger';
import { closeServices, createServices, type Services } from '../services';
import { seededClaimKey } from './seed-from-environment';

const openAiKey = 'sk-seeded-ABCDEFGHIJKLMNOPQRSTUV';

const firstEnvironment = {
  OLLAMA_BASE_URLS: 'http://ollama-a:11434/;http://ollama-b:11434',
  OPENAI_API_BASE_URLS: 'https://api.example.com/v1;http://local-llm:8000/v1',
  OPENAI_API_KEYS: `${openAiKey};`,
};

/** One Astra process's services on `database`, with `env` on top of the test defaults. */
async function start(database: TestDatabase, env: Record<string, string>, logLines?: string[]): Promise<Services> {
  const result = loadConfig({
    DATA_DIR: database.dataDir,
    WEBUI_SECRET_KEY: 'test-secret-key-for-this-run',
    GLOBAL_LOG_LEVEL: 'silent',
    ...(database.databaseUrl === undefined ? {} : { DATABASE_URL: database.databaseUrl }),
    ...env,
  });
  if (!result.config) throw new Error(result.problems.map((problem) => problem.message).join('\n'));
  const logger = logLines
    ? createLogger({ level: 'info', destination: new Writable({ write: (chunk: Buffer, _encoding, done) => (logLines.push(chunk.toString()), done()) }) })
    : createLogger({ level: 'silent' });
  return createServices(result.config, logger);
}

const summary = (services: Services) =>
  services.connections.list().map(({ kind, baseUrl, apiKey, enabled, position }) => ({ kind, baseUrl, apiKey, enabled, position }));

describe.each(databaseKinds)('seeding connections from the environment (%s)', (kind) => {
  let database: TestDatabase | undefined;
  const running: Services[] = [];
  afterEach(async () => {
    for (const services of running.splice(0).reverse()) await closeServices(services);
    await database?.cleanup();
    database = undefined;
  });

  it('seeds once on the first start, and a restart with another environment changes nothing but says so', async () => {
    database = await createTestDatabase(kind);
    const firstLog: string[] = [];
    const first = await start(database, firstEnvironment, firstLog);
    running.push(first);
    expect(summary(first)).toEqual([
      { kind: 'ollama', baseUrl: 'http://ollama-a:11434', apiKey: '', enabled: true, position: 0 },
      { kind: 'ollama', baseUrl: 'http://ollama-b:11434', apiKey: '', enabled: true, position: 1 },
      { kind: 'openai', baseUrl: 'https://api.example.com/v1', apiKey: openAiKey, enabled: true, position: 2 },
      { kind: 'openai', baseUrl: 'http://local-llm:8000/v1', apiKey: '', enabled: true, position: 3 },
    ]);
    expect(first.connections.list().map((connection) => connection.name)).toEqual(['ollama-a:11434', 'ollama-b:11434', 'api.example.com', 'local-llm:8000']);
    expect(firstLog.join('')).toMatch(/model server connections created from the environment/);
    expect(firstLog.join('')).not.toMatch(/differ from the/);
    // An admin removes one; the next start must not bring it back.
    const removed = first.connections.list()[1]!;
    await first.connections.remove(removed.id);
    await closeServices(running.pop()!);

    const sameLog: string[] = [];
    const again = await start(database, firstEnvironment, sameLog);
    running.push(again);
    expect(again.connections.list().map((connection) => connection.baseUrl)).toEqual([
      'http://ollama-a:11434',
      'https://api.example.com/v1',
      'http://local-llm:8000/v1',
    ]);
    expect(sameLog.join('')).toMatch(/differ from the 3 stored connection\(s\)/);
    await closeServices(running.pop()!);

    const changedLog: string[] = [];
    const changed = await start(database, { OLLAMA_BASE_URLS: 'http://elsewhere:11434', ENABLE_OPENAI_API: 'false' }, changedLog);
    running.push(changed);
    expect(changed.connections.list().map((connection) => connection.baseUrl)).toEqual([
      'http://ollama-a:11434',
      'https://api.example.com/v1',
      'http://local-llm:8000/v1',
    ]);
    const notes = changedLog.filter((line) => line.includes('OLLAMA_BASE_URLS'));
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(/the stored ones apply/);
    expect(notes[0]).not.toContain(openAiKey);
  });

  it('says nothing when the environment lists the stored servers', async () => {
    database = await createTestDatabase(kind);
    running.push(await start(database, firstEnvironment));
    const log: string[] = [];
    running.push(await start(database, firstEnvironment, log));
    expect(log.join('')).not.toMatch(/differ from the/);
  });

  it('leaves out the servers of a disabled API, and seeds nothing when both are off', async () => {
    database = await createTestDatabase(kind);
    const services = await start(database, { ...firstEnvironment, ENABLE_OLLAMA_API: 'false' });
    running.push(services);
    expect(services.connections.list().map((connection) => connection.kind)).toEqual(['openai', 'openai']);

    const other = await createTestDatabase(kind);
    try {
      const none = await start(other, { ENABLE_OLLAMA_API: 'false', ENABLE_OPENAI_API: 'false' });
      expect(none.connections.list()).toEqual([]);
      await closeServices(none);
      // Seeding happened (with nothing): turning the APIs on later does not seed either.
      const later = await start(other, firstEnvironment);
      expect(later.connections.list()).toEqual([]);
      await closeServices(later);
    } finally {
      await other.cleanup();
    }
  });

  // On SQLite, processes (not apps in one process, which share one thread) contend for the file.
  it.runIf(kind === 'sqlite')('seeds exactly once when two processes start together on a fresh SQLite file', async () => {
    database = await createTestDatabase(kind);
    const here = path.dirname(fileURLToPath(import.meta.url));
    const script = `
      const { loadConfig } = await import(${JSON.stringify(path.join(here, '../config/index.ts'))});
      const { createLogger } = await import(${JSON.stringify(path.join(here, '../core/logger.ts'))});
      const { createServices, closeServices } = await import(${JSON.stringify(path.join(here, '../services.ts'))});
      const { config } = loadConfig(${JSON.stringify({ DATA_DIR: database.dataDir, WEBUI_SECRET_KEY: 'test-secret-key-for-this-run', ...firstEnvironment })});
      const services = await createServices(config, createLogger({ level: 'silent' }));
      process.stdout.write(String(services.connections.list().length));
      await closeServices(services);`;
    const run = promisify(execFile);
    const processes = [1, 2].map(() => run(process.execPath, ['--import', 'tsx', '--input-type=module', '--eval', script], { timeout: 20_000 }));
    const outputs = await Promise.all(processes);
    expect(outputs.map((output) => output.stdout)).toEqual(['4', '4']);
    const services = await start(database, firstEnvironment);
    running.push(services);
    expect(services.connections.list()).toHaveLength(4);
  });

  it.runIf(kind === 'postgres')('seeds exactly once when several apps start together on a fresh PostgreSQL schema', async () => {
    database = await createTestDatabase(kind);
    const fresh = database;
    const started = await Promise.all([1, 2, 3].map(() => start(fresh, firstEnvironment)));
    running.push(...started);
    for (const services of started) expect(services.connections.list()).toHaveLength(4);
    const rows = await started[0]!.database.db.selectFrom('connections').select('id').execute();
    expect(rows).toHaveLength(4);
    const claim = await started[0]!.database.db.selectFrom('app_state').selectAll().where('key', '=', seededClaimKey).execute();
    expect(claim).toHaveLength(1);
  });
});
