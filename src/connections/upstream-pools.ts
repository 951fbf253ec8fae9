/**
 * Pooled HTTP clients for the model servers: one per origin (scheme, host, port), shared by every
 * connection on that origin, kept alive between requests, with cached DNS answers and the TLS
 * settings of AIOHTTP_CLIENT_SESSION_SSL.
 */
import { isIP } from 'node:net';
import { readFile } from 'node:fs/promises';
import { Agent, interceptors, Pool, type Dispatcher } from 'undici';
import type { ConnectionEnvConfig } from '../config';
import type { Logger } from '../core/logger';

/**
 * How long opening a TCP (and TLS) connection to a model server may take. A server that needs
 * longer to accept a connection is down or unreachable for practical purposes.
 */
export const upstreamConnectTimeoutMs = 10_000;

export interface PoolSettings {
  /** Sockets per origin; null = no limit. */
  connectionsPerOrigin: number | null;
  /** How long a DNS answer is reused; 0 = resolve for every new socket. */
  dnsTtlMs: number;
  rejectUnauthorized: boolean;
  /** PEM certificate authorities that replace the default ones, when given. */
  ca: string | undefined;
}

/**
 * The pool settings the environment asks for. undici has no cap on sockets across origins, so
 * AIOHTTP_POOL_CONNECTIONS caps each origin instead (together with the per-host limit, whichever
 * is lower); 0 means no limit, as in aiohttp.
 */
export async function poolSettingsFrom(config: ConnectionEnvConfig): Promise<PoolSettings> {
  const limits = [config.poolConnectionsPerHost, config.poolConnections].filter((limit) => limit > 0);
  return {
    connectionsPerOrigin: limits.length > 0 ? Math.min(...limits) : null,
    dnsTtlMs: config.poolDnsTtlSeconds * 1000,
    rejectUnauthorized: config.tls.verify,
    ca: config.tls.caFile === undefined ? undefined : await readFile(config.tls.caFile, 'utf8'),
  };
}

const origins = new Map<string, string>();

/** `http://host:11434/v1` → `http://host:11434`; remembered, as it is asked on every request. */
export function originOf(baseUrl: string): string {
  let origin = origins.get(baseUrl);
  if (origin === undefined) {
    origin = new URL(baseUrl).origin;
    // A handful of connections in practice; the bound only guards against unbounded growth.
    if (origins.size > 10_000) origins.clear();
    origins.set(baseUrl, origin);
  }
  return origin;
}

export interface OriginDispatcher {
  dispatcher: Dispatcher;
  /** Lets requests in flight finish, then closes the sockets. */
  close(): Promise<void>;
  /** Closes at once, failing requests in flight. */
  destroy(): Promise<void>;
}

type DnsInterceptor = ReturnType<typeof interceptors.dns>;

/** A DNS cache to share between dispatchers; undefined when DNS answers are not to be cached. */
export function dnsCache(settings: PoolSettings): DnsInterceptor | undefined {
  if (settings.dnsTtlMs <= 0) return undefined;
  // IPv4 first, falling back to IPv6 when refused: "localhost" then reaches a server listening on
  // 127.0.0.1 (as Ollama does by default) without a failed attempt on ::1 first.
  return interceptors.dns({ maxTTL: settings.dnsTtlMs, dualStack: true, affinity: 4 });
}

/**
 * A dispatcher for one origin: its Pool when the origin is an address (or DNS answers are not
 * cached); otherwise an Agent, because the DNS cache hands it requests addressed to the resolved
 * IP and the Agent keeps one pool per address. No headers or body timeout is set:
 * the callers bound each phase of their own requests (first byte, first token, idle gaps).
 */
export function createOriginDispatcher(settings: PoolSettings, dns: DnsInterceptor | undefined, origin?: string): OriginDispatcher {
  const options = {
    connections: settings.connectionsPerOrigin,
    pipelining: 1,
    headersTimeout: 0,
    bodyTimeout: 0,
    connect: {
      timeout: upstreamConnectTimeoutMs,
      rejectUnauthorized: settings.rejectUnauthorized,
      ...(settings.ca === undefined ? {} : { ca: settings.ca }),
    },
  };
  // An address needs no lookup: skip the DNS cache's work on every request to it.
  const needsLookup = origin === undefined || isIP(new URL(origin).hostname.replace(/^\[|\]$/g, '')) === 0;
  if (origin !== undefined && (dns === undefined || !needsLookup)) {
    // Every request goes to this one origin: its pool itself, without an Agent choosing it each time.
    const pool = new Pool(origin, options);
    return { dispatcher: pool, close: () => pool.close(), destroy: () => pool.destroy() };
  }
  const agent = new Agent(options);
  const dispatcher = dns === undefined || !needsLookup ? agent : agent.compose(dns);
  return { dispatcher, close: () => agent.close(), destroy: () => agent.destroy() };
}

/** The dispatchers of the registry, one per origin, created on first use. */
export class UpstreamPools {
  private readonly pools = new Map<string, OriginDispatcher>();
  private readonly dns: DnsInterceptor | undefined;
  private closed = false;

  constructor(
    private readonly settings: PoolSettings,
    private readonly logger: Logger,
  ) {
    this.dns = dnsCache(settings);
  }

  dispatcherFor(baseUrl: string): Dispatcher {
    if (this.closed) throw new Error('The connection registry is closed');
    const origin = originOf(baseUrl);
    let pool = this.pools.get(origin);
    if (pool === undefined) {
      pool = createOriginDispatcher(this.settings, this.dns, origin);
      this.pools.set(origin, pool);
    }
    return pool.dispatcher;
  }

  /** The origins that have a pool now. */
  origins(): string[] {
    return [...this.pools.keys()];
  }

  /** Closes the pools of origins no connection uses any more; requests in flight on them finish first. */
  retainOnly(baseUrls: Iterable<string>): void {
    const used = new Set<string>();
    for (const baseUrl of baseUrls) used.add(originOf(baseUrl));
    for (const [origin, pool] of this.pools) {
      if (used.has(origin)) continue;
      this.pools.delete(origin);
      pool.close().catch((error: unknown) => this.logger.warn({ err: error, origin }, 'could not close the pool of a removed model server'));
    }
  }

  /**
   * Closes every pool. Requests in flight get `closeGraceMs` to finish (shutdown stops generations
   * before this); whatever is still open then is cut.
   */
  async close(closeGraceMs = 2000): Promise<void> {
    this.closed = true;
    const pools = [...this.pools.values()];
    this.pools.clear();
    let timer: NodeJS.Timeout | undefined;
    const graceEnded = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), closeGraceMs);
    });
    const closing = Promise.allSettled(pools.map((pool) => pool.close()));
    const outcome = await Promise.race([closing, graceEnded]);
    clearTimeout(timer);
    if (outcome === 'late') await Promise.allSettled(pools.map((pool) => pool.destroy()));
  }
}
