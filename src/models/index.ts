/**
 * Models: the merged, cached list across connections (with a circuit breaker per connection), and
 * who may use which model.
 */
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config';
import type { ConnectionRegistry } from '../connections';
import type { Logger } from '../core/logger';
import type { Database, PubSub } from '../storage';
import { ModelAccess } from './access';
import { ModelCatalog } from './catalog';
import { listUpstreamModels } from './list-upstream-models';
import { registerModelsRoutes } from './models-routes';

export { ModelAccess, type ModelSetting, type ModelVisibility } from './access';
export { ModelCatalog, type CatalogModel, type ServedBy } from './catalog';
export { modelView } from './models-routes';

export interface Models {
  catalog: ModelCatalog;
  access: ModelAccess;
  stop(): Promise<void>;
}

export async function createModels(deps: { config: Config; database: Database; pubSub: PubSub; registry: ConnectionRegistry; logger: Logger }): Promise<Models> {
  const { config } = deps;
  const catalog = new ModelCatalog(
    deps.registry,
    (connection, timeoutMs) => listUpstreamModels(deps.registry, connection, timeoutMs),
    {
      ttlMs: config.models.cacheTtlSeconds * 1000,
      // ENABLE_MODEL_CACHE=false: every list waits for fresh answers (each still bounded) instead of
      // serving a stale list while refreshing.
      serveStale: config.models.enableModelCache,
      listTimeoutMs: config.timeouts.modelListSeconds * 1000,
    },
    deps.logger,
  );
  const access = new ModelAccess(deps.database.db, deps.pubSub, config.models.bypassAccessControl, deps.logger);
  await access.start();
  return {
    catalog,
    access,
    async stop() {
      catalog.close();
      await access.stop();
    },
  };
}

export function registerModels(app: FastifyInstance, models: Models): void {
  registerModelsRoutes(app, models);
}
