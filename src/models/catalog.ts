/**
 * The merged model list. Every connection is asked at once, each bounded by its own timeout; a
 * list is kept for MODELS_CACHE_TTL and, once stale, served at once while a background refresh runs.
 * A connection that fails is marked down and re-probed in the background (a circuit breaker), so a
 * dead server delays the list at most once, by its bound, and after that not at all.
 */
import type { Connection, ConnectionRegistry } from '../connections';
import type { Logger } from '../core/logger';
import type { UpstreamModel } from './list-upstream-models';

export interface ServedBy {
  connection: Connection;
  /** The id the server knows the model by (without the connection's prefix). */
  upstreamId: string;
}

export interface CatalogModel {
  /** The id clients use: the server's id, behind `<prefix_id>.` when the connection has one. */
  id: string;
  name: string;
  ownedBy: 'ollama' | 'openai';
  created: number;
  /** Every connection serving this model, in connection order. */
  servedBy: ServedBy[];
  details: Record<string, unknown>;
}

interface ConnectionState {
  /** The connection as it was when this state was made: an edit makes a new object. */
  connection: Connection;
  models: UpstreamModel[] | undefined;
  fetchedAt: number;
  down: boolean;
  lastError: string | undefined;
  refreshing: Promise<void> | undefined;
  probe: NodeJS.Timeout | undefined;
  probeDelayMs: number;
}

export interface CatalogOptions {
  /** How long a fetched list stays fresh. */
  ttlMs: number;
  /** Serve a stale list at once while it refreshes in the background (else wait for the refresh). */
  serveStale: boolean;
  /** Bound on one connection's answer (AIOHTTP_CLIENT_TIMEOUT_MODEL_LIST). */
  listTimeoutMs: number;
  /** First and longest wait between probes of a connection that is down. */
  probeDelayMs?: { first: number; longest: number };
}

export type ListModels = (connection: Connection, timeoutMs: number) => Promise<UpstreamModel[]>;

export class ModelCatalog {
  private readonly states = new Map<string, ConnectionState>();
  private merged: CatalogModel[] = [];
  private byId = new Map<string, CatalogModel>();
  private readonly probeDelay: { first: number; longest: number };
  private closed = false;

  constructor(
    private readonly registry: Pick<ConnectionRegistry, 'enabled' | 'onChange'>,
    private readonly listModels: ListModels,
    private readonly options: CatalogOptions,
    private readonly logger: Logger,
  ) {
    this.probeDelay = options.probeDelayMs ?? { first: 2_000, longest: 30_000 };
    registry.onChange(() => this.forgetChangedConnections());
  }

  /** All models of the enabled connections that answer. `refresh` asks every connection again. */
  async list(options: { refresh?: boolean } = {}): Promise<CatalogModel[]> {
    const now = Date.now();
    const waits: Array<Promise<void>> = [];
    for (const connection of this.registry.enabled()) {
      const state = this.stateOf(connection);
      if (options.refresh) waits.push(this.refresh(connection));
      else if (state.down) continue; // the probe brings it back
      else if (state.models === undefined) waits.push(this.refresh(connection));
      else if (now - state.fetchedAt >= this.options.ttlMs) {
        const refreshing = this.refresh(connection);
        if (!this.options.serveStale) waits.push(refreshing);
      }
    }
    if (waits.length > 0) await Promise.all(waits);
    return this.merged;
  }

  /** A model from the current list, without any I/O. */
  find(id: string): CatalogModel | undefined {
    return this.byId.get(id);
  }

  /** A model by id, loading the list first when it has never been loaded. */
  async resolve(id: string): Promise<CatalogModel | undefined> {
    const known = this.find(id);
    if (known !== undefined) return known;
    await this.list();
    return this.byId.get(id);
  }

  /** Whether the connection answered its last model-list request. */
  isDown(connectionId: string): boolean {
    return this.states.get(connectionId)?.down ?? false;
  }

  close(): void {
    this.closed = true;
    for (const state of this.states.values()) clearTimeout(state.probe);
  }

  private stateOf(connection: Connection): ConnectionState {
    let state = this.states.get(connection.id);
    if (state === undefined || state.connection !== connection) {
      if (state) clearTimeout(state.probe);
      state = { connection, models: undefined, fetchedAt: 0, down: false, lastError: undefined, refreshing: undefined, probe: undefined, probeDelayMs: this.probeDelay.first };
      this.states.set(connection.id, state);
    }
    return state;
  }

  /** Fetches one connection's list; concurrent calls share one request. Never rejects. */
  private refresh(connection: Connection): Promise<void> {
    const state = this.stateOf(connection);
    state.refreshing ??= this.listModels(connection, this.options.listTimeoutMs)
      .then(
        (models) => {
          if (state.down) this.logger.info({ connection: connection.baseUrl }, 'model server is answering again');
          Object.assign(state, { models, fetchedAt: Date.now(), down: false, lastError: undefined, probeDelayMs: this.probeDelay.first });
          clearTimeout(state.probe);
          state.probe = undefined;
        },
        (error: unknown) => {
          const message = error instanceof Error ? error.message : String(error);
          if (!state.down) this.logger.warn({ connection: connection.baseUrl, error: message }, 'model server is down; its models are hidden until it answers');
          Object.assign(state, { down: true, lastError: message });
          this.scheduleProbe(connection, state);
        },
      )
      .finally(() => {
        state.refreshing = undefined;
        this.merge();
      });
    return state.refreshing;
  }

  private scheduleProbe(connection: Connection, state: ConnectionState): void {
    if (this.closed || state.probe !== undefined) return;
    state.probe = setTimeout(() => {
      state.probe = undefined;
      if (this.states.get(connection.id) === state) void this.refresh(connection);
    }, state.probeDelayMs);
    state.probe.unref();
    state.probeDelayMs = Math.min(state.probeDelayMs * 2, this.probeDelay.longest);
  }

  /** Drops what we knew of connections that were removed, disabled or changed. */
  private forgetChangedConnections(): void {
    const current = new Map(this.registry.enabled().map((connection) => [connection.id, connection]));
    for (const [id, state] of this.states) {
      if (current.get(id) !== state.connection) {
        clearTimeout(state.probe);
        this.states.delete(id);
      }
    }
    this.merge();
  }

  private merge(): void {
    const byId = new Map<string, CatalogModel>();
    for (const connection of this.registry.enabled()) {
      const state = this.states.get(connection.id);
      if (state === undefined || state.connection !== connection || state.down || state.models === undefined) continue;
      for (const model of state.models) {
        const id = connection.prefixId ? `${connection.prefixId}.${model.id}` : model.id;
        const existing = byId.get(id);
        if (existing) existing.servedBy.push({ connection, upstreamId: model.id });
        else {
          byId.set(id, {
            id,
            name: connection.prefixId ? `${connection.prefixId}.${model.name}` : model.name,
            ownedBy: connection.kind,
            created: model.created,
            servedBy: [{ connection, upstreamId: model.id }],
            details: model.details,
          });
        }
      }
    }
    this.byId = byId;
    this.merged = [...byId.values()];
  }
}
