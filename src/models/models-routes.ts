/**
 * `GET /api/models` (the models the caller may use, merged across connections) and the admin's
 * per-model settings under /api/v1/models.
 */
import type { FastifyInstance } from 'fastify';
import { principalOf } from '../auth';
import { notFound } from '../core/errors';
import { parseInput, z } from '../core/validation';
import type { ModelAccess } from './access';
import type { CatalogModel, ModelCatalog } from './catalog';

const listQuery = z.object({ refresh: z.enum(['true', 'false', '1', '0']).optional() });
const updateBody = z
  .object({ access: z.enum(['everyone', 'admins', 'users']), user_ids: z.array(z.string().min(1).max(100)).max(10_000).default([]) })
  .strict();
const idParams = z.object({ id: z.string().min(1).max(500) });
const idQuery = z.object({ id: z.string().min(1).max(500) });

/** A model as the API shows it (Open WebUI's shape, plus where it runs). */
export function modelView(model: CatalogModel): Record<string, unknown> {
  return {
    id: model.id,
    name: model.name,
    object: 'model',
    created: model.created,
    owned_by: model.ownedBy,
    connection: model.servedBy[0]?.connection.name,
    connections: model.servedBy.map((entry) => entry.connection.name),
    [model.ownedBy]: model.details,
  };
}

export function registerModelsRoutes(app: FastifyInstance, deps: { catalog: ModelCatalog; access: ModelAccess }): void {
  const { catalog, access } = deps;

  app.get('/api/models', async (request) => {
    const { refresh } = parseInput(listQuery, request.query, 'query');
    const user = principalOf(request).user;
    const models = await catalog.list({ refresh: refresh === 'true' || refresh === '1' });
    return { data: models.filter((model) => access.canUse(user, model.id)).map(modelView) };
  });

  const admin = { config: { access: 'admin' as const } };

  app.get('/api/v1/models/', admin, async () => {
    const models = await catalog.list();
    return models.map((model) => {
      const setting = access.settingOf(model.id);
      return { ...modelView(model), access: setting.access, user_ids: setting.userIds };
    });
  });

  const update = async (modelId: string, body: unknown): Promise<object> => {
    const changes = parseInput(updateBody, body);
    if ((await catalog.resolve(modelId)) === undefined) throw notFound(`Model ${modelId}`);
    const setting = await access.update({ modelId, access: changes.access, userIds: changes.user_ids });
    return { id: setting.modelId, access: setting.access, user_ids: setting.userIds };
  };
  // Model ids hold ':' and '/', so both the path form (percent-encoded) and Open WebUI's ?id= form work.
  app.post('/api/v1/models/model/update', admin, async (request) => update(parseInput(idQuery, request.query, 'query').id, request.body));
  app.post('/api/v1/models/:id/update', admin, async (request) => update(parseInput(idParams, request.params, 'path').id, request.body));
}
