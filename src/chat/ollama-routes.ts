/**
 * Ollama pass-through under /ollama, merged across the Ollama connections: for clients that speak
 * Ollama's own API (the official `ollama` client with host <astra>/ollama). Requests go to a
 * connection serving the model, with access checked; NDJSON streams pass through untouched.
 */
import type { FastifyInstance } from 'fastify';
import { principalOf } from '../auth';
import { AstraError } from '../core/errors';
import { parseInput, z } from '../core/validation';
import { fetchJson, passThroughTranslator } from '../providers';
import { forward } from './forward';
import { candidatesFor, modelFor, type Gateway } from './gateway';

const modelFields = { model: z.string().min(1).max(500).optional(), name: z.string().min(1).max(500).optional(), stream: z.boolean().optional() };

/**
 * What each route checks besides the model: the fields a model server would otherwise misread
 * (Ollama answers a chat whose `messages` is not a list as if there were none). Left out, they
 * keep Ollama's meaning (no messages or prompt: load the model).
 */
const bodies = {
  chat: z.looseObject({ ...modelFields, messages: z.array(z.looseObject({ role: z.string().min(1), content: z.string().optional() })).max(100_000).optional() }),
  generate: z.looseObject({ ...modelFields, prompt: z.string().optional(), system: z.string().optional() }),
  embed: z.looseObject({
    ...modelFields,
    input: z.union([z.string(), z.array(z.string()).max(10_000)], { error: 'must be a string or an array of strings' }).optional(),
  }),
  embeddings: z.looseObject({ ...modelFields, prompt: z.string().optional() }),
  show: z.looseObject(modelFields),
};

export function registerOllamaRoutes(app: FastifyInstance, gateway: Gateway): void {
  const ollamaConnections = () => gateway.registry.enabled().filter((connection) => connection.kind === 'ollama');
  const listTimeoutMs = gateway.config.timeouts.modelListSeconds * 1000;

  app.get('/ollama/api/tags', async (request) => {
    const user = principalOf(request).user;
    const models = await gateway.catalog.list();
    return {
      models: models
        .filter((model) => model.servedBy.some((entry) => entry.connection.kind === 'ollama') && gateway.access.canUse(user, model.id))
        .map((model) => ({ ...model.details, name: model.id, model: model.id })),
    };
  });

  app.get('/ollama/api/version', async () => {
    const errors: string[] = [];
    for (const connection of ollamaConnections()) {
      try {
        return await fetchJson({ dispatcher: gateway.registry.dispatcherFor(connection), baseUrl: connection.baseUrl, path: '/api/version', headers: {}, timeoutMs: listTimeoutMs });
      } catch (error) {
        errors.push(error instanceof Error ? error.message : String(error));
      }
    }
    throw new AstraError('unavailable', errors.length === 0 ? 'No Ollama connection is enabled' : errors.join('; '));
  });

  app.get('/ollama/api/ps', async (request) => {
    const user = principalOf(request).user;
    const answers = await Promise.allSettled(
      ollamaConnections().map(async (connection) => {
        const body = (await fetchJson({ dispatcher: gateway.registry.dispatcherFor(connection), baseUrl: connection.baseUrl, path: '/api/ps', headers: {}, timeoutMs: listTimeoutMs })) as {
          models?: Array<Record<string, unknown>>;
        };
        return (body.models ?? []).map((entry) => {
          const id = connection.prefixId ? `${connection.prefixId}.${String(entry.model ?? entry.name)}` : String(entry.model ?? entry.name);
          return { ...entry, name: id, model: id };
        });
      }),
    );
    const models = answers.flatMap((answer) => (answer.status === 'fulfilled' ? answer.value : []));
    return { models: models.filter((entry) => gateway.access.canUse(user, entry.model)) };
  });

  for (const path of ['chat', 'generate', 'embed', 'embeddings', 'show'] as const) {
    const streams = path === 'chat' || path === 'generate';
    app.post(`/ollama/api/${path}`, async (request, reply) => {
      const routeStartedAt = performance.now();
      const principal = principalOf(request);
      const body = parseInput(bodies[path], request.body) as z.output<typeof bodies.show>;
      const model = await modelFor(gateway, principal, body.model ?? body.name);
      await forward(gateway, request, reply, {
        principal,
        candidates: candidatesFor(gateway, model, 'ollama'),
        routeStartedAt,
        build: (candidate) => ({
          path: `/api/${path}`,
          body: JSON.stringify(body.name !== undefined && body.model === undefined ? { ...body, name: candidate.upstreamId } : { ...body, model: candidate.upstreamId }),
        }),
        // Ollama streams unless told not to.
        stream: streams && body.stream !== false ? { protocol: 'ollama-ndjson', translator: () => passThroughTranslator('ollama') } : undefined,
      });
    });
  }
}
