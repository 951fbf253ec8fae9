/**
 * OpenAI pass-through under /openai: for clients that speak OpenAI's API to the OpenAI-compatible
 * connections only. Model access is checked like everywhere else; bytes pass through.
 */
import type { FastifyInstance } from 'fastify';
import { principalOf } from '../auth';
import { parseInput } from '../core/validation';
import { modelView } from '../models';
import { passThroughTranslator } from '../providers';
import { chatCompletionBody } from './chat-completion-body';
import { embeddingsBody } from './embeddings-route';
import { forward } from './forward';
import { candidatesFor, modelFor, type Gateway } from './gateway';

export function registerOpenAiRoutes(app: FastifyInstance, gateway: Gateway): void {
  app.get('/openai/models', async (request) => {
    const user = principalOf(request).user;
    const models = await gateway.catalog.list();
    const data = models
      .filter((model) => model.servedBy.some((entry) => entry.connection.kind === 'openai') && gateway.access.canUse(user, model.id))
      .map(modelView);
    return { object: 'list', data };
  });

  for (const [path, schema, upstreamPath] of [
    ['/openai/chat/completions', chatCompletionBody, '/chat/completions'],
    ['/openai/embeddings', embeddingsBody, '/embeddings'],
  ] as const) {
    app.post(path, async (request, reply) => {
      const routeStartedAt = performance.now();
      const principal = principalOf(request);
      const body = parseInput(schema, request.body) as { model: string; stream?: boolean };
      const model = await modelFor(gateway, principal, body.model);
      await forward(gateway, request, reply, {
        principal,
        candidates: candidatesFor(gateway, model, 'openai'),
        routeStartedAt,
        build: (candidate) => ({ path: upstreamPath, body: JSON.stringify({ ...body, model: candidate.upstreamId }) }),
        stream: body.stream === true ? { protocol: 'openai-sse', translator: () => passThroughTranslator('openai') } : undefined,
      });
    });
  }
}
