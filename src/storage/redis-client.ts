/**
 * Redis connections that fail loudly: a bad REDIS_URL or an unreachable server becomes an error
 * naming REDIS_URL (password removed) within seconds, instead of commands queueing forever.
 */
import { Redis } from 'ioredis';
import type { Logger } from '../core/logger';
import { describeError } from './describe-error';
import { redactUrl } from './redact-url';

const connectTimeoutMilliseconds = 5000;
const commandTimeoutMilliseconds = 5000;
/** How long start-up waits for the first answer before giving up. */
export const redisReadyTimeoutMilliseconds = 10_000;

export interface RedisClientOptions {
  url: string;
  /** What the connection is for, in log lines: "key-value", "pub/sub subscriber"… */
  purpose: string;
  logger?: Logger;
  /** A subscriber waits for messages indefinitely, so only other connections get a command timeout. */
  subscriber?: boolean;
}

/** Throws an error naming REDIS_URL unless `url` is a redis:// or rediss:// URL. */
export function checkRedisUrl(url: string): void {
  let protocol: string | undefined;
  try {
    protocol = new URL(url).protocol;
  } catch {
    protocol = undefined;
  }
  if (protocol !== 'redis:' && protocol !== 'rediss:') {
    throw new Error(`REDIS_URL ${redactUrl(url)} is not supported: use redis://[:password@]host:6379[/database] or rediss:// for TLS`);
  }
}

/** Opens a connection to `url` in the background; commands wait for it (within their retry limit). */
export function createRedisClient(options: RedisClientOptions): Redis {
  checkRedisUrl(options.url);
  const client = new Redis(options.url, {
    connectTimeout: connectTimeoutMilliseconds,
    commandTimeout: options.subscriber === true ? undefined : commandTimeoutMilliseconds,
    // While Redis is away a command fails after a few reconnection attempts (about a second)
    // rather than the default twenty, so a request gets a clear error instead of hanging.
    maxRetriesPerRequest: 3,
    // Keep reconnecting in the background, backing off to once every two seconds.
    retryStrategy: (attempt) => Math.min(attempt * 100, 2000),
  });
  // ioredis repeats the same error on every reconnection attempt; log each distinct one once.
  let lastLogged: string | undefined;
  client.on('error', (error: unknown) => {
    lastErrors.set(client, error);
    const reason = describeError(error);
    if (reason === lastLogged) return;
    lastLogged = reason;
    options.logger?.warn({ redis: redactUrl(options.url), purpose: options.purpose, reason }, 'Redis connection failed; retrying');
  });
  client.on('ready', () => {
    if (lastLogged !== undefined) options.logger?.info({ redis: redactUrl(options.url), purpose: options.purpose }, 'Redis connection restored');
    lastLogged = undefined;
    lastErrors.delete(client);
  });
  return client;
}

const lastErrors = new WeakMap<Redis, unknown>();

/**
 * Resolves once `client` answers a PING; otherwise rejects within `timeoutMs` with an error naming
 * REDIS_URL and the reason (the connection error when there was one).
 */
export async function waitForRedis(client: Redis, url: string, timeoutMs = redisReadyTimeoutMilliseconds): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
  });
  try {
    await Promise.race([client.ping(), timeout]);
  } catch (error) {
    const connectionError = lastErrors.get(client);
    const reason = describeError(connectionError ?? error);
    throw new Error(`Could not reach Redis at ${redactUrl(url)} (REDIS_URL): ${reason}`, { cause: connectionError ?? error });
  } finally {
    clearTimeout(timer);
  }
}

/** Closes politely (QUIT), or at once when the server is not answering. */
export async function closeRedisClient(client: Redis): Promise<void> {
  if (client.status === 'end') return;
  if (client.status !== 'ready') {
    client.disconnect();
    return;
  }
  try {
    await client.quit();
  } catch {
    client.disconnect();
  }
}
