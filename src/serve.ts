/**
 * `astra serve`: validate the configuration, open the services, listen, and shut down cleanly on
 * SIGTERM/SIGINT (stop accepting, let requests in flight finish for up to 10 s, close the stores).
 * With WORKERS > 1 the first process supervises that many server processes sharing the port.
 */
import cluster from 'node:cluster';
import { buildApp } from './app';
import { loadConfig } from './config';
import { createLogger } from './core/logger';
import { superviseWorkers } from './serve-workers';
import { closeServices, createServices } from './services';
import { version } from './version';

const shutdownGraceMs = 10_000;

/** Starts the server; resolves -1 once listening (the process then lives until a signal). */
export async function runServe(): Promise<number> {
  const result = loadConfig(process.env);
  if (result.config === undefined) {
    console.error('Astra cannot start; fix the configuration:');
    for (const problem of result.problems) console.error(`  ${problem.message}`);
    return 1;
  }
  const config = result.config;
  const logger = createLogger({ level: config.server.logLevel });
  // Said once, by the first process: workers would only repeat it.
  if (cluster.isPrimary) {
    for (const warning of result.warnings) logger.warn(warning);
    if (result.ignored.length > 0) {
      logger.info({ variables: result.ignored }, 'Open WebUI variables that Astra does not use were ignored');
    }
    if (config.server.workers > 1) {
      logger.info({ workers: config.server.workers }, 'starting worker processes');
      const code = await superviseWorkers(config.server.workers, logger);
      await new Promise<void>((resolve) => logger.flush(() => resolve()));
      return code;
    }
  }

  const services = await createServices(config, logger);
  const app = await buildApp(services);
  await app.listen({ port: config.server.port, host: config.server.host });
  logger.info({ version, database: services.database.description, redis: config.storage.redisUrl !== undefined }, 'Astra is serving');

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping: finishing requests in flight');
    const force = setTimeout(() => {
      logger.warn(`requests still running after ${shutdownGraceMs / 1000} s were cut`);
      app.server.closeAllConnections();
    }, shutdownGraceMs);
    force.unref();
    // A keep-alive connection whose request was still running when we began to close becomes idle
    // only after its response; close those as they go idle instead of waiting out the grace period.
    const sweep = setInterval(() => app.server.closeIdleConnections(), 50);
    try {
      await app.close();
    } finally {
      clearTimeout(force);
      clearInterval(sweep);
      await closeServices(services);
      logger.info('stopped');
      logger.flush(() => process.exit(0));
    }
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
  return -1;
}
