/** Admin management of model-server connections under /api/v1/connections. */
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config';
import { notFound } from '../core/errors';
import { parseInput, z } from '../core/validation';
import { connectionView } from './connection-view';
import { normaliseBaseUrl } from './connection-store';
import { connectionKinds, type ConnectionChanges, type ConnectionKind, type ConnectionRegistry } from './types';
import { createOriginDispatcher, dnsCache, poolSettingsFrom, type PoolSettings } from './upstream-pools';
import { verifyConnection, type VerifyResult } from './verify-connection';

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

function hasCredentials(text: string): boolean {
  try {
    const url = new URL(text);
    return url.username !== '' || url.password !== '';
  } catch {
    return false;
  }
}

const fields = {
  kind: z.enum(connectionKinds as [ConnectionKind, ...ConnectionKind[]]),
  baseUrl: z
    .string()
    .trim()
    .max(2048)
    .refine(isHttpUrl, 'must be an http(s) URL such as http://host:11434')
    .refine((text) => !hasCredentials(text), 'must not contain a user name or password; give the key as api_key')
    .transform(normaliseBaseUrl),
  apiKey: z.string().trim().max(4096),
  name: z.string().trim().max(100),
  prefixId: z.string().refine((text) => /^[A-Za-z0-9._-]{0,32}$/.test(text), 'must be at most 32 letters, digits, dots, dashes or underscores'),
  enabled: z.boolean(),
  position: z.number().int().min(0).max(1_000_000),
};

const addBody = z
  .object({
    kind: fields.kind,
    base_url: fields.baseUrl,
    api_key: fields.apiKey.optional(),
    name: fields.name.optional(),
    prefix_id: fields.prefixId.optional(),
    enabled: fields.enabled.optional(),
    position: fields.position.optional(),
  })
  .strict();

const updateBody = z
  .object({
    kind: fields.kind.optional(),
    base_url: fields.baseUrl.optional(),
    api_key: fields.apiKey.optional(),
    name: fields.name.optional(),
    prefix_id: fields.prefixId.optional(),
    enabled: fields.enabled.optional(),
    position: fields.position.optional(),
  })
  .strict();

const verifyStoredBody = z.object({ id: z.string().min(1).max(100) }).strict();
const verifyUnsavedBody = z.object({ kind: fields.kind, base_url: fields.baseUrl, api_key: fields.apiKey.optional() }).strict();

const idParams = z.object({ id: z.string().min(1).max(100) });

function verifyView(result: VerifyResult): Record<string, unknown> {
  return result.ok
    ? { ok: true, latency_ms: result.latencyMs, model_count: result.modelCount }
    : { ok: false, latency_ms: result.latencyMs, error: result.error, phase: result.phase };
}

export function registerConnectionRoutes(
  app: FastifyInstance,
  deps: { registry: ConnectionRegistry; config: Pick<Config, 'connections' | 'timeouts'> },
): void {
  const admin = { config: { access: 'admin' as const } };
  const { registry } = deps;
  let poolSettings: Promise<PoolSettings> | undefined;

  app.get('/api/v1/connections', admin, () => ({ connections: registry.list().map(connectionView) }));

  app.post('/api/v1/connections', admin, async (request) => {
    const body = parseInput(addBody, request.body);
    const added = await registry.add({
      kind: body.kind,
      baseUrl: body.base_url,
      apiKey: body.api_key,
      name: body.name,
      prefixId: body.prefix_id,
      enabled: body.enabled,
      position: body.position,
    });
    return connectionView(added);
  });

  app.post('/api/v1/connections/verify', admin, async (request) => {
    const raw = request.body;
    const timeoutMs = deps.config.timeouts.modelListSeconds * 1000;
    if (raw !== null && typeof raw === 'object' && 'id' in raw) {
      const { id } = parseInput(verifyStoredBody, raw);
      const connection = registry.get(id);
      if (connection === undefined) throw notFound('Connection');
      return verifyView(await verifyConnection(connection, { dispatcher: registry.dispatcherFor(connection), timeoutMs }));
    }
    const body = parseInput(verifyUnsavedBody, raw);
    // Not stored yet: a dispatcher of its own, with the same settings, closed right after.
    poolSettings ??= poolSettingsFrom(deps.config.connections);
    const settings = await poolSettings;
    const pool = createOriginDispatcher(settings, dnsCache(settings));
    try {
      const target = { kind: body.kind, baseUrl: body.base_url, apiKey: body.api_key ?? '' };
      return verifyView(await verifyConnection(target, { dispatcher: pool.dispatcher, timeoutMs }));
    } finally {
      await pool.destroy();
    }
  });

  app.post('/api/v1/connections/:id/update', admin, async (request) => {
    const { id } = parseInput(idParams, request.params, 'path');
    const body = parseInput(updateBody, request.body ?? {});
    const changes: ConnectionChanges = {};
    if (body.kind !== undefined) changes.kind = body.kind;
    if (body.base_url !== undefined) changes.baseUrl = body.base_url;
    // Left out: the key stays. '' removes it.
    if (body.api_key !== undefined) changes.apiKey = body.api_key;
    if (body.name !== undefined) changes.name = body.name;
    if (body.prefix_id !== undefined) changes.prefixId = body.prefix_id;
    if (body.enabled !== undefined) changes.enabled = body.enabled;
    if (body.position !== undefined) changes.position = body.position;
    return connectionView(await registry.update(id, changes));
  });

  for (const [action, enabled] of [['enable', true], ['disable', false]] as const) {
    app.post(`/api/v1/connections/:id/${action}`, admin, async (request) => {
      const { id } = parseInput(idParams, request.params, 'path');
      return connectionView(await registry.update(id, { enabled }));
    });
  }

  app.delete('/api/v1/connections/:id', admin, async (request) => {
    const { id } = parseInput(idParams, request.params, 'path');
    await registry.remove(id);
    return true;
  });
}
