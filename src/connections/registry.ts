/**
 * The connection registry: the model servers of this installation, held in memory for the hot path
 * and kept in step with the database. A change is written to the database, applied here at once,
 * and announced on PubSub so every other process re-reads the table within about a second.
 */
import { randomUUID } from 'node:crypto';
import type { Dispatcher } from 'undici';
import type { Config } from '../config';
import { notFound } from '../core/errors';
import type { Logger } from '../core/logger';
import type { Database, PubSub, Unsubscribe } from '../storage';
import { ConnectionStore, defaultName } from './connection-store';
import { noteEnvironmentDrift, seedConnectionsOnce } from './seed-from-environment';
import type { Connection, ConnectionChanges, ConnectionInput, ConnectionRegistry } from './types';
import { poolSettingsFrom, UpstreamPools } from './upstream-pools';

export type { Connection, ConnectionChanges, ConnectionInput, ConnectionKind, ConnectionRegistry } from './types';

/** The PubSub channel on which a process says "the connections table changed". */
export const connectionsChangedChannel = 'connections:changed';

/**
 * Besides listening, each process re-reads the (small) table this often, in case a message was
 * lost (a Redis reconnect, say): a missed change then still applies within this time.
 */
const resyncEveryMs = 30_000;

export interface ConnectionRegistryOptions {
  database: Database;
  pubSub: PubSub;
  config: Pick<Config, 'connections'>;
  logger: Logger;
}

/** Seeds the table on the very first start, loads it, and starts listening for changes. */
export async function openConnectionRegistry(options: ConnectionRegistryOptions): Promise<ConnectionRegistry> {
  const store = new ConnectionStore(options.database.db);
  const seeded = await seedConnectionsOnce(store, options.config.connections);
  const registry = new Registry(store, options.pubSub, new UpstreamPools(await poolSettingsFrom(options.config.connections), options.logger), options.logger);
  await registry.start();
  if (seeded > 0) {
    options.logger.info({ connections: seeded }, 'model server connections created from the environment');
  } else {
    noteEnvironmentDrift(options.config.connections, registry.list(), options.logger);
  }
  return registry;
}

class Registry implements ConnectionRegistry {
  private connections: readonly Connection[] = [];
  private enabledConnections: readonly Connection[] = [];
  private byId = new Map<string, Connection>();
  private readonly listeners = new Set<() => void>();
  /** Tells this process's own messages apart from other processes'. */
  private readonly instanceId = randomUUID();
  /** Reloads run one after another, so the last one to finish read the newest table. */
  private reloading: Promise<void> = Promise.resolve();
  private unsubscribe: Unsubscribe | undefined;
  private resyncTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly store: ConnectionStore,
    private readonly pubSub: PubSub,
    private readonly pools: UpstreamPools,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    // Subscribe before the first read, so a change made in between is not missed.
    this.unsubscribe = await this.pubSub.subscribe(connectionsChangedChannel, (message) => {
      if (message === this.instanceId || this.closed) return;
      this.reload().catch((error: unknown) => {
        this.logger.warn({ err: error }, 'could not reload the model server connections after a change elsewhere; keeping the previous list');
      });
    });
    try {
      await this.reload();
    } catch (error) {
      await this.close();
      throw error;
    }
    this.resyncTimer = setInterval(() => {
      this.reload().catch((error: unknown) => this.logger.warn({ err: error }, 'could not re-read the model server connections'));
    }, resyncEveryMs);
    this.resyncTimer.unref();
  }

  list(): readonly Connection[] {
    return this.connections;
  }

  enabled(): readonly Connection[] {
    return this.enabledConnections;
  }

  get(id: string): Connection | undefined {
    return this.byId.get(id);
  }

  dispatcherFor(connection: Connection): Dispatcher {
    return this.pools.dispatcherFor(connection.baseUrl);
  }

  onChange(listener: () => void): () => void {
    // A wrapper per call, so the same function registered twice is two registrations.
    const registration = (): void => listener();
    this.listeners.add(registration);
    return () => {
      this.listeners.delete(registration);
    };
  }

  async add(input: ConnectionInput): Promise<Connection> {
    const added = await this.store.insert(input);
    await this.changed();
    return this.byId.get(added.id) ?? added;
  }

  async update(id: string, changes: ConnectionChanges): Promise<Connection> {
    const current = this.byId.get(id);
    const values = { ...changes };
    // An empty name goes back to the default, the host of the (possibly new) URL.
    if (values.name !== undefined && values.name.trim() === '') values.name = defaultName(values.baseUrl ?? current?.baseUrl ?? '');
    if (!(await this.store.update(id, values))) throw notFound('Connection');
    await this.changed();
    const updated = this.byId.get(id);
    if (updated === undefined) throw notFound('Connection');
    return updated;
  }

  async remove(id: string): Promise<void> {
    if (!(await this.store.delete(id))) throw notFound('Connection');
    await this.changed();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.resyncTimer);
    await this.unsubscribe?.().catch(() => undefined);
    await this.reloading.catch(() => undefined);
    await this.pools.close();
  }

  /** After a change here: apply it, then tell the other processes. */
  private async changed(): Promise<void> {
    await this.reload();
    try {
      await this.pubSub.publish(connectionsChangedChannel, this.instanceId);
    } catch (error) {
      this.logger.warn({ err: error }, 'could not tell other processes that the model server connections changed');
    }
  }

  private reload(): Promise<void> {
    const next = this.reloading.catch(() => undefined).then(() => this.readTable());
    this.reloading = next;
    return next;
  }

  private async readTable(): Promise<void> {
    if (this.closed) return;
    const connections = Object.freeze((await this.store.list()).map((connection) => Object.freeze(connection)));
    if (this.closed) return;
    const changed = JSON.stringify(connections) !== JSON.stringify(this.connections);
    this.connections = connections;
    this.enabledConnections = Object.freeze(connections.filter((connection) => connection.enabled));
    this.byId = new Map(connections.map((connection) => [connection.id, connection]));
    this.pools.retainOnly(connections.map((connection) => connection.baseUrl));
    if (!changed) return;
    for (const listener of [...this.listeners]) {
      try {
        listener();
      } catch (error) {
        this.logger.error({ err: error }, 'a listener for connection changes failed');
      }
    }
  }
}
