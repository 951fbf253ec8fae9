/**
 * `GET /metrics`: Prometheus text for this process — Node's own figures (event-loop delay, memory,
 * handles; the event-loop histogram restarts at each scrape) and the database's writes — for an
 * admin session or the METRICS_TOKEN bearer. The registry belongs to this app: no module-level state.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Registry } from 'prom-client';
import { AstraError, forbidden, unauthenticated } from '../core/errors';
import type { Database } from '../storage';

export interface MetricsAccess {
  /** METRICS_TOKEN, when set. */
  token: string | undefined;
  /** Whether the bearer token or cookie belongs to a signed-in admin. */
  isAdmin(request: FastifyRequest): Promise<boolean>;
}

/**
 * The registry is made at the first scrape: a server nobody scrapes never loads prom-client nor
 * runs its event-loop monitor.
 */
async function createMetricsRegistry(database: Pick<Database, 'writes'>): Promise<Registry> {
  const { collectDefaultMetrics, Counter, Registry } = await import('prom-client');
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 10 });
  // The database counts its writes as plain numbers (storage/write-counter.ts); they are copied
  // into the counters only when scraped, so no query ever touches prom-client.
  const writes = database.writes;
  new Counter({
    name: 'astra_database_write_statements_total',
    help: 'Database statements that wrote (INSERT, UPDATE, DELETE, schema changes), each statement of a transaction counted, since the process started',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(writes.statements);
    },
  });
  new Counter({
    name: 'astra_database_transactions_total',
    help: 'Explicit database transactions committed since the process started (a statement outside one is counted in astra_database_write_statements_total only)',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(writes.transactions);
    },
  });
  return registry;
}

export function registerMetricsRoute(app: FastifyInstance, deps: { access: MetricsAccess; database: Pick<Database, 'writes'> }): void {
  let registry: Promise<Registry> | undefined;
  // Checked here rather than by role alone, so a scraper can use METRICS_TOKEN without an account.
  app.get('/metrics', { config: { access: 'public', quiet: true } }, async (request, reply) => {
    if (!(await allowed(request, deps.access))) {
      throw request.headers.authorization || request.headers.cookie ? forbidden('Only administrators or the METRICS_TOKEN may read metrics') : unauthenticated();
    }
    registry ??= createMetricsRegistry(deps.database);
    const ready = await registry;
    reply.type(ready.contentType);
    return ready.metrics();
  });
}

async function allowed(request: FastifyRequest, access: MetricsAccess): Promise<boolean> {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];
  if (access.token !== undefined && bearer !== undefined && sameSecret(bearer, access.token)) return true;
  try {
    return await access.isAdmin(request);
  } catch (error) {
    if (error instanceof AstraError) return false;
    throw error;
  }
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
