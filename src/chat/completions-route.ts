/**
 * `POST /api/chat/completions`: OpenAI's chat-completions body, answered by whichever connection
 * serves the model. To an OpenAI-compatible server the request and the streamed bytes pass through;
 * to Ollama the request is translated and its stream turned into OpenAI chunks. With `chat_id` the
 * answer is a server-owned generation, stored in the chat (see generation/).
 */
import type { FastifyInstance } from 'fastify';
import { principalOf } from '../auth';
import {
  ollamaChatToOpenAiCompletion,
  ollamaToOpenAiTranslator,
  passThroughTranslator,
  serverLabel,
  toOllamaChatRequest,
  UpstreamError,
  upstreamFailures,
  type RelayCandidate,
} from '../providers';
import { readChatCompletionBody } from './chat-completion-body';
import { forward } from './forward';
import { canForwardAsSent } from './forward-as-sent';
import { candidatesFor, modelFor, type Gateway } from './gateway';
import { answerChatTurn, type GenerationHub } from './generation';

/** Open WebUI's extra fields, which an OpenAI-compatible server would refuse as unknown. */
const astraOnlyFields = ['chat_id', 'id', 'parent_id', 'files', 'features', 'session_id', 'tool_ids', 'variables', 'model_item', 'background_tasks', 'metadata'];

/**
 * The body for the model server: the client's, without Astra's own fields. Usually there are none
 * and the body itself is returned. It is serialised again from what was checked unless the client's
 * bytes provably say the same to the model server (canForwardAsSent): a repeated key must not show
 * one model to the access check and another to the model server.
 */
function withoutAstraFields(body: Record<string, unknown>): Record<string, unknown> {
  if (!astraOnlyFields.some((field) => field in body)) return body;
  const upstreamBody: Record<string, unknown> = {};
  for (const key of Object.keys(body)) if (!astraOnlyFields.includes(key)) upstreamBody[key] = body[key];
  return upstreamBody;
}

export function registerCompletionsRoute(app: FastifyInstance, gateway: Gateway, generations: GenerationHub): void {
  app.post('/api/chat/completions', async (request, reply) => {
    const routeStartedAt = performance.now();
    const principal = principalOf(request);
    const body = readChatCompletionBody(request.body);
    const found = modelFor(gateway, principal, body.model);
    const model = found instanceof Promise ? await found : found;
    const upstreamBody = withoutAstraFields(body);
    const includeUsage = body.stream_options?.include_usage === true;
    if (body.chat_id !== undefined) {
      await answerChatTurn({ gateway, generations, reply, principal, body, model, candidates: candidatesFor(gateway, model), upstreamBody, includeUsage });
      return;
    }
    // The client's bytes only for the very body that was checked (nothing removed, nothing rebuilt).
    const rawJson = upstreamBody === body && body === request.body ? request.rawJson : undefined;
    const build = (candidate: RelayCandidate): { path: string; body: string } => {
      if (candidate.connection.kind !== 'openai') {
        return { path: '/api/chat', body: JSON.stringify(toOllamaChatRequest({ ...upstreamBody, model: candidate.upstreamId } as never)) };
      }
      const asSent = canForwardAsSent(rawJson, body.model, candidate.upstreamId);
      return { path: '/chat/completions', body: asSent ? rawJson! : JSON.stringify({ ...upstreamBody, model: candidate.upstreamId }) };
    };

    await forward(gateway, request, reply, {
      principal,
      candidates: candidatesFor(gateway, model),
      routeStartedAt,
      build,
      stream:
        body.stream === true
          ? {
              protocol: 'openai-sse',
              translator: (candidate) =>
                candidate.connection.kind === 'openai' ? passThroughTranslator('openai') : ollamaToOpenAiTranslator({ model: model.id, includeUsage }),
            }
          : undefined,
      translateWhole: (candidate, bytes) => {
        if (candidate.connection.kind === 'openai') return { contentType: 'application/json', body: bytes };
        const completion = ollamaChatToOpenAiCompletion(JSON.parse(bytes.toString('utf8')), { id: `chatcmpl-${crypto.randomUUID()}`, model: model.id });
        // A 200 that carries an error (or an answer without its end) is a failed generation, not a completion.
        if ('error' in completion) throw new UpstreamError(upstreamFailures.reported(serverLabel(candidate.connection.baseUrl), completion.error.message));
        return { contentType: 'application/json', body: JSON.stringify(completion) };
      },
    });
  });
}
