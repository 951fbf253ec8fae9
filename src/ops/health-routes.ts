/**
 * Liveness and readiness. `/health` touches nothing and is never logged, so it stays cheap under
 * any load; `/health/db` and `/ready` check the stores with a bound on how long they may take.
 */
import type { FastifyInstance } from 'fastify';
import { AstraError } from '../core/errors';
import type { Database, KeyValue } from '../storage';

const checkTimeoutMs = 2_000;

export function registerHealthRoutes(app: FastifyInstance, deps: { database: Database; keyValue: KeyValue; isReady: () => boolean }): void {
  const open = { config: { access: 'public' as const, quiet: true } };

  app.get('/health', open, async () => ({ status: true }));

  app.get('/health/db', open, async () => {
    await bounded('database', (signal) => deps.database.ping(signal));
    return { status: true };
  });

  app.get('/ready', open, async () => {
    if (!deps.isReady()) throw new AstraError('unavailable', 'Astra is still starting');
    await Promise.all([
      bounded('database', (signal) => deps.database.ping(signal)),
      bounded('key-value store', () => deps.keyValue.ping()),
    ]);
    return { status: true };
  });
}

/** Runs a check, failing with 503 naming the store when it errors or takes longer than 2 s. */
async function bounded(what: string, check: (signal: AbortSignal) => Promise<void>): Promise<void> {
  const signal = AbortSignal.timeout(checkTimeoutMs);
  const timedOut = new Promise<never>((_resolve, reject) => {
    signal.addEventListener('abort', () => reject(new AstraError('unavailable', `The ${what} did not answer within ${checkTimeoutMs / 1000} s`)), { once: true });
  });
  try {
    await Promise.race([check(signal), timedOut]);
  } catch (error) {
    if (error instanceof AstraError) throw error;
    throw new AstraError('unavailable', `The ${what} is not reachable: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}
