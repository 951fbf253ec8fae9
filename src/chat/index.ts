/**
 * Chat: the completion routes (OpenAI's at /api, and the Ollama and OpenAI pass-throughs), all
 * through one forwarding path with phase timeouts, failover and zero-delay streaming; and the chat
 * history (chats and messages as rows, under /api/v1/chats); and generations, the chat replies run
 * as server-owned jobs that outlive their request (re-attach, Stop, interrupted-answer sweeps);
 * the user's events channel (`GET /api/v1/events`) and titles generated in the background.
 */
import type { FastifyInstance } from 'fastify';
import { registerCompletionsRoute } from './completions-route';
import { registerEmbeddingsRoute } from './embeddings-route';
import type { Gateway } from './gateway';
import { registerGenerationRoutes, type GenerationHub } from './generation';
import { registerOllamaRoutes } from './ollama-routes';
import { registerOpenAiRoutes } from './openai-routes';

export type { Gateway } from './gateway';
export { registerChatsRoutes, type ChatsRoutesDeps } from './chats-routes';
export { ChatStore, type MessageResult, type MessageRow, type TurnStart } from './store';
export { createGenerations, GenerationHub } from './generation';
export { announceGenerations, UserEvents, type UserEvent } from './events';
export { ChatTitles } from './titles';

export function registerChat(app: FastifyInstance, gateway: Gateway, generations: GenerationHub): void {
  registerCompletionsRoute(app, gateway, generations);
  registerGenerationRoutes(app, { generations, pingIntervalMs: gateway.streamPingIntervalMs });
  registerEmbeddingsRoute(app, gateway);
  registerOllamaRoutes(app, gateway);
  registerOpenAiRoutes(app, gateway);
}
