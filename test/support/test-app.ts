/**
 * Builds a real Astra app (real SQLite or PostgreSQL, real Redis when asked) for in-process tests
 * driven with Fastify's inject, plus small helpers for the requests most tests make.
 */
import { Writable } from 'node:stream';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp, type AppTuning } from '../../src/app';
import { loadConfig, type Config } from '../../src/config';
import { createLogger } from '../../src/core/logger';
import { closeServices, createServices, type Services } from '../../src/services';
import { cleanupRedisPrefix, createTestDatabase, postgresUrl, redisUrl, testRedisPrefix } from './backends';

export interface TestApp {
  app: FastifyInstance;
  services: Services;
  config: Config;
  /** Signs up and returns the response body (token, id, role…). */
  signUp(user?: Partial<{ name: string; email: string; password: string }>): Promise<SignedInBody>;
  signIn(email: string, password: string): Promise<LightMyRequestResponse>;
  /** GET/POST/DELETE with a bearer token. */
  call(method: 'GET' | 'POST' | 'DELETE', url: string, token: string | undefined, body?: unknown): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export interface SignedInBody {
  token: string;
  token_type: string;
  expires_at: number | null;
  id: string;
  email: string;
  name: string;
  role: string;
}

export interface TestAppOptions {
  kind?: 'sqlite' | 'postgres';
  /** Use Redis (TEST_REDIS_URL) for KeyValue and PubSub. */
  redis?: boolean;
  env?: Record<string, string>;
  /** Share the database (and Redis prefix) of another test app, as a second process would. */
  shareWith?: TestApp;
  /** Collect every log line (at debug level) here instead of discarding them. */
  logLines?: string[];
  tuning?: AppTuning;
}

let counter = 0;

export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const shared = options.shareWith;
  const database = shared ? undefined : await createTestDatabase(options.kind ?? 'sqlite');
  const prefix = shared ? shared.config.storage.redisKeyPrefix : testRedisPrefix();
  if (options.redis && !redisUrl) throw new Error('TEST_REDIS_URL is not set');
  const env: Record<string, string> = {
    DATA_DIR: shared ? shared.config.server.dataDir : database!.dataDir,
    WEBUI_SECRET_KEY: shared ? shared.config.accounts.secretKey! : 'test-secret-key-for-this-run',
    GLOBAL_LOG_LEVEL: 'silent',
    ...(database?.databaseUrl ? { DATABASE_URL: database.databaseUrl } : {}),
    ...(shared?.config.storage.databaseUrl ? { DATABASE_URL: shared.config.storage.databaseUrl } : {}),
    ...(options.redis ? { REDIS_URL: redisUrl!, REDIS_KEY_PREFIX: prefix } : {}),
    ...options.env,
  };
  const result = loadConfig(env);
  if (!result.config) throw new Error(result.problems.map((problem) => problem.message).join('\n'));
  const config = result.config;
  const logLines = options.logLines;
  const logger = logLines
    ? createLogger({ level: 'debug', destination: new Writable({ write: (chunk: Buffer, _encoding, done) => (logLines.push(chunk.toString()), done()) }) })
    : createLogger({ level: 'silent' });
  const services = await createServices(config, logger);
  const app = await buildApp(services, options.tuning);
  await app.ready();

  const call: TestApp['call'] = (method, url, token, body) =>
    app.inject({
      method,
      url,
      headers: token ? { authorization: `Bearer ${token}` } : {},
      ...(body !== undefined ? { payload: body as object } : {}),
    });

  return {
    app,
    services,
    config,
    async signUp(user = {}) {
      counter += 1;
      const response = await call('POST', '/api/v1/auths/signup', undefined, {
        name: user.name ?? `User ${counter}`,
        email: user.email ?? `user${counter}-${Date.now()}@example.com`,
        password: user.password ?? 'correct horse battery',
      });
      if (response.statusCode !== 200) throw new Error(`sign-up failed: ${response.statusCode} ${response.body}`);
      return response.json<SignedInBody>();
    },
    signIn: (email, password) => call('POST', '/api/v1/auths/signin', undefined, { email, password }),
    call,
    async close() {
      await app.close();
      await closeServices(services);
      if (options.redis && !shared) await cleanupRedisPrefix(redisUrl!, prefix);
      await database?.cleanup();
    },
  };
}

/** The storage set-ups every account test runs on: SQLite always; PostgreSQL and Redis when configured. */
export const backendVariants: Array<{ name: string } & Pick<TestAppOptions, 'kind' | 'redis'>> = [
  { name: 'sqlite', kind: 'sqlite' },
  { name: 'sqlite+redis', kind: 'sqlite', redis: true },
  { name: 'postgres', kind: 'postgres' },
  { name: 'postgres+redis', kind: 'postgres', redis: true },
].filter((variant) => (variant.kind !== 'postgres' || postgresUrl) && (!variant.redis || redisUrl)) as Array<
  { name: string } & Pick<TestAppOptions, 'kind' | 'redis'>
>;
