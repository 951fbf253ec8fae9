/**
 * `astra serve`: validate the configuration, open the services, listen, and shut down cleanly on
 * SIGTERM/SIGINT (stop accepting, let requests in flight finish for up to 10 s, close the stores).
 */
import { buildApp } from './app';
import { loadConfig } from './config';
import { createLogger } from './core/logger';
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
  for (const warning of result.warnings) logger.warn(warning);
  if (result.ignored.length > 0) {
    logger.info({ variables: result.ignored }, 'Open WebUI variables that Astra does not use were ignored');
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
    try {
      await app.close();
    } finally {
      clearTimeout(force);
      await closeServices(services);
      logger.info('stopped');
      logger.flush(() => process.exit(0));
    }
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
  return -1;
}
