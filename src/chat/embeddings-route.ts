/** `POST /api/embeddings`: OpenAI's embeddings API through whichever connection serves the model. */
import type { FastifyInstance } from 'fastify';
import { principalOf } from '../auth';
import { parseInput, z } from '../core/validation';
import { toOllamaEmbedRequest, toOpenAiEmbeddingsResponse } from '../providers';
import { forward } from './forward';
import { candidatesFor, modelFor, type Gateway } from './gateway';

export const embeddingsBody = z
  .object({
    model: z.string().min(1).max(500),
    input: z.union([z.string(), z.array(z.string()).min(1).max(10_000), z.array(z.number()), z.array(z.array(z.number()))], {
      // Zod's own words for a failed union ("Invalid input") would not say what is expected.
      error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string, an array of strings, or token arrays'),
    }),
    encoding_format: z.enum(['float', 'base64']).optional(),
  })
  .loose();

export function registerEmbeddingsRoute(app: FastifyInstance, gateway: Gateway): void {
  app.post('/api/embeddings', async (request, reply) => {
    const routeStartedAt = performance.now();
    const principal = principalOf(request);
    const body = parseInput(embeddingsBody, request.body);
    const model = await modelFor(gateway, principal, body.model);
    await forward(gateway, request, reply, {
      principal,
      candidates: candidatesFor(gateway, model),
      routeStartedAt,
      build: (candidate) =>
        candidate.connection.kind === 'openai'
          ? { path: '/embeddings', body: JSON.stringify({ ...body, model: candidate.upstreamId }) }
          : { path: '/api/embed', body: JSON.stringify(toOllamaEmbedRequest({ ...body, model: candidate.upstreamId } as never)) },
      translateWhole: (candidate, bytes) =>
        candidate.connection.kind === 'openai'
          ? { contentType: 'application/json', body: bytes }
          : {
              contentType: 'application/json',
              body: JSON.stringify(toOpenAiEmbeddingsResponse(JSON.parse(bytes.toString('utf8')), { model: model.id, encodingFormat: body.encoding_format })),
            },
    });
  });
}
