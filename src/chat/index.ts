/**
 * Chat: the completion routes (OpenAI's at /api, and the Ollama and OpenAI pass-throughs), all
 * through one forwarding path with phase timeouts, failover and zero-delay streaming.
 */
import type { FastifyInstance } from 'fastify';
import { registerCompletionsRoute } from './completions-route';
import { registerEmbeddingsRoute } from './embeddings-route';
import type { Gateway } from './gateway';
import { registerOllamaRoutes } from './ollama-routes';
import { registerOpenAiRoutes } from './openai-routes';

export type { Gateway } from './gateway';

export function registerChat(app: FastifyInstance, gateway: Gateway): void {
  registerCompletionsRoute(app, gateway);
  registerEmbeddingsRoute(app, gateway);
  registerOllamaRoutes(app, gateway);
  registerOpenAiRoutes(app, gateway);
}
