/**
 * Server variables: where Astra listens, where it keeps its data, how many processes and threads
 * it runs, how much it logs, and whom it trusts for forwarded and cross-origin requests.
 */
import path from 'node:path';
import { z } from 'zod';
import type { EnvironmentReader } from './environment-reader';
import { parseLogLevel } from './log-level';
import type { ServerConfig } from './types';
import { accept, anyText, oneOf, reject, splitList, wholeNumber, type Parsed } from './value-parsers';

const proxyEntrySchema = z.union([z.literal('*'), z.ipv4(), z.ipv6(), z.cidrv4(), z.cidrv6()]);
const originSchema = z.url({ protocol: /^[a-z][a-z0-9+.-]*$/, hostname: /^.+$/ });

/** FORWARDED_ALLOW_IPS: comma-separated IP addresses or CIDR ranges, or `*` (uvicorn's format). */
export function parseTrustedProxies(text: string): Parsed<string[]> {
  const entries = splitList(text, ',').filter((entry) => entry !== '');
  const expected = 'expected a comma-separated list such as 127.0.0.1,10.0.0.0/8, or *';
  if (entries.length === 0) return reject(`has no addresses; ${expected}`);
  const bad = entries.find((entry) => !proxyEntrySchema.safeParse(entry).success);
  if (bad !== undefined) return reject(`has "${bad}", which is not an IP address or CIDR range; ${expected}`);
  return accept(entries);
}

/** CORS_ALLOW_ORIGIN: `;`-separated origins (`https://chat.example.com`), or `*`. */
export function parseAllowedOrigins(text: string): Parsed<string[]> {
  const entries = splitList(text, ';').filter((entry) => entry !== '');
  const bad = entries.find((entry) => entry !== '*' && !isOrigin(entry));
  if (bad !== undefined) {
    return reject(`has "${bad}", which is not an origin; expected ;-separated origins such as https://chat.example.com, or *`);
  }
  return accept(entries.map((entry) => entry.replace(/\/+$/, '')));
}

function isOrigin(entry: string): boolean {
  if (!originSchema.safeParse(entry).success) return false;
  const url = new URL(entry);
  return (url.pathname === '/' || url.pathname === '') && url.search === '' && url.hash === '';
}

/** Reads the Server group; a relative DATA_DIR is resolved against `cwd`. */
export function readServerConfig(reader: EnvironmentReader, cwd: string): ServerConfig {
  reader.startGroup('Server');
  const port = reader.read('PORT', wholeNumber({ min: 1, max: 65535 }), 8080);
  const host = reader.read('HOST', anyText, '0.0.0.0');
  const dataDir = reader.read('DATA_DIR', (text) => accept(path.resolve(cwd, text)), path.resolve(cwd, 'data'));
  const name = reader.read('WEBUI_NAME', anyText, 'Astra');
  const env = reader.read('ENV', oneOf(['prod', 'dev'] as const), 'prod');
  const workers = reader.read('WORKERS', wholeNumber({ min: 1, max: 1024 }), 1, { aliases: ['UVICORN_WORKERS'] });
  const threadPoolSize = reader.read('THREAD_POOL_SIZE', wholeNumber({ min: 0, max: 1024 }), 0, {
    defaultNote: 'one fewer than the CPU cores, at least 1',
  });
  const logLevel = reader.read('GLOBAL_LOG_LEVEL', parseLogLevel, 'info');
  const sameAsGlobal = { defaultNote: '= GLOBAL_LOG_LEVEL' };
  const webhookLogLevel = reader.read('WEBHOOK_LOG_LEVEL', parseLogLevel, logLevel, sameAsGlobal);
  const oauthLogLevel = reader.read('OAUTH_LOG_LEVEL', parseLogLevel, logLevel, sameAsGlobal);
  const trustedProxies = reader.read('FORWARDED_ALLOW_IPS', parseTrustedProxies, ['127.0.0.1', '::1'], {
    show: (entries) => entries.join(','),
  });
  if (trustedProxies.includes('*')) {
    reader.warn('FORWARDED_ALLOW_IPS=* believes X-Forwarded-* headers from any client; list your proxies instead');
  }
  const corsAllowOrigins = reader.read('CORS_ALLOW_ORIGIN', parseAllowedOrigins, [], {
    show: (entries) => entries.join(';'),
    defaultNote: 'only the server itself',
  });
  if (corsAllowOrigins.includes('*')) {
    reader.warn('CORS_ALLOW_ORIGIN=* lets any web site call Astra from a signed-in browser; list the origins instead');
  }
  for (const name of ['SCARF_NO_ANALYTICS', 'DO_NOT_TRACK', 'ANONYMIZED_TELEMETRY']) {
    reader.acceptWithoutEffect(name, 'no effect: Astra sends no telemetry');
  }
  return {
    port,
    host,
    dataDir,
    name,
    env,
    workers,
    threadPoolSize,
    logLevel,
    webhookLogLevel,
    oauthLogLevel,
    trustedProxies,
    corsAllowOrigins,
  };
}
