/**
 * The long-lived services one Astra process runs on: database, key-value store, pub/sub and the
 * capabilities built on them. Created once at start-up and closed once at shutdown.
 */
import { resolveSecretKey, type Config } from './config';
import type { Logger } from './core/logger';
import { createAuth, type Auth } from './auth';
import { announceGenerations, ChatStore, ChatTitles, createGenerations, UserEvents, type GenerationHub } from './chat';
import { LoadBalancer, openConnectionRegistry, type ConnectionRegistry } from './connections';
import { createModels, type Models } from './models';
import { openDatabase, openKeyValue, openPubSub, type Database, type KeyValue, type PubSub } from './storage';

export interface Services {
  config: Config;
  logger: Logger;
  database: Database;
  keyValue: KeyValue;
  pubSub: PubSub;
  auth: Auth;
  connections: ConnectionRegistry;
  models: Models;
  /** Requests in flight per connection, for choosing the least busy. */
  balancer: LoadBalancer;
  /** Chats and their messages. */
  chats: ChatStore;
  /** The chat replies this process generates, and the heartbeat that lets others see it is alive. */
  generations: GenerationHub;
  /** Each user's events channel (new chats, titles, finished generations) for their other tabs. */
  userEvents: UserEvents;
  /** Titles chats once their first answer completes, in the background. */
  titles: ChatTitles;
}

export async function createServices(config: Config, logger: Logger): Promise<Services> {
  const secretKey = await resolveSecretKey(config);
  const database = await openDatabase({
    url: config.storage.databaseUrl,
    dataDir: config.server.dataDir,
    pool: config.storage.pool,
    logger,
  });
  const opened: Array<{ close(): Promise<void> }> = [database];
  try {
    const keyValue = await openKeyValue({ redisUrl: config.storage.redisUrl, keyPrefix: config.storage.redisKeyPrefix, database, logger });
    opened.push(keyValue);
    // Without Redis, messages go through the database, so every process on it hears them.
    const pubSub = await openPubSub({ redisUrl: config.storage.redisUrl, keyPrefix: config.storage.redisKeyPrefix, database, logger });
    opened.push(pubSub);
    const connections = await openConnectionRegistry({ database, pubSub, config, logger });
    opened.push(connections);
    const models = await createModels({ config, database, pubSub, registry: connections, logger });
    opened.push({ close: () => models.stop() });
    const auth = await createAuth({ config, database, keyValue, pubSub, secretKey, logger });
    const chats = new ChatStore(database);
    const balancer = new LoadBalancer();
    const userEvents = new UserEvents(pubSub, logger);
    opened.push(userEvents);
    const gateway = { config, registry: connections, catalog: models.catalog, access: models.access, balancer, logger };
    const titles = new ChatTitles({ gateway, chats, events: userEvents, logger });
    opened.push(titles);
    const generations = await createGenerations({ keyValue, pubSub, store: chats, logger });
    opened.push({ close: () => generations.close() });
    generations.listen(announceGenerations(userEvents));
    generations.listen(titles);
    return { config, logger, database, keyValue, pubSub, auth, connections, models, balancer, chats, generations, userEvents, titles };
  } catch (error) {
    await Promise.allSettled(opened.reverse().map((service) => service.close()));
    throw error;
  }
}

/** Closes everything in the reverse order of creation; one failure does not stop the others. */
export async function closeServices(services: Services): Promise<void> {
  const steps: Array<[string, () => Promise<void>]> = [
    // First: answers still running are stored as interrupted while the database is open.
    ['generations', () => services.generations.close()],
    ['chat titles', () => services.titles.close()],
    ['user events', () => services.userEvents.close()],
    ['auth', () => services.auth.stop()],
    ['models', () => services.models.stop()],
    ['connection registry', () => services.connections.close()],
    ['pub/sub', () => services.pubSub.close()],
    ['key-value store', () => services.keyValue.close()],
    ['database', () => services.database.close()],
  ];
  for (const [name, close] of steps) {
    try {
      await close();
    } catch (error) {
      services.logger.error({ err: error }, `could not close the ${name}`);
    }
  }
}
